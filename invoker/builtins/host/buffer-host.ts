// The host side of node:buffer: base64 of large buffers, done by Node's native code (the guest's
// buffer@6 encodes in JavaScript, several times slower). Copies in and out; only for inputs large
// enough that the copies and the host call cost less than the JavaScript they replace.
import type { HostBuiltin } from '../host-builtin.js';

/** Inputs above this many bytes (or characters) go to the host; below, the guest's JavaScript is faster. */
const MAX_INPUT = 64 * 1024 * 1024;

export const bufferHost: HostBuiltin = {
  call(op, args) {
    const input = args[0];
    if (op === 'encode' && input instanceof Uint8Array && input.length <= MAX_INPUT) {
      const enc = args[1] === 'base64url' ? 'base64url' : 'base64';
      return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString(enc);
    }
    if (op === 'decode' && typeof input === 'string' && input.length <= MAX_INPUT) {
      const b = Buffer.from(input, 'base64');
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    throw new TypeError(`node:buffer: no host operation ${op} for these arguments`);
  },
};
