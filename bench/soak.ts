// bench:soak — photon standalone at full speed for a long while: does its memory stay flat?
// Hello world at c=16 (one keep-alive client, as bench:peers), the resident memory of the
// standalone's process tree (sandbox processes included) sampled every 10 s; at the end the slope
// of RSS over the second half of the run (least squares, MB per minute; flat: it grows ≤ 1 MB/min; after the first half the
// record store has reached its bound, PHOTON_ACTIVATION_MAX_BYTES, and only a leak still grows),
// beside the slope of the first half and throughput per minute.
//
//   npm run bench:soak                         30 minutes (issue #18's soak)
//   BENCH_SOAK_MINUTES=2 npm run bench:soak    a short look
//   BENCH_SANDBOX=inline                       isolates in the standalone process itself (default: sandbox processes)
//   PHOTON_ACTIVATION_MAX_BYTES=...            the record store's bound (default 256 MiB)
//   BENCH_SOAK_MEMLOG=/tmp/dir                 each sandbox's memory by part every 10 s (sandbox-memory-log.ts; a dir uid 65534 can write), its slopes at the end
//   BENCH_SOAK_SNAPSHOT_AT=3,6                 SIGUSR2 to the standalone at these minutes, with the activations done by then: with
//                                              PHOTON_NODE_ARGS='--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/d' it writes a
//                                              heap snapshot each time, for bench/heap-snapshot-diff.ts
import { chmodSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { startStandalone } from '../test/harness/standalone-process.js';
import { descendantsRssMb, treeCpuMs } from './process-tree.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const CONCURRENCY = 16;
const SAMPLE_MS = 10_000;
// Address ids of this benchmark's namespaces: 45120..45247 (BENCH_ID_BASE moves them, e.g. into an engineer's own block).
const ID_BASE = Number(process.env.BENCH_ID_BASE ?? 45120);
const BODY = JSON.stringify({ name: 'soak' });
const MEMLOG = process.env.BENCH_SOAK_MEMLOG;
const SNAPSHOT_AT = (process.env.BENCH_SOAK_SNAPSHOT_AT ?? '').split(',').filter(Boolean).map(Number);
// SIGUSR2's default action ends a process: sent only to one that writes a snapshot on it.
if (SNAPSHOT_AT.length > 0 && !(process.env.PHOTON_NODE_ARGS ?? '').includes('--heapsnapshot-signal=SIGUSR2')) throw new Error('BENCH_SOAK_SNAPSHOT_AT needs PHOTON_NODE_ARGS=\'--heapsnapshot-signal=SIGUSR2 …\'');
// chmod after mkdir: mkdir's mode goes through the umask (0755 here), and the sandboxes write as uid 65534.
if (MEMLOG) { mkdirSync(MEMLOG, { recursive: true }); chmodSync(MEMLOG, 0o777); }

const ownRssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readStatus(pid))?.[1] ?? 0) / 1024;
const rssMb = (pid: number): number => ownRssMb(pid) + descendantsRssMb(pid, /sandbox-main/);
function readStatus(pid: number): string {
  try { return readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { return ''; }
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

const p = await startStandalone({
  PHOTON_INVOKER_ID: 'soak', PHOTON_NETNS_ID_BASE: String(ID_BASE), PHOTON_NETNS_ID_COUNT: '128', PHOTON_NETNS_FLOOR: '8', PHOTON_NETNS_CEILING: '64',
  PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000',
  PHOTON_SANDBOX: process.env.BENCH_SANDBOX ?? 'process',
  ...(MEMLOG ? { PHOTON_SANDBOX_MEMORY_LOG: MEMLOG } : {}),
});
const put = await fetch(`${p.api}/api/v1/namespaces/_/actions/hello?overwrite=true`, { method: 'PUT', headers: p.headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main(p) { return { greeting: "Hello, " + p.name }; }' } }) });
if (put.status !== 200) throw new Error(`create hello answered ${put.status}`);
const url = new URL(`${p.api}/api/v1/namespaces/_/actions/hello?blocking=true&result=true`);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
let done = 0;
let failed = 0;
const post = (): Promise<void> => new Promise((resolve) => {
  const req = request(url, { method: 'POST', agent, headers: { authorization: p.headers.authorization!, 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
    res.resume();
    res.on('end', () => { if (res.statusCode === 200) done++; else failed++; resolve(); });
  });
  req.on('error', () => { failed++; resolve(); });
  req.end(BODY);
});

console.log(`bench:soak: photon standalone (pid ${p.pid}, ${process.env.BENCH_SANDBOX ?? 'process'} sandbox mode), hello world at c=${CONCURRENCY} for ${MINUTES} min, RSS of its process tree every ${SAMPLE_MS / 1000} s; load ${loadavg()[0]!.toFixed(2)}`);
const t0 = performance.now();
const end = t0 + MINUTES * 60_000;
const xs: number[] = [];
const ys: number[] = [];
/** The standalone's own RSS (sandboxes left out): the tree's slope does not say which of them grows. */
const own: number[] = [];
const sample = (): void => {
  xs.push((performance.now() - t0) / 60_000);
  ys.push(rssMb(p.pid));
  own.push(ownRssMb(p.pid));
};
for (const at of SNAPSHOT_AT) {
  setTimeout(() => {
    console.log(`  ${at.toFixed(1).padStart(5)} min  SIGUSR2 to the standalone (pid ${p.pid}) after ${done} activations`);
    process.kill(p.pid, 'SIGUSR2');
  }, at * 60_000).unref();
}
sample();
let lastDone = 0;
let lastCpu = treeCpuMs(p.pid);
const timer = setInterval(() => {
  sample();
  const i = xs.length - 1;
  if (i % 6 === 0) {
    const cpu = treeCpuMs(p.pid);
    const n = done - lastDone;
    console.log(`  ${xs[i]!.toFixed(1).padStart(5)} min  RSS ${ys[i]!.toFixed(0).padStart(5)} MB (standalone ${ownRssMb(p.pid).toFixed(0)}, sandboxes ${descendantsRssMb(p.pid, /sandbox-main/).toFixed(0)})  ${(n / 60).toFixed(0).padStart(5)}/s  CPU ${n > 0 ? (((cpu - lastCpu) * 1000) / n).toFixed(0) : '-'} µs/activation  failed ${failed}  load ${loadavg()[0]!.toFixed(2)}`);
    lastDone = done;
    lastCpu = cpu;
  }
}, SAMPLE_MS);
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (performance.now() < end) await post();
}));
clearInterval(timer);
sample();
const half = xs.findIndex((x) => x >= MINUTES / 2);
const first = slope(xs.slice(0, half), ys.slice(0, half));
const second = slope(xs.slice(half), ys.slice(half));
console.log(`activations ${done} (${(done / (MINUTES * 60)).toFixed(0)}/s), failed ${failed}; RSS ${ys[0]!.toFixed(0)} MB at the start, ${Math.max(...ys).toFixed(0)} MB at most, ${ys[ys.length - 1]!.toFixed(0)} MB at the end`);
console.log(`RSS slope: first half ${first.toFixed(2)} MB/min, second half ${second.toFixed(2)} MB/min  (flat: the second half grows ≤ 1 MB/min → ${second <= 1 ? 'met' : 'NOT met'})`);
console.log(`  the standalone's own: ${own[0]!.toFixed(0)} → ${own.at(-1)!.toFixed(0)} MB, first half ${slope(xs.slice(0, half), own.slice(0, half)).toFixed(2)} MB/min, second half ${slope(xs.slice(half), own.slice(half)).toFixed(2)} MB/min`);
await p.stop();
agent.destroy();
if (MEMLOG) {
  // Each sandbox's parts over the second half: which one grows (MB/min).
  const t0ms = Date.now() - MINUTES * 60_000;
  for (const f of readdirSync(MEMLOG).filter((n) => n.endsWith('.jsonl'))) {
    const rows = readFileSync(`${MEMLOG}/${f}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((r) => r.t! >= t0ms + (MINUTES / 2) * 60_000);
    if (rows.length < 2) continue;
    const mins = rows.map((r) => (r.t! - t0ms) / 60_000);
    const parts = ['rss', 'malloc', 'otherAnon', 'heapTotal', 'isolates'].map((k) => `${k} ${(rows[0]![k]! / 1024).toFixed(1)} → ${(rows.at(-1)![k]! / 1024).toFixed(1)} MB (${(slope(mins, rows.map((r) => r[k]! / 1024))).toFixed(2)}/min)`);
    console.log(`  ${f}: ${parts.join(', ')}`);
  }
}