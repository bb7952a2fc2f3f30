// The functions bench/isolates.ts runs: the thesis's workloads (hello world, file hashing, a
// CPU-heavy one; seeds/000 §6.3) as photon actions, and a file server for the hashing one.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import type { Action } from '../shared/model/action.js';
import { DEFAULT_LIMITS } from '../shared/model/action.js';

let revision = 0;

export function benchAction(name: string, code: string, memory = 128): Action {
  return {
    namespace: 'bench',
    name,
    version: '0.0.1',
    revision: `b${++revision}`,
    exec: { kind: 'nodejs:20', code },
    parameters: [],
    annotations: [],
    limits: { ...DEFAULT_LIMITS, memory, timeout: 60_000 },
    publish: false,
    updated: Date.now(),
  };
}

export const HELLO = "function main(p) { return { greeting: 'Hello, ' + (p.name || 'world') + '!' } }";

// MD5 in plain JavaScript: functions get no crypto module, so the hash is computed in the isolate
// like the thesis's Java MessageDigest is computed in the function.
export const FILE_HASH = `
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
const S = [7,12,17,22,7,12,17,22,7,12,17,22,7,12,17,22,5,9,14,20,5,9,14,20,5,9,14,20,5,9,14,20,
           4,11,16,23,4,11,16,23,4,11,16,23,4,11,16,23,6,10,15,21,6,10,15,21,6,10,15,21,6,10,15,21];
function md5(bytes) {
  const len = bytes.length;
  const blocks = ((len + 8) >>> 6) + 1;
  const w = new Int32Array(blocks * 16);
  for (let i = 0; i < len; i++) w[i >> 2] |= bytes[i] << ((i % 4) * 8);
  w[len >> 2] |= 0x80 << ((len % 4) * 8);
  w[blocks * 16 - 2] = len * 8;
  let a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
  for (let o = 0; o < w.length; o += 16) {
    let A = a0, B = b0, C = c0, D = d0;
    for (let i = 0; i < 64; i++) {
      let F, g;
      if (i < 16) { F = (B & C) | (~B & D); g = i; }
      else if (i < 32) { F = (D & B) | (~D & C); g = (5 * i + 1) % 16; }
      else if (i < 48) { F = B ^ C ^ D; g = (3 * i + 5) % 16; }
      else { F = C ^ (B | ~D); g = (7 * i) % 16; }
      const t = D; D = C; C = B;
      const x = (A + F + K[i] + w[o + g]) | 0;
      B = (B + ((x << S[i]) | (x >>> (32 - S[i])))) | 0;
      A = t;
    }
    a0 = (a0 + A) | 0; b0 = (b0 + B) | 0; c0 = (c0 + C) | 0; d0 = (d0 + D) | 0;
  }
  let hex = '';
  for (const v of [a0, b0, c0, d0]) for (let i = 0; i < 4; i++) hex += ((v >>> (8 * i)) & 255).toString(16).padStart(2, '0');
  return hex;
}
async function main(p) {
  const res = await fetch(p.url);
  const bytes = await res.bytes();
  return { md5: md5(bytes), size: bytes.length };
}`;

export const CPU_HEAVY = `function main(p) {
  const n = p.n || 60000;
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) if (i % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return { primesBelow: n, count };
}`;

export interface FileServer {
  url: string;
  md5: string;
  close(): Promise<void>;
}

/** Serves one deterministic file of `size` bytes, listening on `listen` (a port on the host or a namespaced fd). */
export async function fileServer(size: number, listen: { host: string; port: number } | { fd: number; host: string; port: number }): Promise<FileServer> {
  const file = Buffer.alloc(size);
  for (let i = 0; i < size; i++) file[i] = (i * 2654435761) >>> 24;
  const server = http.createServer((_req, res) => {
    res.setHeader('content-length', file.length);
    res.end(file);
  });
  await new Promise<void>((resolve) => ('fd' in listen ? server.listen({ fd: listen.fd }, resolve) : server.listen(listen.port, listen.host, resolve)));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${listen.host}:${port}/file.bin`,
    md5: createHash('md5').update(file).digest('hex'),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
