// Delivery under failure: an invoker killed with SIGKILL under load loses no activation. Every
// activation sent ends with exactly one record — run by the restarted invoker from the
// uncommitted offsets, or recorded as a whisk internal error by the controller when no invoker
// ever answers — and the counts are printed: sent / completed / failed / lost.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { drillReport } from '../../harness/drill-report.js';
import { waitFor } from '../../harness/wait-for.js';

type Rec = { annotations: Array<{ key: string; value: unknown }> };
const THROTTLES = { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' };
const SLOW = { exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 150)); return { i: p.i }; }' } };

async function invokeMany(cluster: ProcessCluster, action: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await cluster.api('POST', `namespaces/_/actions/${action}`, { i });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    ids.push((r.json as { activationId: string }).activationId);
  }
  return ids;
}

describe('an invoker killed mid-activation', () => {
  let cluster: ProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
  }, 60_000);

  it('finishes its activations after a restart with the same id, none lost and none run twice', async () => {
    cluster = new ProcessCluster({ label: 'crash', invokers: 2, isolation: 'on', idBase: 57600, env: THROTTLES });
    await cluster.start();
    await cluster.api('PUT', 'namespaces/_/actions/slow', SLOW);
    const first = await cluster.api('POST', 'namespaces/_/actions/slow?blocking=true', { i: -1 });
    const victim = String((first.json as Rec).annotations.find((a) => a.key === 'invoker')?.value);
    const ids = await invokeMany(cluster, 'slow', 40);
    // Kill while activations are queued and running on the victim: some records exist, most not.
    await waitFor('a few records', async () => (await Promise.all(ids.slice(0, 5).map((id) => cluster!.stores.activations.get(id)))).some(Boolean), { timeoutMs: 30_000 });
    await cluster.kill(victim, 'SIGKILL');
    await cluster.startInvoker(Number(victim.slice(-1)));
    const report = await drillReport('invoker kill -9, restarted', cluster.stores, ids.length, ids, 90_000);
    expect(report.lost).toBe(0);
    expect(report.failed).toBe(0);
    // Exactly-once records: each activation's result is its own parameter.
    for (const [i, id] of ids.entries()) expect(report.records.get(id)!.response.result.i).toBe(i);
  });

  it('is recorded as a whisk internal error when it never comes back', async () => {
    cluster = new ProcessCluster({ label: 'gone', invokers: 1, isolation: 'on', idBase: 57856, env: { ...THROTTLES, PHOTON_COMPLETION_GRACE_MS: '2000' } });
    await cluster.start();
    // Slow enough that the kill always finds most of them unfinished.
    await cluster.api('PUT', 'namespaces/_/actions/slow', { exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 700)); return { i: p.i }; }' }, limits: { timeout: 1000 } });
    await cluster.api('POST', 'namespaces/_/actions/slow?blocking=true', { i: -1 });
    const ids = await invokeMany(cluster, 'slow', 10);
    await cluster.kill(cluster.invokerId(0), 'SIGKILL');
    const report = await drillReport('invoker kill -9, never back', cluster.stores, ids.length, ids, 60_000);
    expect(report.lost).toBe(0);
    // Those the invoker finished before dying succeeded; the rest are system errors, not holes.
    for (const r of report.records.values()) expect(['success', 'whisk internal error']).toContain(r.response.status);
    expect(report.failed).toBeGreaterThan(0);
  });
});
