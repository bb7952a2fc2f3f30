// The supervisor→sandbox hop against CPU placement (issue 13; brief "hop"): is the hop's latency
// the cross-vCPU wake-up (an IPI to the idle other vCPU, costly under nested virtualisation)?
// One process holds an inline pool and a SandboxRunner with one sandbox; each cell pins the
// supervisor's and the sandbox's threads (taskset -a) to a placement, optionally with `yes` busy on
// CPU 1, then times warm hello worlds inline and through the sandbox interleaved, and the CPU per
// activation of each (every thread's schedstat, supervisor + sandbox). Cells run in a random order
// each round, so drift in the machine's load lands on every placement alike.
//   flock /tmp/photon-e2e.lock node --no-node-snapshot --import tsx bench/hop-affinity.ts [rounds]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { startHopRig } from './hop-rig.js';

const ROUNDS = Number(process.argv[2] ?? 6);
const PAIRS = 300; // latency samples per cell and kind
const CPU_CALLS = 300; // calls per CPU block
const PLACEMENTS = [
  { name: 'free', supervisor: '0-1', sandbox: '0-1' },
  { name: 'same CPU', supervisor: '0', sandbox: '0' },
  { name: 'split', supervisor: '0', sandbox: '1' },
  { name: 'sandbox on 0', supervisor: '0-1', sandbox: '0' },
] as const;
const VERBOSE = process.env.BENCH_VERBOSE === '1';

const pct = (s: number[], q: number): number => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor(q * s.length))]!;
const med = (s: number[]): number => pct(s, 0.5);
const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;

/** ns on CPU of every thread of `pid` (schedstat's first field), and its context switches. */
function threadCpu(pid: number): { ns: number; switches: number; migrations: number } {
  let ns = 0;
  let switches = 0;
  let migrations = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      const st = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(st)?.[1] ?? 0);
      migrations += Number(/^se\.nr_migrations\s+:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${t}/sched`, 'utf8'))?.[1] ?? 0);
    } catch {
      // a thread that ended between readdir and read
    }
  }
  return { ns, switches, migrations };
}

/** The CPU a thread last ran on (/proc/<pid>/stat field 39); the main thread's tid is its pid. */
const lastCpu = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[36]);

const pin = (pid: number, cpus: string): void => void execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });

interface Cell {
  inline: number[];
  sandbox: number[];
  /** per round: µs of CPU per activation (supervisor + sandbox), context switches per activation */
  cpuInline: number[];
  cpuSandbox: number[];
  cpuSandboxChild: number[];
  swInline: number[];
  swSandbox: number[];
  migSandbox: number[];
  /** a bare Node IPC round trip to an echo child pinned like the sandbox: the hop without photon */
  bare: number[];
}

async function main(): Promise<void> {
  const { inline, viaSandbox, check, sandboxPid, close } = await startHopRig('hopa', 49000);
  // The echo child: the same two-message exchange over Node's IPC channel, nothing else.
  const echo = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ping = (m: object): Promise<void> =>
    new Promise((r) => {
      echo.once('message', () => r());
      echo.send(m);
    });
  const cells = new Map<string, Cell>();
  let yes: ChildProcess | null = null;
  const loadStart = os.loadavg()[0]!.toFixed(2);
  try {
    for (let i = 0; i < 300; i++) {
      await inline();
      await viaSandbox();
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = PLACEMENTS.flatMap((p) => (['idle', 'busy'] as const).map((load) => ({ p, load }))).sort(() => Math.random() - 0.5);
      for (const { p, load } of order) {
        const key = `${p.name} / CPU 1 ${load}`;
        const c = cells.get(key) ?? { inline: [], sandbox: [], cpuInline: [], cpuSandbox: [], cpuSandboxChild: [], swInline: [], swSandbox: [], migSandbox: [], bare: [] };
        cells.set(key, c);
        pin(process.pid, p.supervisor);
        pin(sandboxPid, p.sandbox);
        pin(echo.pid!, p.sandbox);
        if (load === 'busy') yes = spawn('taskset', ['-c', '1', 'yes'], { stdio: 'ignore' });
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 50; i++) {
          check(await inline());
          check(await viaSandbox());
        }
        for (let i = 0; i < PAIRS; i++) {
          const t0 = performance.now();
          check(await inline());
          const t1 = performance.now();
          check(await viaSandbox());
          c.sandbox.push(performance.now() - t1);
          c.inline.push(t1 - t0);
        }
        // Where the two main threads sit after the block: in the unpinned cells, whether the scheduler put them together.
        const where = `supervisor main on CPU ${lastCpu(process.pid)}, sandbox main on CPU ${lastCpu(sandboxPid)}`;
        const last = (v: number[]): number[] => v.slice(-PAIRS);
        if (VERBOSE) console.log(`  round ${round} ${key}: added p50 ${us(med(last(c.sandbox)) - med(last(c.inline)))}; ${where}`);
        for (let i = 0; i < PAIRS; i++) {
          const t = performance.now();
          await ping({ t: 'run', id: i, params: { name: 'x' } });
          c.bare.push(performance.now() - t);
        }
        let s0 = threadCpu(process.pid);
        for (let i = 0; i < CPU_CALLS; i++) check(await inline());
        let s1 = threadCpu(process.pid);
        c.cpuInline.push((s1.ns - s0.ns) / 1000 / CPU_CALLS);
        c.swInline.push((s1.switches - s0.switches) / CPU_CALLS);
        s0 = threadCpu(process.pid);
        const b0 = threadCpu(sandboxPid);
        for (let i = 0; i < CPU_CALLS; i++) check(await viaSandbox());
        const b1 = threadCpu(sandboxPid);
        s1 = threadCpu(process.pid);
        c.cpuSandbox.push((s1.ns - s0.ns + b1.ns - b0.ns) / 1000 / CPU_CALLS);
        c.cpuSandboxChild.push((b1.ns - b0.ns) / 1000 / CPU_CALLS);
        c.swSandbox.push((s1.switches - s0.switches + b1.switches - b0.switches) / CPU_CALLS);
        c.migSandbox.push((s1.migrations - s0.migrations + b1.migrations - b0.migrations) / CPU_CALLS);
        if (yes) {
          yes.kill();
          yes = null;
        }
      }
    }
  } finally {
    yes?.kill();
    echo.kill();
    await close();
  }
  console.log(`hop against CPU placement: ${ROUNDS} rounds, ${PAIRS} interleaved pairs per cell and round; load ${loadStart} → ${os.loadavg()[0]!.toFixed(2)}`);
  console.log('placement (supervisor / sandbox) | inline p50 / p99 | sandbox p50 / p99 | added p50 | CPU/act inline | CPU/act sandbox (of it, child) | added CPU | switches/act inline / sandbox | migrations/act sandbox | bare IPC round trip p50');
  for (const p of PLACEMENTS) {
    for (const load of ['idle', 'busy']) {
      const c = cells.get(`${p.name} / CPU 1 ${load}`)!;
      console.log(
        `${p.name} (${p.supervisor} / ${p.sandbox}), CPU 1 ${load} | ${us(med(c.inline))} / ${us(pct(c.inline, 0.99))} | ${us(med(c.sandbox))} / ${us(pct(c.sandbox, 0.99))} | ${us(med(c.sandbox) - med(c.inline))} | ` +
          `${med(c.cpuInline).toFixed(0)} µs | ${med(c.cpuSandbox).toFixed(0)} µs (${med(c.cpuSandboxChild).toFixed(0)}) | ${(med(c.cpuSandbox) - med(c.cpuInline)).toFixed(0)} µs | ${med(c.swInline).toFixed(1)} / ${med(c.swSandbox).toFixed(1)} | ${med(c.migSandbox).toFixed(2)} | ${us(med(c.bare))}`,
      );
    }
  }
}

await main();
