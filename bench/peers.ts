// bench:peers — photon standalone beside its peer and its floor, hello world, one keep-alive client:
//   photon standalone   deploy/standalone.ts as a process (in-process bus, memory stores, namespaces)
//   photon + tracing    the same with tracing at 100% sampling, spans over OTLP/HTTP to a sink that drops them
//   workerd             Cloudflare's runtime (npm `workerd`, a prebuilt binary), a hello-world worker
//   node + isolated-vm  a bare node:http server calling a pre-created isolate: the floor (isolate-floor-server.ts)
// Every target runs at once; rounds interleave short windows in alternating order (c=16 throughput
// with the CPU time of the target's processes from /proc, then c=1 latency), so that a neighbour
// on this shared machine and any drift hit every column alike. Medians over the rounds.
//
//   flock /tmp/photon-e2e.lock npm run bench:peers
//   BENCH_ROUNDS=6 BENCH_WINDOW=2 BENCH_LATENCY_N=200   rounds, seconds per c=16 window, c=1 requests per window
//   BENCH_SANDBOX=inline        photon's functions in the standalone's own process; default process, the standalone's
//                               default (PHOTON_SANDBOX), whose sandbox processes' CPU counts (issue 18 asks for the hop)
//   BENCH_BASELINE=/a,/b        adds "photon @ a", "photon @ b": the standalone of other checkouts (before/after in one run)
//   BENCH_TRACING=off           leaves the tracing column out
//   BENCH_BASELINE_TRACED=/a    adds "photon + tracing 100% @ a": another checkout traced (the tracer before/after in one run)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStandalone } from '../test/harness/standalone-process.js';
import { waitFor } from '../test/harness/wait-for.js';
import { countOtlpSpans } from './otlp-span-count.js';
import { threadCpuMs, treeCpuMs } from './process-tree.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 2);
const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 200);
// Address ids of this benchmark's namespaces (perf block 34096..35119, or BENCH_ID_BASE), 128 per photon target.
const ID_BASE = Number(process.env.BENCH_ID_BASE ?? 34096);
// Ids per photon target (BENCH_ID_COUNT, e.g. 120: eight targets in a block of 1,000).
const ID_COUNT = Number(process.env.BENCH_ID_COUNT ?? 128);
const HELLO = 'function main(p) { return { greeting: "Hello, " + (p.name || "world") }; }';
const BODY = JSON.stringify({ name: 'bench' });

interface Target {
  label: string;
  url: URL;
  headers: Record<string, string>;
  pid: number;
  stop(): Promise<unknown>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Requests answered per target label, warm-up included: what the sink's span count is checked against. */
const answered = new Map<string, number>();

function post(t: Target): Promise<void> {
  answered.set(t.label, (answered.get(t.label) ?? 0) + 1);
  return new Promise((resolvePost, reject) => {
    const req = request(t.url, { method: 'POST', agent, headers: { ...t.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolvePost() : reject(new Error(`${t.label} answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`))));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}


const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function throughput(t: Target, concurrency: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      await post(t);
      done++;
    }
  }));
  return done;
}

async function latencies(t: Target, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await post(t);
    out.push(performance.now() - s);
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => r(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  return gone;
}

async function photon(label: string, index: number, env: Record<string, string>, dir?: string): Promise<Target> {
  const p = await startStandalone({
    PHOTON_INVOKER_ID: `peers${index}`, PHOTON_NETNS_ID_BASE: String(ID_BASE + index * ID_COUNT), PHOTON_NETNS_ID_COUNT: String(ID_COUNT),
    PHOTON_NETNS_FLOOR: '8', PHOTON_NETNS_CEILING: '64',
    PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000', PHOTON_USER_MEMORY_MB: '16384',
    // The standalone's own default, sandbox processes (issue 13): issue 18's goals are figures of
    // photon as it runs, the supervisor→sandbox hop included; the header line says which mode ran.
    PHOTON_SANDBOX: process.env.BENCH_SANDBOX || 'process',
    ...env,
  }, 50, dir);
  const put = await fetch(`${p.api}/api/v1/namespaces/_/actions/hello?overwrite=true`, { method: 'PUT', headers: p.headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code: HELLO } }) });
  if (put.status !== 200) throw new Error(`${label}: create hello answered ${put.status}: ${await put.text()}`);
  return { label, url: new URL(`${p.api}/api/v1/namespaces/_/actions/hello?blocking=true&result=true`), headers: { authorization: p.headers.authorization! }, pid: p.pid, stop: p.stop };
}

async function workerd(dir: string): Promise<Target> {
  const bin = (await import('workerd')).default;
  execFileSync(bin, ['--version'], { stdio: 'ignore' });
  const port = await freePort();
  writeFileSync(join(dir, 'hello.js'), 'export default { async fetch(req) { const p = await req.json(); return Response.json({ greeting: "Hello, " + (p.name || "world") }); } };\n');
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .hello) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const hello :Workerd.Worker = (
  modules = [ (name = "hello", esModule = embed "hello.js") ],
  compatibilityDate = "2024-09-23",
);
`);
  const child = spawn(bin, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const t: Target = { label: 'workerd', url: new URL(`http://127.0.0.1:${port}/`), headers: {}, pid: child.pid!, stop: () => stopChild(child) };
  await waitFor('workerd to answer', async () => {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${err}`);
    return post(t).then(() => true, () => undefined);
  }, { timeoutMs: 30_000, intervalMs: 100 });
  return t;
}

async function floor(): Promise<Target> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', resolve(import.meta.dirname, 'isolate-floor-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const port = await waitFor('the floor server', () => {
    if (child.exitCode !== null) throw new Error(`the floor server exited ${child.exitCode}`);
    return /listening (\d+)/.exec(out)?.[1];
  }, { timeoutMs: 30_000, intervalMs: 50 });
  return { label: 'node + isolated-vm (floor)', url: new URL(`http://127.0.0.1:${port}/`), headers: {}, pid: child.pid!, stop: () => stopChild(child) };
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

const tmp = mkdtempSync(join(tmpdir(), 'photon-peers-'));
const targets: Target[] = [];
const PHOTON = 'photon standalone';
const TRACED = 'photon + tracing 100%';
const baselines = (process.env.BENCH_BASELINE ?? '').split(',').filter(Boolean).map((d) => resolve(d));
const baselineLabel = (dir: string): string => `photon @ ${dir.split('/').pop()}`;
let workerdNote = '';
try {
  targets.push(await photon(PHOTON, 0, {}));
  if (process.env.BENCH_TRACING !== 'off') {
    targets.push(await photon(TRACED, 1, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'always_on' }));
  }
  // BENCH_TRACING_ALT='K=V K=V': a second traced column with these OTEL_* settings on top (an
  // exporter or processor setting against the default one, same run); address block 7.
  const alt = (process.env.BENCH_TRACING_ALT ?? '').split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const);
  if (alt.length > 0) {
    targets.push(await photon(`${TRACED} alt`, 7, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'always_on', ...Object.fromEntries(alt) }));
    console.log(`  "${TRACED} alt": ${alt.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }
  // BENCH_BASELINE_TRACED=/dir: that checkout traced as this one is, beside it; address block 6.
  const tracedBaseline = process.env.BENCH_BASELINE_TRACED ? resolve(process.env.BENCH_BASELINE_TRACED) : undefined;
  if (tracedBaseline !== undefined) {
    targets.push(await photon(`${TRACED} @ ${tracedBaseline.split('/').pop()}`, 6, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'always_on' }, tracedBaseline));
  }
  // Address ids: one 128-block each, 2..6 with an alt column, else 2..7 (the perf block ends at 35119);
  // 2..5 with a traced baseline (block 6) and an alt column (7).
  const baselineCount = 6 - (alt.length > 0 ? 1 : 0) - (tracedBaseline !== undefined ? 1 : 0);
  for (const [i, dir] of baselines.slice(0, baselineCount).entries()) targets.push(await photon(baselineLabel(dir), (tracedBaseline !== undefined && 2 + i >= 6) ? 7 : 2 + i, {}, dir));
  try {
    targets.push(await workerd(tmp));
  } catch (err) {
    workerdNote = `workerd could not run here (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); its column is left out`;
  }
  targets.push(await floor());

  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`bench:peers — hello world, one keep-alive client, ${ROUNDS} rounds of (c=16 for ${WINDOW} s, then ${LATENCY_N} requests at c=1) per target, interleaved in alternating order; photon sandbox ${process.env.BENCH_SANDBOX || 'process'}; load average ${load}`);
  if (workerdNote) console.log(`  ${workerdNote}`);
  // Warm-up: every pool and JIT warm before the first window counts.
  for (const t of targets) await throughput(t, 16, 1);
  const samples = targets.map(() => ({ rate: [] as number[], p50: [] as number[], lat: [] as number[], cpuMs: 0, requests: 0, threads: new Map<string, number>() }));
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...targets.entries()];
    if (round % 2 === 1) order.reverse();
    for (const [i, t] of order) {
      const s = samples[i]!;
      const before = treeCpuMs(t.pid);
      const threadsBefore = threadCpuMs(t.pid);
      const n = await throughput(t, 16, WINDOW);
      s.cpuMs += treeCpuMs(t.pid) - before;
      for (const [name, ms] of threadCpuMs(t.pid)) s.threads.set(name, (s.threads.get(name) ?? 0) + ms - (threadsBefore.get(name) ?? 0));
      s.requests += n;
      s.rate.push(n / WINDOW);
      const lat = await latencies(t, LATENCY_N);
      s.p50.push(quantile(lat, 0.5));
      s.lat.push(...lat);
    }
  }
  interface Row { rate: number; cpuUs: number; p50: number; p99: number }
  const rows = new Map<string, Row>(targets.map((t, i) => {
    const s = samples[i]!;
    return [t.label, { rate: quantile(s.rate, 0.5), cpuUs: (1000 * s.cpuMs) / s.requests, p50: quantile(s.p50, 0.5), p99: quantile(s.lat, 0.99) }];
  }));
  console.log(`\n  ${'target'.padEnd(28)} ${'c=16 /s'.padStart(8)} ${'CPU µs/req'.padStart(11)} ${'p50 c=1'.padStart(9)} ${'p99 c=1'.padStart(9)}`);
  for (const [label, r] of rows) {
    console.log(`  ${label.padEnd(28)} ${r.rate.toFixed(0).padStart(8)} ${r.cpuUs.toFixed(0).padStart(11)} ${r.p50.toFixed(3).padStart(6)} ms ${r.p99.toFixed(3).padStart(6)} ms`);
  }
  console.log('  (CPU: user + system time of the target\'s processes over the c=16 windows, per request; the client\'s own CPU is not counted)');
  // Where the CPU goes by thread (a main-thread --cpu-prof profile sees only \`node\`): V8's GC
  // helpers run on \`V8 DefaultWorke\` threads.
  if (process.env.BENCH_THREADS === '1') {
    for (const [i, t] of targets.entries()) {
      const s = samples[i]!;
      const parts = [...s.threads].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${(1000 * ms / s.requests).toFixed(0)}`);
      console.log(`    ${t.label.padEnd(26)} µs/req by thread: ${parts.join(', ')}`);
    }
  }
  const p = rows.get(PHOTON)!;
  const verdict = (ok: boolean, by: string): string => (ok ? 'met' : `not met, ${by}`);
  console.log('\n  goals for photon standalone (issue #18):');
  console.log(`    CPU per warm activation at c=16 ≤ 200 µs: ${p.cpuUs.toFixed(0)} µs — ${verdict(p.cpuUs <= 200, `${(p.cpuUs / 200).toFixed(2)}× the goal`)}`);
  console.log(`    warm p50 at c=1 ≤ 0.45 ms: ${p.p50.toFixed(3)} ms — ${verdict(p.p50 <= 0.45, `${(p.p50 / 0.45).toFixed(2)}× the goal`)}`);
  console.log(`    throughput at c=16 ≥ 5,000/s: ${p.rate.toFixed(0)}/s — ${verdict(p.rate >= 5000, `${(p.rate / 5000 * 100).toFixed(0)}% of the goal`)}`);
  const traced = rows.get(TRACED);
  if (traced) {
    const rateCost = (1 - traced.rate / p.rate) * 100;
    const cpuCost = (traced.cpuUs / p.cpuUs - 1) * 100;
    console.log(`    tracing at 100% sampling costs ≤ 5% throughput and CPU: throughput ${rateCost.toFixed(1)}%, CPU ${cpuCost.toFixed(1)}% — ${verdict(rateCost <= 5 && cpuCost <= 5, 'see the figures')}   (${batches} OTLP batches received over ${sinkConnections} connections)`);
  }
  const traceAlt = rows.get(`${TRACED} alt`);
  if (traceAlt) console.log(`    tracing alt: throughput ${((1 - traceAlt.rate / p.rate) * 100).toFixed(1)}%, CPU ${((traceAlt.cpuUs / p.cpuUs - 1) * 100).toFixed(1)}%`);
  for (const [label, r] of rows) {
    if (!label.startsWith(`${TRACED} @ `)) continue;
    console.log(`    ${label.slice(TRACED.length + 1)} traced against this untraced: throughput ${((1 - r.rate / p.rate) * 100).toFixed(1)}%, CPU ${((r.cpuUs / p.cpuUs - 1) * 100).toFixed(1)}%${traced ? `; this checkout traced against it: CPU ${r.cpuUs.toFixed(0)} → ${traced.cpuUs.toFixed(0)} µs/req, c=16 ${r.rate.toFixed(0)} → ${traced.rate.toFixed(0)}/s` : ''}`);
  }
  for (const dir of baselines) {
    const base = rows.get(baselineLabel(dir));
    if (base) console.log(`    against ${dir}: CPU ${base.cpuUs.toFixed(0)} → ${p.cpuUs.toFixed(0)} µs/req, c=16 ${base.rate.toFixed(0)} → ${p.rate.toFixed(0)}/s, p50 ${base.p50.toFixed(3)} → ${p.p50.toFixed(3)} ms`);
  }
  console.log('\n  photon standalone against each peer and floor (photon ÷ peer; throughput: peer ÷ photon, so > 1 means photon is behind):');
  for (const [label, r] of rows) {
    if (label === PHOTON) continue;
    console.log(`    ${label.padEnd(28)} CPU ${(p.cpuUs / r.cpuUs).toFixed(2)}×   p50 ${(p.p50 / r.p50).toFixed(2)}×   p99 ${(p.p99 / r.p99).toFixed(2)}×   throughput ${(r.rate / p.rate).toFixed(2)}×`);
  }
  console.log(`\n  load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const t of targets) await t.stop();
  // After the stops: a process flushes its last batch when it stops.
  const traced = targets.filter((t) => t.label.startsWith(TRACED)).map((t) => answered.get(t.label) ?? 0);
  if (traced.length > 0) {
    const expected = traced.reduce((a, n) => a + 2 * n + 1, 0);
    console.log(`  OTLP sink: ${spansReceived} spans in ${batches} requests (${malformed} malformed); the traced columns answered ${traced.join(' + ')} invokes: ${expected} spans expected (2 per invoke, 1 for the action's PUT)`);
  }
  sink.close();
  agent.destroy();
  rmSync(tmp, { recursive: true, force: true });
}
