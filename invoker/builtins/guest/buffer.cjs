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
// UTF-8 by the runtime's (guest-text.js: V8's own decoder and encoder, as Node calls them, with
// photon's isolated-vm build): buffer@6 built an array of every byte or code point, ~1.3 ms to
// decode 64 KB where Node takes ~5 us, and ~50 ms to encode 270 KB on a slow VM.
const { utf8Length, utf8Write, utf8Slice } = require('internal/runtime');
// Node (and buffer@6) read a missing, empty or non-string encoding as UTF-8.
const isUtf8Name = (e) => typeof e !== 'string' || e === '' || e === 'utf8' || e === 'utf-8' || e.toLowerCase() === 'utf8' || e.toLowerCase() === 'utf-8';
Buffer.byteLength = (s, e) => (typeof s === 'string' && isUtf8Name(e) ? utf8Length(s) : byteLength(s, isB64url(e) ? 'base64' : e));
// Latin-1 ('latin1', 'binary', 'ascii': one byte a character; 'ascii' clears each byte's high bit
// when decoding), hex, and byte comparisons and searches by native code where photon's isolated-vm
// build has it (deploy/isolated-vm/native-text.patch): buffer@6 does them a byte at a time in
// JavaScript, 50-700x Node's time at 64 KB. current() → null on the prebuilt binary: buffer@6's.
const nativeBytes = require('photon:bytes');
/**
 * An encoding's native operations, or null (buffer@6's): slice(buf, start, end) → string,
 * write(string, buf, offset, length) → bytes written, most(string) → an upper bound of its bytes
 * and exact(string) → its bytes (as write writes them).
 */
const UTF8_OPS = Object.freeze({ slice: utf8Slice, write: utf8Write, most: (s) => s.length * 3, exact: utf8Length }); // at most 3 bytes a UTF-16 unit
const NATIVE_ENCODINGS = Object.assign(Object.create(null), { latin1: 'latin1', binary: 'latin1', ascii: 'ascii', hex: 'hex' });
let opsFor = null; // the native primitives the table below was made with
let opsTable = null;
function opsOf(enc) {
  if ((enc === undefined || typeof enc === 'string') && isUtf8Name(enc)) return UTF8_OPS;
  const n = nativeBytes.current();
  if (n === null || typeof enc !== 'string') return null;
  const name = NATIVE_ENCODINGS[enc] ?? NATIVE_ENCODINGS[enc.toLowerCase()];
  if (name === undefined) return null;
  if (opsFor !== n) {
    const units = (s) => s.length;
    const pairs = (s) => s.length >>> 1;
    opsTable = {
      latin1: { slice: (b, start, end) => n.latin1Decode(b, start, end, false), write: n.latin1Write, most: units, exact: units },
      ascii: { slice: (b, start, end) => n.latin1Decode(b, start, end, true), write: n.latin1Write, most: units, exact: units },
      hex: { slice: n.hexEncode, write: n.hexWrite, most: pairs, exact: pairs },
    };
    opsFor = n;
  }
  return opsTable[name];
}
// Short strings go into a shared slab, as Node's Buffer.from(string) does (lib/buffer.js
// fromStringFast, Buffer.poolSize): no ArrayBuffer of their own, which costs ~1-2 us in V8.
let slab = null;
let slabAt = 0;
/** `value` encoded by `ops` in a new Buffer (of the bytes written: hex stops at a bad pair). */
function fromString(value, ops) {
  const half = (Buffer.poolSize >>> 0) >>> 1;
  let most = ops.most(value);
  if (value.length >= half || most >= half) most = ops.exact(value);
  if (value.length >= half) {
    const u = new Uint8Array(most);
    return from.call(Buffer, u.buffer, 0, ops.write(value, u, 0, most));
  }
  if (slab === null || slab.length !== Buffer.poolSize >>> 0 || most > slab.length - slabAt) { slab = new Uint8Array(Buffer.poolSize >>> 0); slabAt = 0; }
  const written = ops.write(value, slab, slabAt, most);
  const b = from.call(Buffer, slab.buffer, slabAt, written);
  slabAt = (slabAt + written + 7) & ~7; // 8-byte aligned, as Node's alignPool
  return b;
}
Buffer.from = function (value, enc, len) {
  const ops = typeof value === 'string' ? opsOf(enc) : null;
  if (ops !== null) return fromString(value, ops);
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
// native-text.patch): its string lives outside the V8 heap, where V8's own would be a large
// object (past 128 KB of characters) on fresh pages at every call. Below it V8's is 2-3x faster
// (a string in new space; invoker/README.md, "Base64 without fresh pages").
const NATIVE_AT = 96 * 1024;
proto.toString = function (enc, start, end) {
  const ops = opsOf(enc);
  if (ops !== null) {
    // Node's own reading of start and end (lib/buffer.js toString).
    const len = this.length;
    if (arguments.length === 0) return utf8Slice(this, 0, len);
    if (start <= 0) start = 0;
    else if (start >= len) return '';
    else start = Math.trunc(start) || 0;
    if (end === undefined || end > len) end = len;
    else end = Math.trunc(end) || 0;
    if (end <= start) return '';
    return ops.slice(this, start, end);
  }
  if (start === undefined && end === undefined && this.length >= NATIVE_AT && (isB64(enc) || isB64url(enc))) {
    const s = v8Base64.encode(this, isB64url(enc));
    if (s !== null) return s;
  }
  const v8 = start === undefined && end === undefined && (isB64(enc) || isB64url(enc)) ? v8Base64.current() : null;
  if (v8 !== null) return isB64url(enc) ? nativeToBase64(v8, this, URL_OPTIONS) : nativeToBase64(v8, this);
  if ((isB64(enc) || isB64url(enc)) && start === undefined && end === undefined && this.length >= HOST_AT) return host.call('encode', new Uint8Array(this.buffer, this.byteOffset, this.length), isB64url(enc) ? 'base64url' : 'base64');
  return isB64url(enc) ? toB64url(protoToString.call(this, 'base64', start, end)) : protoToString.apply(this, arguments);
};
proto.write = function (string, offset, length, encoding) {
  // buffer@6's reading of the arguments (Buffer#write(string[, offset[, length]][, encoding])),
  // then the encoding's native writer (opsOf: UTF-8, Latin-1, hex); other encodings by buffer@6.
  let enc = encoding;
  let at = offset;
  let max = length;
  if (offset === undefined) { enc = 'utf8'; at = 0; max = this.length; } else if (length === undefined && typeof offset === 'string') { enc = offset; at = 0; max = this.length; } else if (Number.isFinite(Number(offset))) {
    at = offset >>> 0;
    if (Number.isFinite(Number(length))) max = length >>> 0; else { enc = length; max = undefined; }
  } else {
    return protoWrite.call(this, string, offset, length, encoding); // buffer@6's error
  }
  const ops = opsOf(enc);
  if (typeof string !== 'string' || ops === null) return protoWrite.apply(this, [string, offset, length, encoding].map((a) => (isB64url(a) ? 'base64' : a)));
  const remaining = this.length - at;
  if (max === undefined || max > remaining) max = remaining;
  if ((string.length > 0 && max < 0) || at > this.length) throw new RangeError('Attempt to write outside buffer bounds');
  return ops.write(string, this, at, max);
};
const { equals: protoEquals, compare: protoCompare, indexOf: protoIndexOf, lastIndexOf: protoLastIndexOf, fill: protoFill } = proto;
const bufferCompare = Buffer.compare;
Buffer.compare = function (a, b) {
  const n = nativeBytes.current();
  return n !== null && a instanceof Uint8Array && b instanceof Uint8Array ? n.compare(a, b) : bufferCompare.call(this, a, b);
};
proto.equals = function (b) {
  const n = nativeBytes.current();
  if (n === null || !(b instanceof Uint8Array)) return protoEquals.call(this, b);
  return this === b || (this.length === b.length && n.compare(this, b) === 0);
};
proto.compare = function (target) {
  const n = nativeBytes.current();
  return n !== null && arguments.length === 1 && target instanceof Uint8Array ? n.compare(this, target) : protoCompare.apply(this, arguments);
};
/** The needle's bytes for a native search, or null: buffer@6 searches (numbers, other encodings, offsets from the end). */
function needleOf(value, byteOffset, encoding) {
  if (!(byteOffset === undefined || (Number.isInteger(byteOffset) && byteOffset >= 0 && byteOffset <= 0x7fffffff))) return null;
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string' || !isUtf8Name(encoding)) return null;
  return Buffer.from(value);
}
proto.indexOf = function (value, byteOffset, encoding) {
  const n = nativeBytes.current();
  const needle = n === null ? null : needleOf(value, byteOffset, encoding);
  return needle === null ? protoIndexOf.apply(this, arguments) : n.index(this, needle, byteOffset ?? 0, false);
};
// Backward, natively only while the work is small (photon:bytes-index compares at each position;
// past 2^26 byte comparisons buffer@6's JavaScript, which the action's timeout can stop).
const BACKWARD_MAX = 2 ** 26;
proto.lastIndexOf = function (value, byteOffset, encoding) {
  const n = nativeBytes.current();
  const needle = n === null ? null : needleOf(value, byteOffset, encoding);
  if (needle === null || (needle.length > 1 && this.length * needle.length > BACKWARD_MAX)) return protoLastIndexOf.apply(this, arguments);
  return n.index(this, needle, byteOffset ?? this.length, true);
};
proto.includes = function (value, byteOffset, encoding) { return this.indexOf(value, byteOffset, encoding) !== -1; };
const u8fill = Uint8Array.prototype.fill;
proto.fill = function (value, start, end, encoding) {
  // A number over the whole buffer or an in-range part: V8's own fill, where buffer@6 loops.
  if (typeof value === 'number' && encoding === undefined && (start === undefined || (Number.isInteger(start) && start >= 0 && start <= this.length)) && (end === undefined || (Number.isInteger(end) && end >= 0 && end <= this.length))) {
    if (end === undefined || start === undefined || end > start) u8fill.call(this, value & 255, start ?? 0, end ?? this.length);
    return this;
  }
  return protoFill.apply(this, arguments);
};
proto.utf8Write = function (string, offset = 0, length = this.length - offset) { return this.write(string, offset, length, 'utf8'); };
proto.utf8Slice = function (start = 0, end = this.length) { return this.toString('utf8', start, end); };
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
