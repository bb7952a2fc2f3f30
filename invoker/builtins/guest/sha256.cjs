// SHA-256 in the guest, for small inputs only: a host call costs tens of microseconds, while
// hashing 64 bytes here costs about one, so `createHash('sha256')` of a short string (tokens, ids,
// cache keys, HS256 JWTs) never leaves the isolate. Large inputs go to the host's OpenSSL, which
// is many times faster per byte. The known-answer tests compare both paths with Node's.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Int32Array(64);
const H = new Int32Array(8);

function blocks(m, n) {
  let h0 = H[0], h1 = H[1], h2 = H[2], h3 = H[3], h4 = H[4], h5 = H[5], h6 = H[6], h7 = H[7];
  for (let off = 0; off < n; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      W[i] = (m[j] << 24) | (m[j + 1] << 16) | (m[j + 2] << 8) | m[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15], b = W[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
  }
  H[0] = h0; H[1] = h1; H[2] = h2; H[3] = h3; H[4] = h4; H[5] = h5; H[6] = h6; H[7] = h7;
}

let scratch = new Uint8Array(256);
/** SHA-256 of the chunks (Uint8Arrays, `total` bytes in all) as 32 bytes. */
function sha256(chunks, total) {
  H[0] = 0x6a09e667; H[1] = 0xbb67ae85 | 0; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a | 0;
  H[4] = 0x510e527f; H[5] = 0x9b05688c | 0; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
  const padded = (total + 72) & ~63;
  if (scratch.length < padded) scratch = new Uint8Array(padded);
  const m = scratch;
  let at = 0;
  for (const c of chunks) { m.set(c, at); at += c.length; }
  m[at++] = 0x80;
  m.fill(0, at, padded);
  const bits = total * 8;
  m[padded - 5] = bits / 2 ** 32; // inputs here are small: the length's top bytes stay 0
  m[padded - 4] = bits >>> 24; m[padded - 3] = bits >>> 16; m[padded - 2] = bits >>> 8; m[padded - 1] = bits;
  blocks(m, padded);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) { const v = H[i]; out[i * 4] = v >>> 24; out[i * 4 + 1] = v >>> 16; out[i * 4 + 2] = v >>> 8; out[i * 4 + 3] = v; }
  return out;
}

const IPAD = new Uint8Array(64);
const OPAD = new Uint8Array(64);
/** HMAC-SHA-256 of the chunks under `key` (a Uint8Array). */
function hmacSha256(key, chunks, total) {
  const k = key.length > 64 ? sha256([key], key.length) : key;
  IPAD.fill(0x36); OPAD.fill(0x5c);
  for (let i = 0; i < k.length; i++) { IPAD[i] ^= k[i]; OPAD[i] ^= k[i]; }
  const inner = sha256([IPAD, ...chunks], 64 + total);
  return sha256([OPAD, inner], 96);
}

module.exports = { sha256, hmacSha256 };
