// Where a sandboxed warm activation's CPU goes, by thread (issue 13, the hop): one process holds an
// inline pool, a SandboxRunner with one sandbox, a Node IPC echo child and an echo worker thread.
// Each round: warm hello worlds inline; a bare IPC round trip to the child; inline + that round
// trip; the same two with the worker thread instead (no second address space); then through the
// sandbox, as is and, with BENCH_VARIANT, in a scheduling state alternated with it (applyVariant).
// Around each block every thread's CPU (schedstat), sleeps (voluntary switches) and preemptions per
// activation by thread name, and the machine's IPIs (wake-ups sent to the other vCPU).
// BENCH_HOLD_S=<s> then keeps the sandbox busy for that long and prints both pids, for perf/strace.
//   flock /tmp/photon-e2e.lock node --no-node-snapshot --import tsx bench/hop-threads.ts [rounds]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { startHopRig } from './hop-rig.js';

const ROUNDS = Number(process.argv[2] ?? 4);
const CALLS = 2000;
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 0);
/** An experiment alternated with 'as is' in every round: see applyVariant. */
const VARIANT = process.env.BENCH_VARIANT ?? '';

interface ThreadStat { name: string; ns: number; switches: number; preempted: number }

/** Every thread of `pid` by tid: name, ns on CPU, context switches. */
function threads(pid: number): Map<string, ThreadStat> {
  const out = new Map<string, ThreadStat>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      const st = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      // Voluntary switches (the thread slept) and involuntary ones (it was preempted), apart.
      const switches = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)?.[1] ?? 0);
      const preempted = Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(st)?.[1] ?? 0);
      const name = `${readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim()}${t === String(pid) ? ' (main)' : ''}`;
      out.set(t, { name, ns, switches, preempted });
    } catch {
      // a thread that ended between readdir and read
    }
  }
  return out;
}

/** Puts the processes in the scheduling state of variant `v` ('as is' undoes the others). */
function applyVariant(v: string, sandboxPid: number): void {
  const pin = (cpus: string, pid: number): void => void execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  const chrt = (policy: string, pid: number): void => void execFileSync('chrt', ['-a', policy, '-p', '0', String(pid)], { stdio: 'ignore' });
  if (v === 'as is') {
    chrt('-o', sandboxPid);
    chrt('-o', process.pid);
    pin('0-1', sandboxPid);
    pin('0-1', process.pid);
  } else if (v === 'batch-sandbox') chrt('-b', sandboxPid);
  else if (v === 'pin-sandbox') pin('0', sandboxPid);
  else if (v === 'pin-both') {
    pin('0', sandboxPid);
    pin('0', process.pid);
  }
  else if (v === 'batch-both') {
    chrt('-b', sandboxPid);
    chrt('-b', process.pid);
  } else if (v !== '') throw new Error(`unknown BENCH_VARIANT ${v}`);
}

/** Rescheduling and function-call IPIs so far, both CPUs (/proc/interrupts RES + CAL): wake-ups sent to another CPU. */
function ipis(): number {
  let n = 0;
  for (const line of readFileSync('/proc/interrupts', 'utf8').split('\n')) {
    const m = /^\s*(RES|CAL):((?:\s+\d+)+)/.exec(line);
    if (m) for (const x of m[2]!.trim().split(/\s+/)) n += Number(x);
  }
  return n;
}


/** Per thread name: µs of CPU and switches per call between two snapshots. */
function diff(a: Map<string, ThreadStat>, b: Map<string, ThreadStat>, calls: number): Map<string, { us: number; sw: number; pre: number }> {
  const out = new Map<string, { us: number; sw: number; pre: number }>();
  for (const [tid, s1] of b) {
    const s0 = a.get(tid) ?? { ns: 0, switches: 0, preempted: 0 };
    const key = s1.name;
    const o = out.get(key) ?? { us: 0, sw: 0, pre: 0 };
    o.us += (s1.ns - s0.ns) / 1000 / calls;
    o.sw += (s1.switches - s0.switches) / calls;
    o.pre += (s1.preempted - s0.preempted) / calls;
    out.set(key, o);
  }
  return out;
}

function merge(into: Map<string, { us: number[]; sw: number[]; pre: number[] }>, d: Map<string, { us: number; sw: number; pre: number }>): void {
  for (const [k, v] of d) {
    const o = into.get(k) ?? { us: [], sw: [], pre: [] };
    o.us.push(v.us);
    o.sw.push(v.sw);
    o.pre.push(v.pre);
    into.set(k, o);
  }
}

const med = (s: number[]): number => [...s].sort((x, y) => x - y)[Math.floor(s.length / 2)] ?? 0;

function print(title: string, m: Map<string, { us: number[]; sw: number[]; pre: number[] }>): void {
  const rows = [...m.entries()].map(([k, v]) => ({ k, us: med(v.us), sw: med(v.sw), pre: med(v.pre) })).filter((r) => r.us >= 0.5 || r.sw >= 0.05).sort((x, y) => y.us - x.us);
  const total = rows.reduce((s, r) => s + r.us, 0);
  console.log(`${title}: ${total.toFixed(1)} µs of CPU per activation`);
  for (const r of rows) console.log(`  ${r.k.padEnd(24)} ${r.us.toFixed(1).padStart(7)} µs  ${r.sw.toFixed(2).padStart(5)} sleeps  ${r.pre.toFixed(2).padStart(5)} preemptions`);
}

async function main(): Promise<void> {
  const { inline, viaSandbox, check, sandboxPid: sb, close } = await startHopRig('hopt', 53000);
  const id = (): string => Math.random().toString(16).slice(2).padEnd(32, '0');
  // A bare Node IPC echo child: the same two-message exchange with nothing behind it, alone and
  // after each inline activation ("inline + round trip"): whether a process switch makes the work
  // around it dearer (then inline + round trip costs more than the two apart).
  const echo = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ping = (): Promise<void> =>
    new Promise((r) => {
      echo.once('message', () => r());
      echo.send({ t: 'run', id: 1, actionKey: 'bench/hop@b1', params: { name: 'x' }, activationId: id(), namespace: 'guest', actionName: '/bench/hop', deadline: Date.now() });
    });
  const load = os.loadavg()[0]!.toFixed(2);
  type Stats = Map<string, { us: number[]; sw: number[]; pre: number[] }>;
  // The same round trip to a worker thread of this process: switches without leaving the address space.
  const worker = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))", { eval: true });
  const wping = (): Promise<void> =>
    new Promise((r) => {
      worker.once('message', () => r());
      worker.postMessage({ t: 'run', id: 1, actionKey: 'bench/hop@b1', params: { name: 'x' }, activationId: id(), namespace: 'guest', actionName: '/bench/hop', deadline: Date.now() });
    });
  const wboth: Stats = new Map();
  const wbare: Stats = new Map();
  const lat3 = { bare: [] as number[], both: [] as number[] };
  const inl: Stats = new Map();
  const bare: Stats = new Map();
  const bareChild: Stats = new Map();
  const both: Stats = new Map();
  const bothChild: Stats = new Map();
  const lat2 = { bare: [] as number[], both: [] as number[] };
  // Per variant: 'as is', and BENCH_VARIANT's when set (alternated within each round, random order).
  const variants = ['as is', ...(VARIANT ? [VARIANT] : [])];
  const sup = new Map<string, Stats>(variants.map((v) => [v, new Map()]));
  const box = new Map<string, Stats>(variants.map((v) => [v, new Map()]));
  const lat = { inline: [] as number[], box: new Map<string, number[]>(variants.map((v) => [v, []])) };
  const ipi = { inline: [] as number[], box: new Map<string, number[]>(variants.map((v) => [v, []])) };
  try {
    for (let i = 0; i < 500; i++) {
      await inline();
      await viaSandbox();
    }
    for (let r = 0; r < ROUNDS; r++) {
      const s0 = threads(process.pid);
      const i0 = ipis();
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        check(await inline());
        lat.inline.push(performance.now() - t);
      }
      merge(inl, diff(s0, threads(process.pid), CALLS));
      ipi.inline.push((ipis() - i0) / CALLS);
      for (let i = 0; i < 100; i++) await ping();
      let e0 = threads(echo.pid!);
      let s2 = threads(process.pid);
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        await ping();
        lat2.bare.push(performance.now() - t);
      }
      merge(bareChild, diff(e0, threads(echo.pid!), CALLS));
      merge(bare, diff(s2, threads(process.pid), CALLS));
      e0 = threads(echo.pid!);
      s2 = threads(process.pid);
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        check(await inline());
        await ping();
        lat2.both.push(performance.now() - t);
      }
      merge(bothChild, diff(e0, threads(echo.pid!), CALLS));
      merge(both, diff(s2, threads(process.pid), CALLS));
      for (let i = 0; i < 100; i++) await wping();
      s2 = threads(process.pid);
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        await wping();
        lat3.bare.push(performance.now() - t);
      }
      merge(wbare, diff(s2, threads(process.pid), CALLS));
      s2 = threads(process.pid);
      for (let i = 0; i < CALLS; i++) {
        const t = performance.now();
        check(await inline());
        await wping();
        lat3.both.push(performance.now() - t);
      }
      merge(wboth, diff(s2, threads(process.pid), CALLS));
      for (const v of [...variants].sort(() => Math.random() - 0.5)) {
        applyVariant(v, sb);
        await new Promise((res) => setTimeout(res, 20));
        for (let i = 0; i < 200; i++) check(await viaSandbox());
        const s1 = threads(process.pid);
        const b0 = threads(sb);
        const i1 = ipis();
        for (let i = 0; i < CALLS; i++) {
          const t = performance.now();
          check(await viaSandbox());
          lat.box.get(v)!.push(performance.now() - t);
        }
        ipi.box.get(v)!.push((ipis() - i1) / CALLS);
        merge(box.get(v)!, diff(b0, threads(sb), CALLS));
        merge(sup.get(v)!, diff(s1, threads(process.pid), CALLS));
      }
      applyVariant('as is', sb);
    }
    const p = (x: number[], q: number): string => `${([...x].sort((m, n) => m - n)[Math.floor(q * x.length)]! * 1000).toFixed(0)} µs`;
    console.log(`${ROUNDS} rounds of ${CALLS} warm hello worlds each way, medians; load ${load} → ${os.loadavg()[0]!.toFixed(2)}`);
    console.log(`inline p50 ${p(lat.inline, 0.5)} p99 ${p(lat.inline, 0.99)}; IPIs per activation (whole machine) ${med(ipi.inline).toFixed(2)}`);
    print('inline (this process)', inl);
    console.log(`--- bare IPC round trip p50 ${p(lat2.bare, 0.5)}; inline + round trip p50 ${p(lat2.both, 0.5)}`);
    print('bare round trip: this process', bare);
    print('bare round trip: echo child', bareChild);
    print('inline + round trip: this process', both);
    print('inline + round trip: echo child', bothChild);
    console.log(`--- worker thread round trip p50 ${p(lat3.bare, 0.5)}; inline + worker round trip p50 ${p(lat3.both, 0.5)}`);
    print('worker round trip (this process)', wbare);
    print('inline + worker round trip (this process)', wboth);
    for (const v of variants) {
      console.log(`--- ${v}: through the sandbox p50 ${p(lat.box.get(v)!, 0.5)} p99 ${p(lat.box.get(v)!, 0.99)}; IPIs per activation (whole machine) ${med(ipi.box.get(v)!).toFixed(2)}`);
      print('sandboxed: supervisor (this process)', sup.get(v)!);
      print(`sandboxed: sandbox process (pid ${sb})`, box.get(v)!);
    }
    if (HOLD_S > 0) {
      console.log(`holding: sandbox pid ${sb} busy for ${HOLD_S} s (supervisor pid ${process.pid})`);
      const end = Date.now() + HOLD_S * 1000;
      let n = 0;
      for (; Date.now() < end; n++) check(await viaSandbox());
      console.log(`held: ${n} activations in ${HOLD_S} s`);
    }
  } finally {
    echo.kill();
    await worker.terminate();
    await close();
  }
}

await main();
