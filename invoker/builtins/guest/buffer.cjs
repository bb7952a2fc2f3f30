// node:buffer — feross/buffer (buffer@6), the browserify Buffer, plus what Node 20 adds: the
// base64url encoding, Blob/File (lazily: the web globals need Buffer themselves), atob/btoa,
// constants, isUtf8/isAscii.
const b = require('buffer/');
const { Buffer } = b;

// base64url: Node's URL-safe base64 without padding. buffer@6's decoder already accepts - and _.
const isB64url = (e) => typeof e === 'string' && e.toLowerCase() === 'base64url';
const toB64url = (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const { from, byteLength, isEncoding } = Buffer;
const proto = Buffer.prototype;
const { toString: protoToString, write: protoWrite } = proto;
Buffer.isEncoding = (e) => isB64url(e) || isEncoding(e);
Buffer.byteLength = (s, e) => byteLength(s, isB64url(e) ? 'base64' : e);
Buffer.from = function (value, enc, len) { return from.call(Buffer, value, isB64url(enc) ? 'base64' : enc, len); };
proto.toString = function (enc, start, end) {
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
