// bench:isolates rows for the host-backed built-ins (issue 14): node:crypto's createHash('sha256')
// of 64 B and 64 KB inputs, node:zlib's gzipSync of 64 KB, and node:buffer's text and byte work
// (UTF-8, Latin-1, hex, comparisons, searches, fills: native-text.patch), as operations per second inside a
// warm isolate beside the same loop in this Node.js process (native) — the ratio is the figure.
// Each side runs its loop for the same wall time; the isolate measures its own loop (Date.now).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import type { NamespaceCache } from '../native/contracts.js';
import { benchAction } from './isolate-workloads.js';

export interface HostBuiltinRow {
  readonly what: string;
  readonly isolateOps: number;
  readonly nativeOps: number;
  /** Whether issue 14 sets this row a goal (≥ 0.5 of native): hashes and zlib; the text, byte and random rows are for reference. */
  readonly goal: boolean;
}

const LOOP_MS = 400;
/** The input of a row, made the same way on both sides. */
const INPUT = `const input = (n, text) => { if (text) { let s = ''; while (s.length < n) s += text === 1 ? 'h\\u00e9llo w\\u00f6rld, {"n": [1, 2, 3]} \\u4e16\\u754c \\ud83d\\ude00 ' : '{"id": 12345, "name": "hello world", "tags": ["a", "b"], "ok": true}, '; return Buffer.from(s).subarray(0, n); }
  const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i % 97 < 60 ? 97 + (i % 23) : (i * 7919) & 255); return b; };`;
const makeInput = new Function('Buffer', `${INPUT.replace('const input = ', 'return ')}`)(Buffer) as (n: number, text: Text) => Buffer;

type Decoder = InstanceType<typeof TextDecoder>;
/** The input's kind: bytes (0), mixed UTF-8 text (1: a quarter of the characters beyond ASCII), ASCII text (2: JSON). */
type Text = 0 | 1 | 2;
// `b` the input, `s` its text, `td` a TextDecoder, `copy` a copy of `b`; `reference`: a row without a goal.
const ROWS: { what: string; size: number; text?: Text; reference?: true; op: string; native: (b: Buffer, s: string, td: Decoder, copy: Buffer) => unknown }[] = [
  { what: "crypto.createHash('sha256') of 64 B, hex", size: 64, op: "c.createHash('sha256').update(b).digest('hex')", native: (b) => createHash('sha256').update(b).digest('hex') },
  { what: "crypto.createHash('sha256') of 64 KB, hex", size: 64 * 1024, op: "c.createHash('sha256').update(b).digest('hex')", native: (b) => createHash('sha256').update(b).digest('hex') },
  { what: "crypto.createHmac('sha512') of 64 KB, hex", size: 64 * 1024, op: "c.createHmac('sha512', 'key').update(b).digest('hex')", native: (b) => createHmac('sha512', 'key').update(b).digest('hex') },
  { what: "crypto.createHash('sha1') of 64 B, hex", size: 64, op: "c.createHash('sha1').update(b).digest('hex')", native: (b) => createHash('sha1').update(b).digest('hex') },
  // From a 4 KB pool of the host's entropy (crypto.cjs): one host call per 4 KB.
  { what: 'crypto.randomBytes(16), hex', size: 0, text: 0, reference: true, op: "c.randomBytes(16).toString('hex')", native: () => randomBytes(16).toString('hex') },
  // Not on native-digest.patch's list: still one host call (on the prebuilt binary, so is every row above but SHA-256 ≤ 4 KB).
  { what: "  (host call alone: ripemd160 of 64 B)", size: 64, op: "c.createHash('ripemd160').update(b).digest('hex')", native: (b) => createHash('ripemd160').update(b).digest('hex') },
  { what: 'zlib.gzipSync of 64 KB', size: 64 * 1024, op: 'z.gzipSync(b)', native: (b) => gzipSync(b) },
  { what: "buffer.toString('utf8') of 64 B of text", size: 64, text: 1, reference: true, op: 'b.toString()', native: (b) => b.toString() },
  { what: "buffer.toString('utf8') of 64 KB of JSON", size: 64 * 1024, text: 2, reference: true, op: 'b.toString()', native: (b) => b.toString() },
  { what: "buffer.toString('utf8') of 64 KB of text", size: 64 * 1024, text: 1, reference: true, op: 'b.toString()', native: (b) => b.toString() },
  { what: 'new TextDecoder().decode of 64 KB of text', size: 64 * 1024, text: 1, reference: true, op: 'td.decode(b)', native: (b, _s, td) => td.decode(b) },
  { what: 'Buffer.from(string) of 64 B of text', size: 64, text: 1, reference: true, op: 'Buffer.from(s)', native: (_b, s) => Buffer.from(s) },
  { what: 'Buffer.from(string) of 64 KB of text', size: 64 * 1024, text: 1, reference: true, op: 'Buffer.from(s)', native: (_b, s) => Buffer.from(s) },
  // node:buffer's other work on 64 KB (native-text.patch's Latin-1 and byte primitives; hex and
  // UCS-2 are still buffer@6's JavaScript).
  { what: "buffer.toString('latin1') of 64 KB", size: 64 * 1024, text: 0, reference: true, op: "b.toString('latin1')", native: (b) => b.toString('latin1') },
  { what: "buffer.toString('hex') of 64 KB", size: 64 * 1024, text: 0, reference: true, op: "b.toString('hex')", native: (b) => b.toString('hex') },
  { what: 'buffer.equals of 64 KB (equal)', size: 64 * 1024, text: 0, reference: true, op: 'b.equals(copy)', native: (b, _s, _td, copy) => b.equals(copy) },
  { what: "buffer.indexOf of 64 KB (absent 'zzzz')", size: 64 * 1024, text: 0, reference: true, op: "b.indexOf('zzzz')", native: (b) => b.indexOf('zzzz') },
  { what: 'buffer.fill(7) of 64 KB', size: 64 * 1024, text: 0, reference: true, op: 'b.fill(7)', native: (b) => b.fill(7) },
];

function nativeOps(size: number, text: Text, op: (b: Buffer, s: string, td: Decoder, copy: Buffer) => unknown): number {
  const b = makeInput(size, text);
  const s = b.toString();
  const td = new TextDecoder();
  const copy = Buffer.from(b);
  for (let i = 0; i < 50; i++) op(b, s, td, copy); // warm up the same way the isolate's loop does
  const t = Date.now();
  let n = 0;
  while (Date.now() - t < LOOP_MS) { op(b, s, td, copy); n++; }
  return (n * 1000) / (Date.now() - t);
}

export async function hostBuiltinRows(cache: NamespaceCache): Promise<HostBuiltinRow[]> {
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 256 }, userMemoryMb: 4096, idPrefix: 'tibb' });
  try {
    const out: HostBuiltinRow[] = [];
    for (const row of ROWS) {
      const action = benchAction(`builtin-${out.length}`, `${INPUT}
        function main(p) { const c = require('crypto'); const z = require('zlib'); const b = input(p.size, p.text); const s = b.toString(); const td = new TextDecoder(); const copy = Buffer.from(b);
          for (let i = 0; i < 50; i++) ${row.op};
          const t = Date.now(); let n = 0; while (Date.now() - t < p.ms) { ${row.op}; n++; }
          return { ops: (n * 1000) / (Date.now() - t) }; }`, 256);
      const act = { activationId: `${out.length}`.padStart(32, '0'), namespace: 'bench', actionName: `/bench/${action.name}` };
      const warm = await pool.run(action, { size: row.size, text: row.text ?? 0, ms: 50 }, act);
      if (warm.response.status !== 'success') throw new Error(`${row.what}: ${JSON.stringify(warm.response.result)}`);
      // Interleave isolate and native samples, three each, and keep the best of each side.
      let iso = 0;
      let nat = 0;
      for (let s = 0; s < 3; s++) {
        const o = await pool.run(action, { size: row.size, text: row.text ?? 0, ms: LOOP_MS }, act);
        iso = Math.max(iso, (o.response.result as { ops: number }).ops);
        nat = Math.max(nat, nativeOps(row.size, row.text ?? 0, row.native));
      }
      out.push({ what: row.what, isolateOps: iso, nativeOps: nat, goal: row.reference !== true });
    }
    return out;
  } finally {
    await pool.close();
  }
}

/** The rows as printed by bench:isolates. */
export function printHostBuiltinRows(rows: HostBuiltinRow[]): void {
  const f = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(1)}k/s` : `${n.toFixed(0)}/s`);
  for (const r of rows) {
    console.log(`${r.what.padEnd(48)}isolate ${f(r.isolateOps).padEnd(9)} native ${f(r.nativeOps).padEnd(9)} ratio ${(r.isolateOps / r.nativeOps).toFixed(2)}   ${r.goal ? 'goal ≥ 0.5 (issue 14)' : 'no goal (for reference)'}`);
  }
}
