// whatwg-url's lib/percent-encoding.js with an ASCII fast path for its two UTF-8 percent-encoders:
// build-builtins.ts bundles this where whatwg-url requires './percent-encoding' (and the original
// file where this requires it). The URL parser calls utf8PercentEncodeCodePoint once per code point
// of every path and fragment, and utf8PercentEncodeString per query, user name and password, and
// serialised URLSearchParams pair; the original encodes each code point to a fresh byte array and
// iterates it. For a code point below U+0080 its UTF-8 is the one byte, so the answer is the
// character itself or its %XX, as the original's (spec: "UTF-8 percent-encode"); the rest goes to
// the original. Same fidelity (builtin-cases.ts urlEncoding, against Node), less work per character,
// and fewer functions run for the first time in an isolate's first parse.
'use strict';
const original = require('photon-original:whatwg-url/lib/percent-encoding');

const HEX = '0123456789ABCDEF';
const ascii = (c, predicate) => (predicate(c) ? `%${HEX[c >> 4]}${HEX[c & 15]}` : String.fromCharCode(c));

function utf8PercentEncodeCodePoint(codePoint, percentEncodePredicate) {
  return codePoint < 0x80 ? ascii(codePoint, percentEncodePredicate) : original.utf8PercentEncodeCodePoint(codePoint, percentEncodePredicate);
}

function utf8PercentEncodeString(input, percentEncodePredicate, spaceAsPlus = false) {
  let output = '';
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x80) return output + original.utf8PercentEncodeString(input.slice(i), percentEncodePredicate, spaceAsPlus);
    output += spaceAsPlus && c === 0x20 ? '+' : ascii(c, percentEncodePredicate);
  }
  return output;
}

module.exports = { ...original, utf8PercentEncodeCodePoint, utf8PercentEncodeString };
