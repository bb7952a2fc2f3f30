// Drill: sequences survive the controller that drives them. 20 sequences of 5 slow components are
// in flight when their controller is SIGKILLed; the other controller takes their progress records
// over (after the dead one's lease, PHOTON_COMPOSITION_LEASE_MS) and finishes every one: each
// sequence ends with its record, each component step has exactly one record. Then the same again
// with one controller that is SIGKILLed and restarted under the same id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { drillReport } from '../../harness/drill-report.js';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { spawnController, type SpawnedController } from '../../harness/spawn-controller.js';
import { waitFor } from '../../harness/wait-for.js';

const SEQUENCES = 20;
const COMPONENTS = 5;
// Address ids 60032-60159 are this folder's (one invoker's block); its files run one at a time.
const cluster = new ProcessCluster({
  label: 'seqdrill', invokers: 1, controllers: 2, isolation: 'off', idBase: 60032,
  env: { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000', PHOTON_COMPOSITION_LEASE_MS: '2000' },
});
// Slow enough that every sequence has a step running when its controller goes; 20 share one isolate.
const SLOW = {
  exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 700)); return { i: p.i, n: (p.n || 0) + 1 }; }' },
  limits: { memory: 128, concurrency: 25 },
};
const spawned: SpawnedController[] = [];

beforeAll(async () => {
  await cluster.start();
  expect((await cluster.api('PUT', 'namespaces/_/actions/slow', SLOW)).status).toBe(200);
  expect((await cluster.api('PUT', 'namespaces/_/actions/slow5', { exec: { kind: 'sequence', components: Array.from({ length: COMPONENTS }, () => '/guest/slow') } })).status).toBe(200);
}, 120_000);
afterAll(async () => {
  for (const c of spawned) await c.stop();
  await cluster.stop();
});

/** Starts the sequences on a controller URL (non-blocking: the ids are the callers' handle on the results). */
async function startSequences(url: string, first: number): Promise<string[]> {
  const auth = `Basic ${Buffer.from(cluster.apiKey).toString('base64')}`;
  return Promise.all(Array.from({ length: SEQUENCES }, async (_, k) => {
    const res = await fetch(`${url}/api/v1/namespaces/_/actions/slow5`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ i: first + k }) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { activationId: string }).activationId;
  }));
}

/** Waits until every sequence has finished step `steps - 1` and has the next one running. */
async function inFlightPast(ids: string[], steps: number): Promise<void> {
  await waitFor(`all ${ids.length} sequences past step ${steps - 1}`, async () => {
    const progress = await Promise.all(ids.map((id) => cluster.stores.progress.get(id)));
    return progress.every((p) => p !== undefined && (p.data.steps as number) > steps);
  }, { timeoutMs: 60_000, intervalMs: 50 });
}

/** The drill's account: every sequence recorded and right, and each component step recorded exactly once. */
async function account(name: string, ids: string[], first: number): Promise<void> {
  const report = await drillReport(name, cluster.stores, ids.length, ids, 120_000);
  const components = await cluster.stores.activations.list('guest', { name: 'slow', limit: 10_000, skip: 0 });
  let duplicated = 0;
  let missing = 0;
  for (const [k, id] of ids.entries()) {
    const rec = report.records.get(id) as ActivationRecord;
    expect(rec.response.result).toEqual({ i: first + k, n: COMPONENTS });
    expect(rec.logs).toHaveLength(COMPONENTS);
    const mine = components.filter((c) => c.cause === id);
    duplicated += mine.length - new Set(mine.map((c) => c.activationId)).size + Math.max(0, mine.length - COMPONENTS);
    missing += rec.logs.filter((l) => !mine.some((c) => c.activationId === l)).length;
  }
  console.log(`drill: sequences started ${ids.length}, completed ${report.completed}, lost ${report.lost}, component records duplicated ${duplicated} (${name})`);
  expect({ completed: report.completed, lost: report.lost, duplicated, missing }).toEqual({ completed: ids.length, lost: 0, duplicated: 0, missing: 0 });
}

describe('drill: sequences in flight when their controller is SIGKILLed', () => {
  it('the other controller finishes all of them', async () => {
    const ids = await startSequences(cluster.controllers[0]!.url, 0);
    await inFlightPast(ids, 2);
    await cluster.kill('controller0', 'SIGKILL');
    await account('controller killed, another takes over', ids, 0);
  }, 180_000);

  it('the same controller, restarted under its id, finishes all of them', async () => {
    const id = `${cluster.prefix}-c1`;
    const ids = await startSequences(cluster.controllers[1]!.url, 100);
    await inFlightPast(ids, 2);
    await cluster.kill('controller1', 'SIGKILL');
    spawned.push(await spawnController(cluster, id, { PHOTON_CONTROLLER_SHARE: '2' }));
    await account('controller killed and restarted', ids, 100);
  }, 180_000);
});
