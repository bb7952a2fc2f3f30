// bench:soak's busy sandbox alone, A/B (issue #18 "Bounded memory"): two sandbox processes, one per
// arm, each spawned with its own node flags and glibc malloc settings, driven at the same time by
// one supervisor (a SandboxRunner each, one shared namespace cache), warm hello world at c=16 each.
// Every 10 s each sandbox's resident memory by part (/proc/<pid>/smaps, split as
// sandbox-memory-log.ts does), its main-thread V8 heap (the sandbox's own memory log) and its CPU;
// a line a minute; at the end, per arm, the second half's slopes (MB/min and bytes per activation)
// and the CPU per activation of the sandbox process. Both arms share the machine and the
// supervisor at every moment, so their ratio holds whatever else runs.
//
//   node --no-node-snapshot --import tsx bench/sandbox-soak.ts
//   BENCH_SOAK_MINUTES=10                    length (default 10)
//   BENCH_A_NODE_ARGS / BENCH_B_NODE_ARGS    the arm's sandbox node flags (PHOTON_SANDBOX_NODE_ARGS)
//   BENCH_A_TUNABLES / BENCH_B_TUNABLES      the arm's GLIBC_TUNABLES (PHOTON_SANDBOX_GLIBC_TUNABLES)
//   BENCH_A_MMAP / BENCH_B_MMAP              the arm's PHOTON_SANDBOX_MALLOC_MMAP_THRESHOLD
//   BENCH_ID_BASE                            first of 128 namespace ids (default 57000)
// Root (namespaces, cgroups); run it at low priority beside other work: `nice -n 19`.
import { chmodSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createNamespaceCache } from '../native/namespace-cache.js';
import { SandboxRunner } from '../invoker/sandbox/sandbox-runner.js';
import { residentParts } from '../invoker/sandbox/sandbox-memory-log.js';
import { HELLO, benchAction } from './isolate-workloads.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
const CONCURRENCY = 16;
const SAMPLE_MS = 10_000;
const ID_BASE = Number(process.env.BENCH_ID_BASE ?? 57000);
const MEMLOG = `/tmp/sandbox-soak-${process.pid}`;
mkdirSync(MEMLOG, { recursive: true });
chmodSync(MEMLOG, 0o777);

interface Arm {
  name: 'A' | 'B';
  nodeArgs: string;
  tunables: string;
  mmap: string | undefined;
  runner: SandboxRunner;
  pid: number;
  done: number;
  failed: number;
  rows: Row[];
}
interface Row { min: number; done: number; cpuMs: number; rss: number; malloc: number; otherAnon: number; file: number }

const read = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
function cpuMs(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i]! - mx) * (ys[i]! - my); den += (xs[i]! - mx) ** 2; }
  return num / den;
}

const quiet = (): void => undefined;
const cache = createNamespaceCache({ invokerId: 'sbsoak', idBase: ID_BASE, idCount: 128, floor: 8, ceiling: 64, isolation: 'on', log: quiet });
await cache.start();
process.env.PHOTON_SANDBOX_MEMORY_LOG = MEMLOG;
const arms: Arm[] = [];
// Each arm's settings are read from the environment when its sandbox is spawned (sandbox-spawn.ts):
// set for the one, started, then set for the other. A replaced sandbox would get B's: said at the end.
for (const name of ['A', 'B'] as const) {
  const nodeArgs = process.env[`BENCH_${name}_NODE_ARGS`] ?? '';
  const tunables = process.env[`BENCH_${name}_TUNABLES`] ?? '';
  const mmap = process.env[`BENCH_${name}_MMAP`];
  process.env.PHOTON_SANDBOX_NODE_ARGS = nodeArgs;
  process.env.PHOTON_SANDBOX_GLIBC_TUNABLES = tunables;
  if (mmap === undefined) delete process.env.PHOTON_SANDBOX_MALLOC_MMAP_THRESHOLD;
  else process.env.PHOTON_SANDBOX_MALLOC_MMAP_THRESHOLD = mmap;
  const runner = new SandboxRunner({ invokerId: `sbsoak${name}`, namespaces: cache, count: 1, prewarm: { count: 0, memoryMb: 128 }, log: quiet });
  await runner.start();
  arms.push({ name, nodeArgs, tunables, mmap, runner, pid: runner.pids()[0]!, done: 0, failed: 0, rows: [] });
}

const action = benchAction('soak', HELLO);
let seq = 0;
const id = (): string => (++seq).toString(16).padStart(32, '0');
const t0 = performance.now();
const end = t0 + MINUTES * 60_000;
for (const a of arms) console.log(`bench:sandbox-soak: arm ${a.name} (pid ${a.pid}): node args '${a.nodeArgs}', GLIBC_TUNABLES '${a.tunables}', mmap threshold ${a.mmap ?? 'default'}`);
console.log(`hello world at c=${CONCURRENCY} per arm for ${MINUTES} min; load ${loadavg()[0]!.toFixed(2)}`);
const sample = (): void => {
  const min = (performance.now() - t0) / 60_000;
  for (const a of arms) {
    const parts = residentParts(read(`/proc/${a.pid}/smaps`));
    const rss = Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${a.pid}/status`))?.[1] ?? 0);
    a.rows.push({ min, done: a.done, cpuMs: cpuMs(a.pid), rss, malloc: parts.malloc, otherAnon: parts.otherAnon, file: parts.file });
  }
  const i = arms[0]!.rows.length - 1;
  if (i > 0 && i % 6 === 0) {
    const cols = arms.map((a) => {
      const r = a.rows[i]!, p = a.rows[i - 6]!;
      const n = r.done - p.done;
      return `${a.name}: ${(n / ((r.min - p.min) * 60)).toFixed(0)}/s ${n > 0 ? (((r.cpuMs - p.cpuMs) * 1000) / n).toFixed(0) : '-'} µs, RSS ${(r.rss / 1024).toFixed(1)} malloc ${(r.malloc / 1024).toFixed(1)} other ${(r.otherAnon / 1024).toFixed(1)} MB`;
    });
    console.log(`  ${min.toFixed(1).padStart(5)} min  ${cols.join('  |  ')}  load ${loadavg()[0]!.toFixed(2)}`);
  }
};
sample();
const timer = setInterval(sample, SAMPLE_MS);
await Promise.all(arms.flatMap((a) => Array.from({ length: CONCURRENCY }, async () => {
  while (performance.now() < end) {
    const o = await a.runner.run({ action, params: { name: 'soak' }, activationId: id(), namespace: 'guest', deadline: Date.now() + action.limits.timeout });
    if (o.response.status === 'success') a.done++;
    else a.failed++;
  }
})));
clearInterval(timer);
sample();

// The main thread's V8 heap, from each sandbox's own memory log (sandbox-memory-log.ts).
const heapRows = (a: Arm): Record<string, number>[] => {
  const f = readdirSync(MEMLOG).find((n) => n.startsWith(`sbsoak${a.name}-`));
  return f ? read(`${MEMLOG}/${f}`).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, number>) : [];
};
const startMs = Date.now() - (performance.now() - t0);
for (const a of arms) {
  const rows = a.rows.filter((r) => r.min >= MINUTES / 2);
  const first = rows[0]!, last = rows.at(-1)!;
  const n = last.done - first.done;
  const mins = rows.map((r) => r.min);
  const part = (k: 'rss' | 'malloc' | 'otherAnon' | 'file'): string => {
    const s = slope(mins, rows.map((r) => r[k] / 1024));
    const perAct = (slope(rows.map((r) => r.done), rows.map((r) => r[k] * 1024)));
    return `${k} ${(first[k] / 1024).toFixed(1)} → ${(last[k] / 1024).toFixed(1)} MB (${s.toFixed(2)}/min, ${perAct.toFixed(1)} B/act)`;
  };
  const heap = heapRows(a).filter((r) => r.t! >= startMs + (MINUTES / 2) * 60_000);
  const heapText = heap.length >= 2
    ? `heapTotal ${(heap[0]!.heapTotal! / 1024).toFixed(1)} → ${(heap.at(-1)!.heapTotal! / 1024).toFixed(1)} MB (${slope(heap.map((r) => (r.t! - startMs) / 60_000), heap.map((r) => r.heapTotal! / 1024)).toFixed(2)}/min), heapUsed ${(heap[0]!.heapUsed! / 1024).toFixed(1)} → ${(heap.at(-1)!.heapUsed! / 1024).toFixed(1)} MB`
    : 'no heap log';
  console.log(`arm ${a.name}: ${a.done} activations (${(a.done / (MINUTES * 60)).toFixed(0)}/s), failed ${a.failed}; second half: CPU ${(((last.cpuMs - first.cpuMs) * 1000) / n).toFixed(1)} µs/activation (the sandbox process), ${part('rss')}, ${part('malloc')}, ${part('otherAnon')}, ${part('file')}, ${heapText}`);
}
const kills = arms.reduce((s, a) => s + a.runner.kills + a.runner.crashes, 0);
if (kills > 0) console.log(`WARNING: ${kills} sandbox(es) killed or dead and replaced (a replacement gets arm B's settings): the figures mix them`);
for (const a of arms) await a.runner.close();
await cache.close();
console.log(`memory logs in ${MEMLOG}`);
