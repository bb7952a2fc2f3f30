// bench:revisions — is one revision of photon slower than another? The pipeline's warm path
// (hello world: throughput at c=16, latency at c=1, controller + invoker CPU per activation) for
// several checkouts at once: one cluster per checkout, all up together, short windows
// interleaved in alternating order, so a noisy neighbour or drift on this shared machine hits
// every revision alike. Each checkout runs its own code and node_modules; only the client is
// shared.
//
//   git worktree add --detach /tmp/rev-a <commit> && (cd /tmp/rev-a && npm ci)   (each revision)
//   npm run bench:revisions -- /tmp/rev-a /tmp/rev-b [...]   (root; Kafka and Redis up)
//   BENCH_ROUNDS=12 BENCH_WINDOW=2 BENCH_LATENCY_N=200 BENCH_ID_BASE=64000 (defaults)
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 2);
const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 200);
// Four revisions at most: ID_BASE..ID_BASE+511, clear of the tests' blocks (BENCH_ID_BASE: another block).
const ID_BASE = Number(process.env.BENCH_ID_BASE ?? 64000);
const HELLO = 'function main(p) { return { greeting: "Hello, " + (p.name || "world") }; }';
const BODY = JSON.stringify({ name: 'bench' });
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** What this bench needs of a checkout's ProcessCluster; every revision since the pipeline issue has it. */
interface Cluster {
  readonly controllers: ReadonlyArray<{ url: string; child: { pid?: number } }>;
  readonly invokers: ReadonlyMap<number, { child: { pid?: number } }>;
  readonly apiKey: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  api(method: string, apiPath: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}
type ClusterClass = new (options: { label: string; invokers: number; isolation: 'on'; idBase: number; env: Record<string, string> }) => Cluster;

const checkouts = process.argv.slice(2).map((p) => path.resolve(p));
if (checkouts.length < 2 || checkouts.length > 4) {
  console.error('usage: npm run bench:revisions -- <checkout> <checkout> [<checkout> <checkout>]');
  process.exit(2);
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const cpuMs = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const clusterCpuMs = (c: Cluster): number => cpuMs(c.controllers[0]!.child.pid!) + [...c.invokers.values()].reduce((s, p) => s + cpuMs(p.child.pid!), 0);

function invoke(c: Cluster): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${c.controllers[0]!.url}/api/v1/namespaces/_/actions/hello?blocking=true&result=true`);
    const headers = { authorization: `Basic ${Buffer.from(c.apiKey).toString('base64')}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) };
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`invoke answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}
async function throughput(c: Cluster, concurrency: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      await invoke(c);
      done++;
    }
  }));
  return done / seconds;
}
async function latencies(c: Cluster, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await invoke(c);
    out.push(performance.now() - t);
  }
  return out;
}

const clusters: Cluster[] = [];
for (const [i, dir] of checkouts.entries()) {
  const { ProcessCluster } = (await import(path.join(dir, 'test/harness/process-cluster.ts'))) as { ProcessCluster: ClusterClass };
  clusters.push(new ProcessCluster({
    label: `rev${i}`, invokers: 1, isolation: 'on', idBase: ID_BASE + i * 128,
    env: { PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000', PHOTON_USER_MEMORY_MB: '16384', PHOTON_NETNS_FLOOR: '40' },
  }));
}
const samples = checkouts.map(() => ({ rate64: [] as number[], rate: [] as number[], p50: [] as number[], p99: [] as number[], cpuMs: 0, activations: 0 }));
try {
  for (const c of clusters) {
    await c.start();
    const r = await c.api('PUT', 'namespaces/_/actions/hello?overwrite=true', { exec: { kind: 'nodejs:20', code: HELLO }, limits: { memory: 128 } });
    if (r.status !== 200) throw new Error(`create answered ${r.status}`);
    await throughput(c, 16, 2); // warm-up: the pool grows now, not in the first window
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...clusters.entries()];
    if (round % 2 === 1) order.reverse();
    for (const [i, c] of order) {
      const s = samples[i]!;
      const before = clusterCpuMs(c);
      const rate = await throughput(c, 16, WINDOW);
      s.cpuMs += clusterCpuMs(c) - before;
      s.activations += rate * WINDOW;
      s.rate.push(rate);
      s.rate64.push(await throughput(c, 64, WINDOW));
      const l = await latencies(c, LATENCY_N);
      s.p50.push(quantile(l, 0.5));
      s.p99.push(quantile(l, 0.99));
    }
  }
} finally {
  for (const c of clusters) await c.stop();
}

console.log(`bench:revisions — hello world, ${ROUNDS} interleaved rounds (${WINDOW} s at c=16 and at c=64, ${LATENCY_N} calls at c=1); medians over rounds; ratios against the first checkout, per round then median`);
const first = samples[0]!;
for (const [i, dir] of checkouts.entries()) {
  const s = samples[i]!;
  const pairedRate = quantile(s.rate.map((r, k) => r / first.rate[k]!), 0.5);
  const pairedP50 = quantile(s.p50.map((p, k) => p / first.p50[k]!), 0.5);
  const cpuUs = (1000 * s.cpuMs) / s.activations;
  const firstCpuUs = (1000 * first.cpuMs) / first.activations;
  const pairedRate64 = quantile(s.rate64.map((r, k) => r / first.rate64[k]!), 0.5);
  console.log(`  ${dir}\n    c=64 ${quantile(s.rate64, 0.5).toFixed(0)}/s (×${pairedRate64.toFixed(2)})   c=16 ${quantile(s.rate, 0.5).toFixed(0)}/s (×${pairedRate.toFixed(2)})   c=1 p50 ${quantile(s.p50, 0.5).toFixed(2)} ms (×${pairedP50.toFixed(2)}), p99 ${quantile(s.p99, 0.5).toFixed(2)} ms   CPU ${cpuUs.toFixed(0)} µs/activation (×${(cpuUs / firstCpuUs).toFixed(2)})`);
}
