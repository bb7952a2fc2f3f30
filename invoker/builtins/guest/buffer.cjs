// node:buffer — feross/buffer (buffer@6), the browserify Buffer, plus Node 20's extra exports.
const b = require('buffer/');
const out = { ...b };
out.Blob = globalThis.Blob;
out.atob = (s) => globalThis.atob(s);
out.btoa = (s) => globalThis.btoa(s);
out.constants = { MAX_LENGTH: b.kMaxLength, MAX_STRING_LENGTH: 2 ** 29 - 24 };
out.isUtf8 = (input) => { try { new globalThis.TextDecoder('utf-8', { fatal: true }).decode(input); return true; } catch { return false; } };
out.isAscii = (input) => { const u = new Uint8Array(input.buffer || input, input.byteOffset || 0, input.byteLength); for (let i = 0; i < u.length; i++) if (u[i] > 127) return false; return true; };
module.exports = out;
