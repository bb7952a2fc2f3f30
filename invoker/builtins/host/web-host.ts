// The host side of internal/web: entropy for crypto.getRandomValues() and crypto.randomUUID()
// (V8's Math.random is not a cryptographic source; Node's is the host's CSPRNG).
import { randomFillSync } from 'node:crypto';
import type { HostBuiltin } from '../host-builtin.js';

/** Bytes per request: the guest keeps a pool and asks again when it runs out. */
const MAX_RANDOM = 65536;

export const webHost: HostBuiltin = {
  call(op, args) {
    if (op === 'random') {
      const n = Number(args[0]);
      if (!Number.isInteger(n) || n < 0 || n > MAX_RANDOM) throw new RangeError(`random: 0..${MAX_RANDOM} bytes`);
      return randomFillSync(new Uint8Array(n));
    }
    throw new TypeError(`internal/web: no host operation ${op}`);
  },
};
