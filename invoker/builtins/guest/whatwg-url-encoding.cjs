// whatwg-url's lib/encoding.js (its UTF-8 encode and decode), with a fast path for ASCII:
// build-builtins.ts bundles this in its place for node:url. whatwg-url calls utf8Encode once per
// code point of every path, query and fragment it percent-encodes, and the decoder for every
// query name and value; the original goes through TextEncoder/TextDecoder, which here are
// JavaScript (a byte array copied into a Uint8Array; a Buffer made and decoded by buffer@6), and
// in an isolate's first parse every function on that path runs for the first time in its context
// (no feedback, inline caches empty: the layer's startup snapshot keeps bytecode, not those).
// For ASCII the answer is the same by definition (UTF-8 of U+0000..U+007F is the byte itself, and
// a byte sequence of ASCII has no BOM and nothing to replace); anything else goes the original way.
'use strict';
// The layer's own encoder and decoder, from the module (a function that replaces the globals does
// not change how URLs are parsed), made at their first use: the original made them when node:url
// loaded, through the globals, which put their values in place of their getters in the layer's
// snapshot (so an isolate from it could not tell a function's first TextEncoder read: layer-choice.test.ts).
let encoder;
let decoder;

function utf8Encode(string) {
  const n = string.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = string.charCodeAt(i);
    if (c >= 0x80) return (encoder || (encoder = new (require('internal/web').TextEncoder)())).encode(string);
    out[i] = c;
  }
  return out;
}

// Bounded so that the spread of bytes into arguments stays far from V8's limit.
const ASCII_AT_ONCE = 4096;

function utf8DecodeWithoutBOM(bytes) {
  const n = bytes.length;
  if (n <= ASCII_AT_ONCE) {
    let i = 0;
    while (i < n && bytes[i] < 0x80) i++;
    if (i === n) return String.fromCharCode.apply(null, bytes);
  }
  return (decoder || (decoder = new (require('internal/web').TextDecoder)('utf-8', { ignoreBOM: true }))).decode(bytes);
}

module.exports = { utf8Encode, utf8DecodeWithoutBOM };
