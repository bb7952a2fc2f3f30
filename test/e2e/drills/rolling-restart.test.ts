// Drill: a rolling restart of every invoker under steady load, the way an operator upgrades a
// cluster. One at a time: SIGTERM (the invoker drains: no new work, running activations finish and
// commit, it leaves the registry and deletes its namespaces), then its replacement starts with the
// same id and serves before the next one goes. Zero activations may be lost or refused.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { SteadyLoad } from '../../harness/steady-load.js';
import { drillReport } from '../../harness/drill-report.js';
import { invokerTag } from '../../../native/naming.js';

const INVOKERS = 2;
const THROTTLES = { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' };
// Long enough that every drain has activations running when SIGTERM arrives.
const WORK = { exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 300)); return { i: p.i }; }' }, limits: { memory: 128 } };

const namespacesOf = (invokerId: string): string[] => {
  const prefix = `photon-${invokerTag(invokerId)}-`;
  return readdirSync('/run/netns').filter((n) => n.startsWith(prefix));
};

describe('drill: rolling restart of all invokers', () => {
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('drains each invoker and brings its replacement up with no activation lost or refused', async () => {
    cluster = new ProcessCluster({ label: 'roll', invokers: INVOKERS, isolation: 'on', idBase: 63232, env: THROTTLES });
    await cluster.start();
    const c = cluster;
    expect((await c.api('PUT', 'namespaces/_/actions/work', WORK)).status).toBe(200);
    expect((await c.api('POST', 'namespaces/_/actions/work?blocking=true', { i: -1 })).status).toBe(200);

    const load = new SteadyLoad(c, 'work', { senders: 3, paceMs: 100 });
    const exitCodes: Array<number | null> = [];
    const drains: Array<{ id: string; from: number; to: number }> = [];
    const leftovers: string[] = [];
    load.start();
    try {
      await load.acceptedAtLeast(20);
      for (let i = 0; i < INVOKERS; i++) {
        const id = c.invokerId(i);
        const from = Date.now();
        exitCodes.push(await c.kill(id, 'SIGTERM'));
        drains.push({ id, from, to: Date.now() });
        leftovers.push(...namespacesOf(id));
        await c.startInvoker(i);
        await c.waitForInvokers(INVOKERS);
        await load.acceptedAtLeast(load.accepted.length + 20);
      }
    } finally {
      await load.stop();
    }

    const report = await drillReport('rolling restart of all invokers', c.stores, load.sent, load.accepted.map((a) => a.activationId));
    // Evidence that a drain finishes running work itself: records its invoker ended mid-drain.
    const finishedDraining = drains.map((d) => [...report.records.values()].filter((r) =>
      r.annotations.some((a) => a.key === 'invoker' && a.value === d.id) && r.end >= d.from && r.end <= d.to).length);
    console.log(`drill: refused ${load.refused.length} (${[...new Set(load.refused)].join(',') || 'none'}), invokers exited with ${exitCodes.join(',')}, activations finished while draining ${finishedDraining.join(',')}`);
    expect(exitCodes, 'a drained invoker exits cleanly').toEqual(Array.from({ length: INVOKERS }, () => 0));
    expect(leftovers, 'a drained invoker deletes its namespaces').toEqual([]);
    expect(finishedDraining.reduce((a, b) => a + b, 0), 'activations were running when SIGTERM came (else the drill proves nothing)').toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.failed).toBe(0);
    expect(load.refused).toEqual([]);
    for (const a of load.accepted) expect((report.records.get(a.activationId)?.response.result as { i?: number }).i, 'each record is its own activation').toBe(a.i);
  });
});
