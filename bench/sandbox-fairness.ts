// Fair CPU between tenants (issue 13): one namespace runs 20 concurrent endless loops (each stopped
// at its time limit), another namespace calls a warm hello world in a loop meanwhile. Printed per
// runner: the victim's idle p95, its p95 under the attack, their ratio, beside the goal (≤ 3× and
// < 100 ms), and the victim on the hog's sandbox once more without the hold at the hog's first
// timeout (pool/tenant-holds.ts), for the same-run before/after. Run by
// `npm run bench:isolates -- --fair` (root; address ids 31024..31151).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { NamespaceCache } from '../native/contracts.js';
import { createNamespaceCache } from '../native/namespace-cache.js';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import { PoolActionRunner } from '../invoker/pool/pool-action-runner.js';
import { SandboxRunner, type SandboxRunnerOptions } from '../invoker/sandbox/sandbox-runner.js';
import type { ActionRunner, RunOutcome } from '../invoker/service/action-runner.js';
import type { Action } from '../shared/model/action.js';
import { HELLO, benchAction } from './isolate-workloads.js';

const LOOPS = 20;
const LOOP_TIMEOUT_MS = 3000;
const IDLE_CALLS = 200;
const GAP_MS = 10;
const quiet = (): void => undefined;

export interface FairnessRow {
  runner: string;
  idleP95: number;
  attackP95: number;
  attackMax: number;
  calls: number;
  loopsTimedOut: number;
  /** Loops that ran outside a quarantine sandbox (in the hog's ordinary sandbox, or inline). */
  loopsOutside: number;
  attackMs: number;
}

function p95(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))] ?? NaN;
}

function runOnce(runner: ActionRunner, action: Action, namespace: string): Promise<RunOutcome> {
  return runner.run({ action, params: {}, activationId: randomBytes(16).toString('hex'), namespace, deadline: Date.now() + action.limits.timeout });
}

/** Victim's warm calls idle, then under 20 endless loops of `hostile`; throws if a call fails. */
export async function measureFairness(label: string, runner: ActionRunner, victim: string, hostile: string): Promise<FairnessRow> {
  const hello = benchAction(`fair-hello-${randomBytes(3).toString('hex')}`, HELLO);
  const loop = { ...benchAction(`fair-loop-${randomBytes(3).toString('hex')}`, 'function main() { for (;;) {} }', 256) };
  loop.limits = { ...loop.limits, timeout: LOOP_TIMEOUT_MS };
  const call = async (): Promise<number> => {
    const t0 = performance.now();
    const o = await runOnce(runner, hello, victim);
    if (o.response.status !== 'success') throw new Error(`${label}: victim call ${o.response.status} ${JSON.stringify(o.response.result)}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 50; i++) await call();
  const idle: number[] = [];
  for (let i = 0; i < IDLE_CALLS; i++) {
    idle.push(await call());
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const t0 = Date.now();
  let pending = LOOPS;
  let timedOut = 0;
  let outside = 0;
  const loops = Array.from({ length: LOOPS }, () => runOnce(runner, loop, hostile).then((o) => {
    pending--;
    if (!/sbq/.test(o.isolateId ?? '')) outside++;
    if (o.response.status === 'action developer error' && /exceeded its time limits/.test(JSON.stringify(o.response.result))) timedOut++;
  }));
  const attack: number[] = [];
  while (pending > 0) {
    attack.push(await call());
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  await Promise.all(loops);
  return { runner: label, idleP95: p95(idle), attackP95: p95(attack), attackMax: Math.max(...attack), calls: attack.length, loopsTimedOut: timedOut, loopsOutside: outside, attackMs: Date.now() - t0 };
}

/** Two namespace names that a sandbox runner places on the same sandbox (same = true) or on different ones. */
function pair(runner: SandboxRunner, same: boolean): { victim: string; hostile: string } {
  const hostile = `hostile-${randomBytes(3).toString('hex')}`;
  for (let i = 0; ; i++) {
    const victim = `victim-${i}`;
    if ((runner.placement(victim) === runner.placement(hostile)) === same) return { victim, hostile };
  }
}

export async function fairnessRows(options: Partial<SandboxRunnerOptions> = {}): Promise<FairnessRow[]> {
  const cache: NamespaceCache = createNamespaceCache({ invokerId: 'tbf', idBase: 31024, idCount: 128, floor: 8, ceiling: 96, isolation: 'on', log: quiet });
  await cache.start();
  const rows: FairnessRow[] = [];
  try {
    const pool = new IsolatePool({ namespaces: cache, userMemoryMb: 2048, prewarm: { count: 1, memoryMb: 128 }, idPrefix: 'tbf-i' });
    await pool.start();
    try {
      rows.push(await measureFairness('inline (one IsolatePool)', new PoolActionRunner(pool, cache), 'victim-inline', 'hostile-inline'));
    } finally {
      await pool.close();
    }
    const runner = new SandboxRunner({ invokerId: 'tbf', namespaces: cache, count: 2, userMemoryMb: 2048, prewarm: { count: 1, memoryMb: 128 }, log: quiet, ...options });
    await runner.start();
    try {
      const same = pair(runner, true);
      rows.push(await measureFairness('sandboxes, victim on the hostile\'s sandbox', runner, same.victim, same.hostile));
      const other = pair(runner, false);
      rows.push(await measureFairness('sandboxes, victim on another sandbox', runner, other.victim, other.hostile));
    } finally {
      await runner.close();
    }
    // The same victim placement without the hold at a hog's first timeout (pool/tenant-holds.ts): what it closes, same run.
    const unheld = new SandboxRunner({ invokerId: 'tbfn', namespaces: cache, count: 2, userMemoryMb: 2048, prewarm: { count: 1, memoryMb: 128 }, log: quiet, ...options, holdAfterTimeout: false });
    await unheld.start();
    try {
      const same = pair(unheld, true);
      rows.push(await measureFairness('sandboxes, victim on the hostile\'s sandbox, WITHOUT the hold', unheld, same.victim, same.hostile));
    } finally {
      await unheld.close();
    }
  } finally {
    await cache.close();
  }
  return rows;
}

export function printFairness(rows: FairnessRow[]): void {
  const f = (v: number): string => `${v.toFixed(1)} ms`;
  console.log(`fair CPU: victim's warm hello world, idle vs while another namespace runs ${LOOPS} endless loops (timeout ${LOOP_TIMEOUT_MS} ms, 256 MB); load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log('| runner | idle p95 | p95 under attack | ratio | max under attack | calls | loops timed out | loops outside quarantine | attack lasted | goal (≤ 3×, < 100 ms) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.attackP95 / r.idleP95;
    const ok = ratio <= 3 && r.attackP95 < 100;
    console.log(`| ${r.runner} | ${f(r.idleP95)} | ${f(r.attackP95)} | ×${ratio.toFixed(1)} | ${f(r.attackMax)} | ${r.calls} | ${r.loopsTimedOut}/${LOOPS} | ${r.loopsOutside} | ${(r.attackMs / 1000).toFixed(1)} s | ${ok ? 'met' : 'MISSED'} |`);
  }
}
