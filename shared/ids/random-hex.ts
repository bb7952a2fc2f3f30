// Random hex ids without a system call each: activation ids and request ids are made on every
// request, and crypto.randomBytes(16) costs a getrandom() per call (two per invoke, ~10 µs each).
// The bytes come from the same CSPRNG, drawn 4 KiB at a time; a byte is never handed out twice.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** `bytes` random bytes (≤ 4096) as 2 × bytes lowercase hex characters. */
export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) throw new RangeError(`randomHex: at most ${POOL_BYTES} bytes, got ${bytes}`);
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.toString('hex', used, used + bytes);
  used += bytes;
  return out;
}
