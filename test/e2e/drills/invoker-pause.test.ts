// Drill: an invoker frozen with SIGSTOP under steady load. Its heartbeat goes stale, the controller
// stops placing on it and new activations run on the other invoker; what was already queued for
// it waits in its topic. After SIGCONT it heartbeats again, finishes that queue and takes new work.
// Every accepted activation ends with a record: sent / completed / failed / lost are printed.
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { SteadyLoad } from '../../harness/steady-load.js';
import { drillReport } from '../../harness/drill-report.js';
import { waitFor } from '../../harness/wait-for.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';

const THROTTLES = { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' };
const TICK = { exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 20)); return { i: p.i }; }' }, limits: { memory: 128 } };

const invokerOf = (r: ActivationRecord | undefined): string => String(r?.annotations.find((a) => a.key === 'invoker')?.value);

async function usable(cluster: ProcessCluster, id: string): Promise<boolean> {
  const res = await fetch(`${cluster.controllers[0]!.url}/invokers`);
  return ((await res.json()) as Array<{ id: string; usable: boolean }>).some((x) => x.id === id && x.usable);
}

describe('drill: an invoker paused with SIGSTOP', () => {
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('moves placement away while it is stale, loses nothing, and takes work again after SIGCONT', async () => {
    cluster = new ProcessCluster({ label: 'pause', invokers: 2, isolation: 'on', idBase: 62976, env: THROTTLES });
    await cluster.start();
    const c = cluster;
    expect((await c.api('PUT', 'namespaces/_/actions/tick', TICK)).status).toBe(200);
    const first = await c.api('POST', 'namespaces/_/actions/tick?blocking=true', { i: -1 });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    const victim = invokerOf(first.json as ActivationRecord);
    const other = [c.invokerId(0), c.invokerId(1)].find((id) => id !== victim)!;
    expect([c.invokerId(0), c.invokerId(1)]).toContain(victim);

    const load = new SteadyLoad(c, 'tick', { senders: 2, paceMs: 100 });
    let staleAt = 0;
    let resumedAt = 0;
    load.start();
    try {
      await load.acceptedAtLeast(20);
      await c.kill(victim, 'SIGSTOP');
      await waitFor(`${victim}'s heartbeat to go stale`, async () => !(await usable(c, victim)), { timeoutMs: 30_000, intervalMs: 100 });
      staleAt = Date.now();
      await load.acceptedAtLeast(load.accepted.length + 30);
      resumedAt = Date.now();
      await c.kill(victim, 'SIGCONT');
      await waitFor(`${victim} to heartbeat again`, () => usable(c, victim), { timeoutMs: 30_000, intervalMs: 100 });
      await load.acceptedAtLeast(load.accepted.length + 20);
    } finally {
      await load.stop();
    }

    const report = await drillReport('invoker paused with SIGSTOP, then resumed', c.stores, load.sent, load.accepted.map((a) => a.activationId));
    console.log(`drill: refused ${load.refused.length} (${[...new Set(load.refused)].join(',') || 'none'})`);
    expect(report.lost).toBe(0);
    expect(report.failed).toBe(0);
    expect(load.refused).toEqual([]);
    for (const a of load.accepted) expect((report.records.get(a.activationId)?.response.result as { i?: number }).i, 'each record is its own activation').toBe(a.i);
    // Sent while the controller saw the victim as stale: all of them ran on the other invoker.
    const whilePaused = load.accepted.filter((a) => a.sentAt >= staleAt && a.sentAt < resumedAt);
    expect(whilePaused.length).toBeGreaterThanOrEqual(20);
    for (const a of whilePaused) expect(invokerOf(report.records.get(a.activationId)), `activation ${a.i} sent while ${victim} was stale`).toBe(other);

    // After SIGCONT the victim takes new work: fresh actions land on their home invoker, half of
    // them (by hash) on the victim; the first one that does must run there and succeed.
    let ranOnVictim = false;
    for (let k = 0; k < 16 && !ranOnVictim; k++) {
      expect((await c.api('PUT', `namespaces/_/actions/fresh${k}`, TICK)).status).toBe(200);
      const r = await c.api('POST', `namespaces/_/actions/fresh${k}?blocking=true`, { i: k });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      ranOnVictim = invokerOf(r.json as ActivationRecord) === victim;
    }
    expect(ranOnVictim, `no fresh action ran on ${victim} after SIGCONT`).toBe(true);
  });
});
