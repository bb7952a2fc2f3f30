// What makes a warm activation dearer when something else happens between two of them (issue 13,
// the hop): the inline pool's hello world alone, and with one of these after each activation —
// an extra turn of the event loop (setImmediate), a busy wait of 30 µs, an idle wait of 30 µs
// (Atomics.wait: the thread sleeps and, with nothing else runnable, the vCPU halts), a round trip
// to a worker thread. CPU of this process's threads per activation (schedstat) and latency of the
// whole step; blocks in a random order each round.
//   flock /tmp/photon-e2e.lock node --no-node-snapshot --import tsx bench/hop-interleave.ts [rounds]
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import { createNamespaceCache } from '../native/namespace-cache.js';
import { HELLO, benchAction } from './isolate-workloads.js';

const ROUNDS = Number(process.argv[2] ?? 4);
const CALLS = 2000;
const quiet = (): void => undefined;

function cpuNs(): number {
  let ns = 0;
  for (const t of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${process.pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended
    }
  }
  return ns;
}

const med = (s: number[]): number => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)] ?? 0;

async function main(): Promise<void> {
  const cache = createNamespaceCache({ invokerId: 'hopi', idBase: 53100, idCount: 64, floor: 8, ceiling: 32, isolation: 'on', log: quiet });
  await cache.start();
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, idPrefix: 'hopi-i' });
  const a = benchAction('hop', HELLO);
  const id = (): string => Math.random().toString(16).slice(2).padEnd(32, '0');
  const inline = async (): Promise<void> => {
    const o = await pool.run(a, { name: 'x' }, { activationId: id(), namespace: 'bench', actionName: '/bench/hop' });
    if (o.response.status !== 'success') throw new Error('not a success');
  };
  const worker = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m))", { eval: true });
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const spin = (us: number): void => {
    const end = performance.now() + us / 1000;
    while (performance.now() < end);
  };
  const steps: Record<string, () => Promise<void> | void> = {
    'nothing': () => undefined,
    'setImmediate': () => new Promise<void>((r) => setImmediate(r)),
    'busy 30 µs': () => spin(30),
    'idle 30 µs (Atomics.wait)': () => void Atomics.wait(cell, 0, 0, 0.03),
    'worker round trip': () =>
      new Promise<void>((r) => {
        worker.once('message', () => r());
        worker.postMessage({ t: 'run', id: 1, params: { name: 'x' } });
      }),
  };
  const cpu = new Map<string, number[]>();
  const lat = new Map<string, number[]>();
  const alone = new Map<string, number[]>();
  const load = os.loadavg()[0]!.toFixed(2);
  try {
    for (let i = 0; i < 500; i++) await inline();
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, step] of Object.entries(steps).sort(() => Math.random() - 0.5)) {
        // The step alone, then activation + step.
        let c0 = cpuNs();
        for (let i = 0; i < CALLS; i++) await step();
        (alone.get(name) ?? alone.set(name, []).get(name)!).push((cpuNs() - c0) / 1000 / CALLS);
        for (let i = 0; i < 100; i++) {
          await inline();
          await step();
        }
        c0 = cpuNs();
        const l = lat.get(name) ?? lat.set(name, []).get(name)!;
        for (let i = 0; i < CALLS; i++) {
          const t = performance.now();
          await inline();
          await step();
          l.push((performance.now() - t) * 1000);
        }
        (cpu.get(name) ?? cpu.set(name, []).get(name)!).push((cpuNs() - c0) / 1000 / CALLS);
      }
    }
    const base = med(cpu.get('nothing')!);
    console.log(`${ROUNDS} rounds × ${CALLS} warm hello worlds inline per step kind; load ${load} → ${os.loadavg()[0]!.toFixed(2)}`);
    console.log('between activations | p50 of activation + step | CPU per activation + step | CPU of the step alone | excess (CPU − activation alone − step alone)');
    for (const name of Object.keys(steps)) {
      const c = med(cpu.get(name)!);
      const s = med(alone.get(name)!);
      console.log(`${name.padEnd(26)} | ${med(lat.get(name)!).toFixed(0).padStart(4)} µs | ${c.toFixed(1).padStart(6)} µs | ${s.toFixed(1).padStart(6)} µs | ${(c - base - s).toFixed(1).padStart(6)} µs`);
    }
  } finally {
    await worker.terminate();
    await pool.close();
    await cache.close();
  }
}

await main();
