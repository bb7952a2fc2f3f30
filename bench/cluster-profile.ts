// bench:cluster-profile — one controller and one invoker as processes under a keep-alive hello-world
// load at c=16 for BENCH_SECONDS (15 by default), with PHOTON_NODE_ARGS passed through (e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof`), then the CPU each process spent per activation. The
// profiles then go to bench/cpu-profile-summary.ts, one per process.
//
//   PHOTON_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' BENCH_ID_BASE=54000 node --no-node-snapshot --import tsx bench/cluster-profile.ts
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { ProcessCluster } from '../test/harness/process-cluster.js';
import { readFileSync, readdirSync } from 'node:fs';
import { treeCpuMs } from './process-tree.js';

/** User and system CPU (ms) and context switches of one process (not its children), from /proc. */
function own(pid: number): { user: number; sys: number; switches: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    let switches = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
    return { user: Number(f[11]) * 10, sys: Number(f[12]) * 10, switches };
  } catch {
    return { user: 0, sys: 0, switches: 0 };
  }
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const HELLO = 'function main(p) { return { greeting: "Hello, " + (p.name || "world") }; }';
const BODY = JSON.stringify({ name: 'bench' });
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const cluster = new ProcessCluster({
  label: 'profile', invokers: 1, isolation: 'on', idBase: Number(process.env.BENCH_ID_BASE ?? 54000),
  env: { PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000', PHOTON_USER_MEMORY_MB: '16384', PHOTON_NETNS_FLOOR: '40' },
});

function invoke(url: string, authorization: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`invoke answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

async function load(url: string, authorization: string, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      await invoke(url, authorization);
      done++;
    }
  }));
  return done;
}

try {
  await cluster.start();
  const put = await cluster.api('PUT', 'namespaces/_/actions/hello?overwrite=true', { exec: { kind: 'nodejs:20', code: HELLO }, limits: { memory: 128, concurrency: 1 } });
  if (put.status !== 200) throw new Error(`create answered ${put.status}`);
  const url = `${cluster.controllers[0]!.url}/api/v1/namespaces/_/actions/hello?blocking=true&result=true`;
  const authorization = `Basic ${Buffer.from(cluster.apiKey).toString('base64')}`;
  await load(url, authorization, 2);
  const procs = [['controller', cluster.controllers[0]!.child.pid!], ...[...cluster.invokers].map(([id, p]) => [`invoker ${id}`, p.child.pid!] as const)] as const;
  const before = procs.map(([, pid]) => treeCpuMs(pid));
  const ownBefore = procs.map(([, pid]) => own(pid));
  const load0 = loadavg()[0]!.toFixed(2);
  // BENCH_PERF=file: perf samples both processes' CPU (not wall time, as --cpu-prof does) during the window.
  const perf = process.env.BENCH_PERF ? spawn('perf', ['record', '-F', '1999', '-g', '-o', process.env.BENCH_PERF, '-p', procs.map(([, pid]) => pid).join(','), '--', 'sleep', String(SECONDS)], { stdio: 'inherit' }) : undefined;
  const n = await load(url, authorization, SECONDS);
  if (perf) await new Promise((r) => perf.once('exit', r));
  const after = procs.map(([, pid]) => treeCpuMs(pid));
  const ownAfter = procs.map(([, pid]) => own(pid));
  console.log(`c=${CONCURRENCY}: ${(n / SECONDS).toFixed(0)}/s over ${SECONDS} s, load ${load0} → ${loadavg()[0]!.toFixed(2)}`);
  procs.forEach(([name], i) => console.log(`  ${name.padEnd(20)} ${((1000 * (after[i]! - before[i]!)) / n).toFixed(0)} µs CPU per activation (process tree); the process itself: user ${((1000 * (ownAfter[i]!.user - ownBefore[i]!.user)) / n).toFixed(0)} µs, system ${((1000 * (ownAfter[i]!.sys - ownBefore[i]!.sys)) / n).toFixed(0)} µs, ${((ownAfter[i]!.switches - ownBefore[i]!.switches) / n).toFixed(2)} context switches`));
} finally {
  await cluster.stop();
}
