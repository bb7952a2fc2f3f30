// node:buffer — feross/buffer (buffer@6), the browserify Buffer, plus what Node 20 adds: the
// base64url encoding, Blob/File (lazily: the web globals need Buffer themselves), atob/btoa,
// constants, isUtf8/isAscii.
const b = require('buffer/');
const { Buffer } = b;

// base64url: Node's URL-safe base64 without padding. buffer@6's decoder already accepts - and _.
const isB64url = (e) => typeof e === 'string' && e.toLowerCase() === 'base64url';
const toB64url = (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const host = require('photon:host');
// Base64 by V8's own native code when the isolate has it (Uint8Array.prototype.toBase64 and
// Uint8Array.fromBase64, enabled by isolate-runtime.ts): no copy leaves the isolate. Its decoder is
// strict where Node's is lenient (Node skips invalid characters, stops at padding, mixes both
// alphabets): whatever it refuses is decoded the old way, so the answer is always Node's.
// Without it, large base64 goes to the host's native code (buffer@6 does it in JavaScript); small
// stays here, where a host call would cost more than it saves.
const HOST_AT = 32 * 1024;
// current() → { toBase64, fromBase64 }, or null without the flag (guest-builtins.js). Asked at each
// call: this module may have run in the layer's startup snapshot, before the context had them.
const v8Base64 = require('photon:base64');
/**
 * V8's encoder on a fresh copy unless the view is its whole, fixed-size buffer (see guest-builtins.js).
 * Parenthesised so that V8 compiles it with the module, into the layer's snapshot: the snapshot's
 * warm-up has no V8 base64 to reach it, and an isolate's first base64 compiled it (~0.05 ms).
 */
const nativeToBase64 = (function nativeToBase64(n, u, options) {
  const whole = u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && u.buffer.resizable !== true && !(typeof SharedArrayBuffer === 'function' && u.buffer instanceof SharedArrayBuffer);
  return n.toBase64.call(whole ? u : new Uint8Array(u), options);
});
const URL_OPTIONS = { alphabet: 'base64url', omitPadding: true };
const DECODE = { alphabet: 'base64', lastChunkHandling: 'loose' };
const DECODE_URL = { alphabet: 'base64url', lastChunkHandling: 'loose' };
const { from, byteLength, isEncoding } = Buffer;
const proto = Buffer.prototype;
const { toString: protoToString, write: protoWrite } = proto;
Buffer.isEncoding = (e) => isB64url(e) || isEncoding(e);
const isB64 = (e) => typeof e === 'string' && (e === 'base64' || e.toLowerCase() === 'base64');
// UTF-8 by the runtime's encoder (guest-text.js: straight into the bytes, as Node writes it): buffer@6
// built an array of every byte, twice (its length, then its bytes), ~50 ms for 270 KB on a slow VM.
const { utf8Encode, utf8Length } = require('internal/runtime');
// Node (and buffer@6) read a missing, empty or non-string encoding as UTF-8.
const isUtf8Name = (e) => typeof e !== 'string' || e === '' || e === 'utf8' || e === 'utf-8' || e.toLowerCase() === 'utf8' || e.toLowerCase() === 'utf-8';
Buffer.byteLength = (s, e) => (typeof s === 'string' && isUtf8Name(e) ? utf8Length(s) : byteLength(s, isB64url(e) ? 'base64' : e));
Buffer.from = function (value, enc, len) {
  if (typeof value === 'string' && isUtf8Name(enc)) {
    const u = utf8Encode(value);
    return from.call(Buffer, u.buffer, u.byteOffset, u.byteLength);
  }
  const n = typeof value === 'string' ? v8Base64.current() : null;
  if (n !== null && (isB64(enc) || isB64url(enc))) {
    const nativeFromBase64 = n.fromBase64;
    let u = null;
    try { u = nativeFromBase64(value, isB64url(enc) ? DECODE_URL : DECODE); } catch { /* not strict base64: Node's lenient decoding below */ }
    if (u !== null) return from.call(Buffer, u.buffer, u.byteOffset, u.byteLength);
  }
  if (typeof value === 'string' && value.length >= HOST_AT && (isB64(enc) || isB64url(enc))) {
    const u = host.call('decode', value);
    return from.call(Buffer, u.buffer, u.byteOffset, u.byteLength);
  }
  return from.call(Buffer, value, isB64url(enc) ? 'base64' : enc, len);
};
// From this size on, the native encoder of photon's isolated-vm build (deploy/isolated-vm/
// native-base64.patch): its string lives outside the V8 heap, where V8's own would be a large
// object (past 128 KB of characters) on fresh pages at every call. Below it V8's is 2-3x faster
// (a string in new space; invoker/README.md, "Base64 without fresh pages").
const NATIVE_AT = 96 * 1024;
proto.toString = function (enc, start, end) {
  if (start === undefined && end === undefined && this.length >= NATIVE_AT && (isB64(enc) || isB64url(enc))) {
    const s = v8Base64.encode(this, isB64url(enc));
    if (s !== null) return s;
  }
  const n = start === undefined && end === undefined && (isB64(enc) || isB64url(enc)) ? v8Base64.current() : null;
  if (n !== null) return isB64url(enc) ? nativeToBase64(n, this, URL_OPTIONS) : nativeToBase64(n, this);
  if ((isB64(enc) || isB64url(enc)) && start === undefined && end === undefined && this.length >= HOST_AT) return host.call('encode', new Uint8Array(this.buffer, this.byteOffset, this.length), isB64url(enc) ? 'base64url' : 'base64');
  return isB64url(enc) ? toB64url(protoToString.call(this, 'base64', start, end)) : protoToString.apply(this, arguments);
};
proto.write = function (...args) {
  return protoWrite.apply(this, args.map((a) => (isB64url(a) ? 'base64' : a)));
};
proto.base64urlSlice = function (start, end) { return toB64url(this.base64Slice(start, end)); };
proto.base64urlWrite = function (s, offset, length) { return this.base64Write(s, offset, length); };

const out = { ...b };
Object.defineProperty(out, 'Blob', { enumerable: true, get: () => globalThis.Blob });
Object.defineProperty(out, 'File', { enumerable: true, get: () => require('internal/web').File });
out.atob = (s) => globalThis.atob(s);
out.btoa = (s) => globalThis.btoa(s);
out.constants = { MAX_LENGTH: b.kMaxLength, MAX_STRING_LENGTH: 2 ** 29 - 24 };
out.isUtf8 = (input) => { try { new globalThis.TextDecoder('utf-8', { fatal: true }).decode(input); return true; } catch { return false; } };
out.isAscii = (input) => { const u = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input); for (let i = 0; i < u.length; i++) if (u[i] > 127) return false; return true; };
module.exports = out;
