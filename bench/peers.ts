// bench:peers — photon beside its peer and its floors, hello world, one keep-alive client (peer-load.ts):
//   photon standalone   deploy/standalone.ts as a process (in-process bus, memory stores, namespaces)
//   photon + tracing    the same with tracing at 100% sampling, spans over OTLP/HTTP to a sink that drops them
//   photon cluster      one controller + one invoker as processes over the real Kafka and Redis (peer-cluster.ts)
//   workerd             Cloudflare's runtime (npm `workerd`, a prebuilt binary), a hello-world worker
//   node + isolated-vm  a bare node:http server calling a pre-created isolate: the floor of HTTP + isolate
//   node http           a bare node:http server answering hello world itself: the floor of HTTP alone
// Every target runs at once; rounds interleave short windows in alternating order (c=16 then c=64
// throughput, then c=1 latency, each with the CPU time of the target's processes from /proc), so
// that a neighbour on this shared machine and any drift hit every column alike. Medians over the
// rounds; peer-report.ts prints every figure, the goals of issue 18 and every ratio.
//
//   flock /tmp/photon-e2e.lock npm run bench:peers
//   BENCH_ROUNDS=6 BENCH_WINDOW=2 BENCH_LATENCY_N=200   rounds, seconds per c=16 and c=64 window, c=1 requests per window
//   BENCH_SANDBOX=inline        photon's functions in the standalone's (and the invoker's) own process; default process,
//                               photon's default (PHOTON_SANDBOX), whose sandbox processes' CPU counts (issue 18 asks for the hop)
//   BENCH_CLUSTER=off           leaves the cluster column out (the slowest to start)
//   BENCH_BASELINE=/a,/b        adds "photon @ a", "photon @ b": the standalone of other checkouts (before/after in one run)
//   BENCH_TRACING=off           leaves the tracing column out
//   BENCH_BASELINE_TRACED=/a    adds "photon + tracing 100% @ a": another checkout traced (the tracer before/after in one run)
//   BENCH_TRACING_ALT='K=V ..'  adds "photon + tracing 100% alt": a traced column with these OTEL_* settings on top
//   BENCH_THREADS=1             CPU per request at c=16 by thread of each process
//   BENCH_ID_BASE, BENCH_ID_COUNT   address ids: 8 blocks of BENCH_ID_COUNT from BENCH_ID_BASE, one per photon target
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStandalone } from '../test/harness/standalone-process.js';
import { countOtlpSpans } from './otlp-span-count.js';
import { startPeerCluster } from './peer-cluster.js';
import { PeerLoad, type Target } from './peer-load.js';
import { printPeerReport, type ByConcurrency, type PeerRow } from './peer-report.js';
import { startPeerServer } from './peer-servers.js';
import { splitTreeCpuMs, threadCpuMs } from './process-tree.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 2);
const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 200);
// Address ids of this benchmark's namespaces (perf block 34096..35119, or BENCH_ID_BASE), 128 per photon target.
const ID_BASE = Number(process.env.BENCH_ID_BASE ?? 34096);
// Ids per photon target (BENCH_ID_COUNT, e.g. 120: eight targets in a block of 1,000).
const ID_COUNT = Number(process.env.BENCH_ID_COUNT ?? 128);
const HELLO = 'function main(p) { return { greeting: "Hello, " + (p.name || "world") }; }';
const SANDBOX = process.env.BENCH_SANDBOX || 'process';
const load = new PeerLoad();

async function photon(label: string, slot: number, env: Record<string, string>, dir?: string): Promise<Target> {
  const p = await startStandalone({
    PHOTON_INVOKER_ID: `peers${slot}`, PHOTON_NETNS_ID_BASE: String(ID_BASE + slot * ID_COUNT), PHOTON_NETNS_ID_COUNT: String(ID_COUNT),
    PHOTON_NETNS_FLOOR: '8', PHOTON_NETNS_CEILING: '64',
    PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000', PHOTON_USER_MEMORY_MB: '16384',
    // The standalone's own default, sandbox processes (issue 13): issue 18's goals are figures of
    // photon as it runs, the supervisor→sandbox hop included; the header line says which mode ran.
    PHOTON_SANDBOX: SANDBOX,
    ...env,
  }, 50, dir);
  const put = await fetch(`${p.api}/api/v1/namespaces/_/actions/hello?overwrite=true`, { method: 'PUT', headers: p.headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code: HELLO } }) });
  if (put.status !== 200) throw new Error(`${label}: create hello answered ${put.status}: ${await put.text()}`);
  return {
    label, url: new URL(`${p.api}/api/v1/namespaces/_/actions/hello?blocking=true&result=true`), headers: { authorization: p.headers.authorization! },
    cpuMs: () => {
      const t = splitTreeCpuMs(p.pid, /sandbox-main/);
      return new Map([['standalone', t.own], ['sandboxes', t.part], ['other children', t.rest]]);
    },
    threadPids: [['standalone', p.pid]], stop: p.stop,
  };
}

// An OTLP/HTTP sink that accepts and drops spans (as bench:pipeline's): tracing's cost is what
// photon pays to produce and export them. It counts the spans in each request (a malformed one
// is counted as such), to check that every traced request's spans arrived.
let batches = 0;
let spansReceived = 0;
let malformed = 0;
const sink = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    batches++;
    try {
      spansReceived += countOtlpSpans(Buffer.concat(chunks));
    } catch {
      malformed++;
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
let sinkConnections = 0;
sink.on('connection', () => { sinkConnections++; });
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
const traceEnv = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'always_on' };

const tmp = mkdtempSync(join(tmpdir(), 'photon-peers-'));
const targets: Target[] = [];
const PHOTON = 'photon standalone';
const TRACED = 'photon + tracing 100%';
const CLUSTER = 'photon cluster';
const withCluster = process.env.BENCH_CLUSTER !== 'off';
const baselines = (process.env.BENCH_BASELINE ?? '').split(',').filter(Boolean).map((d) => resolve(d));
const baselineLabel = (dir: string): string => `photon @ ${dir.split('/').pop()}`;
// BENCH_TRACING_ALT='K=V K=V': a second traced column with these OTEL_* settings on top (an
// exporter or processor setting against the default one, same run).
const alt = (process.env.BENCH_TRACING_ALT ?? '').split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const);
// BENCH_BASELINE_TRACED=/dir: that checkout traced as this one is, beside it.
const tracedBaseline = process.env.BENCH_BASELINE_TRACED ? resolve(process.env.BENCH_BASELINE_TRACED) : undefined;
// Address ids: eight blocks of ID_COUNT, one per photon target: 0 the standalone, 1 traced, 2 the
// cluster's invoker, 6 the traced baseline, 7 the alt column; baselines take the blocks left.
const freeSlots = [2, 3, 4, 5, 6, 7].filter((s) => !(s === 2 && withCluster) && !(s === 6 && tracedBaseline !== undefined) && !(s === 7 && alt.length > 0));
const notes: string[] = [];
try {
  targets.push(await photon(PHOTON, 0, {}));
  if (process.env.BENCH_TRACING !== 'off') targets.push(await photon(TRACED, 1, traceEnv));
  if (alt.length > 0) {
    targets.push(await photon(`${TRACED} alt`, 7, { ...traceEnv, ...Object.fromEntries(alt) }));
    notes.push(`"${TRACED} alt": ${alt.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  if (tracedBaseline !== undefined) targets.push(await photon(`${TRACED} @ ${tracedBaseline.split('/').pop()}`, 6, traceEnv, tracedBaseline));
  if (baselines.length > freeSlots.length) notes.push(`only ${freeSlots.length} baselines fit the address blocks: ${baselines.slice(freeSlots.length).join(', ')} left out`);
  for (const [i, dir] of baselines.slice(0, freeSlots.length).entries()) targets.push(await photon(baselineLabel(dir), freeSlots[i]!, {}, dir));
  if (withCluster) {
    targets.push(await startPeerCluster({ label: CLUSTER, idBase: ID_BASE + 2 * ID_COUNT, idCount: ID_COUNT, code: HELLO, env: { PHOTON_SANDBOX: SANDBOX } }));
  }
  try {
    targets.push(await startPeerServer('workerd', tmp, load));
  } catch (err) {
    notes.push(`workerd could not run here (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); its column is left out`);
  }
  targets.push(await startPeerServer('isolate floor', tmp, load));
  targets.push(await startPeerServer('http floor', tmp, load));

  const load0 = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`bench:peers — hello world, one keep-alive client, ${ROUNDS} rounds of (c=16 and c=64 for ${WINDOW} s each, then ${LATENCY_N} requests at c=1) per target, interleaved in alternating order; photon sandbox ${SANDBOX}; load average ${load0}`);
  for (const n of notes) console.log(`  ${n}`);
  // Warm-up: every pool grown to c=64 and every JIT warm before the first window counts.
  for (const t of targets) {
    await load.throughput(t, 64, 1);
    await load.throughput(t, 16, 1);
  }
  interface Phase { rate: number[]; requests: number; cpuMs: Map<string, number> }
  const phase = (): Phase => ({ rate: [], requests: 0, cpuMs: new Map() });
  const samples = targets.map(() => ({ c1: phase(), c16: phase(), c64: phase(), p50: [] as number[], lat: [] as number[], threads: new Map<string, number>() }));
  const threadsOf = (t: Target): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [proc, pid] of t.threadPids) for (const [name, ms] of threadCpuMs(pid)) out.set(`${proc} ${name}`, ms);
    return out;
  };
  /** Runs `fn` (which answers how many requests it made in how many seconds) and adds its rate and the CPU of the target's processes to `into`. */
  const measure = async (t: Target, into: Phase, fn: () => Promise<[number, number]>): Promise<void> => {
    const before = t.cpuMs();
    const [n, seconds] = await fn();
    for (const [proc, ms] of t.cpuMs()) into.cpuMs.set(proc, (into.cpuMs.get(proc) ?? 0) + ms - (before.get(proc) ?? 0));
    into.requests += n;
    into.rate.push(n / seconds);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...targets.entries()];
    if (round % 2 === 1) order.reverse();
    for (const [i, t] of order) {
      const s = samples[i]!;
      const threadsBefore = threadsOf(t);
      await measure(t, s.c16, async () => [await load.throughput(t, 16, WINDOW), WINDOW]);
      for (const [name, ms] of threadsOf(t)) s.threads.set(name, (s.threads.get(name) ?? 0) + ms - (threadsBefore.get(name) ?? 0));
      await measure(t, s.c64, async () => [await load.throughput(t, 64, WINDOW), WINDOW]);
      await measure(t, s.c1, async () => {
        const start = performance.now();
        const lat = await load.latencies(t, LATENCY_N);
        s.p50.push(quantile(lat, 0.5));
        s.lat.push(...lat);
        return [LATENCY_N, (performance.now() - start) / 1000];
      });
    }
  }
  const rows: PeerRow[] = targets.map((t, i) => {
    const s = samples[i]!;
    const per = (f: (p: Phase) => number): ByConcurrency => ({ c1: f(s.c1), c16: f(s.c16), c64: f(s.c64) });
    const byProcess = new Map([...s.c16.cpuMs.keys()].map((proc) => [proc, per((p) => (1000 * (p.cpuMs.get(proc) ?? 0)) / p.requests)]));
    return {
      label: t.label,
      rate: per((p) => quantile(p.rate, 0.5)),
      cpuUs: per((p) => (1000 * [...p.cpuMs.values()].reduce((a, b) => a + b, 0)) / p.requests),
      byProcess,
      p50: quantile(s.p50, 0.5),
      p99: quantile(s.lat, 0.99),
      threads: new Map([...s.threads].map(([name, ms]) => [name, (1000 * ms) / s.c16.requests])),
    };
  });
  printPeerReport(rows, {
    standalone: PHOTON, ...(withCluster ? { cluster: CLUSTER } : {}), traced: TRACED,
    baselines: baselines.map((d) => [d, baselineLabel(d)]),
    sinkNote: `${batches} OTLP batches received over ${sinkConnections} connections`,
    threads: process.env.BENCH_THREADS === '1',
  });
  console.log(`\n  load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const t of targets) await t.stop();
  // After the stops: a process flushes its last batch when it stops.
  const traced = targets.filter((t) => t.label.startsWith(TRACED)).map((t) => load.answered.get(t.label) ?? 0);
  if (traced.length > 0) {
    const expected = traced.reduce((a, n) => a + 2 * n + 1, 0);
    console.log(`  OTLP sink: ${spansReceived} spans in ${batches} requests (${malformed} malformed); the traced columns answered ${traced.join(' + ')} invokes: ${expected} spans expected (2 per invoke, 1 for the action's PUT)`);
  }
  sink.close();
  load.destroy();
  rmSync(tmp, { recursive: true, force: true });
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
