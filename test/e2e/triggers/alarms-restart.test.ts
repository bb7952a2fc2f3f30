// Alarms with real processes: two controller processes share an interval alarm (BullMQ in the real
// Redis); both are killed -9, so no photon process holds the schedule; two new controller processes
// pick it up. Every tick fires once, the rule's action runs on a real invoker for each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { spawnController, type SpawnedController } from '../../harness/spawn-controller.js';
import { waitFor } from '../../harness/wait-for.js';

describe('alarms across a kill -9 of every controller', () => {
  const cluster = new ProcessCluster({ label: 'alarme2e', invokers: 1, controllers: 2, isolation: 'off', idBase: 60672, env: { PHOTON_FIRES_PER_MINUTE: '10000' } });
  const replacements: SpawnedController[] = [];

  beforeAll(async () => {
    await cluster.start();
  }, 180_000);
  afterAll(async () => {
    for (const r of replacements) await r.stop();
    await cluster.stop();
  }, 60_000);

  async function fires(): Promise<ActivationRecord[]> {
    const records = await cluster.stores.activations.list('guest', { name: 'tick', limit: 200, skip: 0 });
    return records.filter((r) => r.annotations.some((a) => a.key === 'kind' && a.value === 'trigger'));
  }

  it('an interval alarm keeps firing after every controller process was killed and replaced, no tick twice', async () => {
    expect((await cluster.api('PUT', 'namespaces/_/actions/count', { exec: { kind: 'nodejs:20', code: 'function main(p) { return { at: p.at }; }' } })).status).toBe(200);
    expect((await cluster.api('PUT', 'namespaces/_/triggers/tick', {})).status).toBe(200);
    expect((await cluster.api('PUT', 'namespaces/_/rules/tick-count', { trigger: '/_/tick', action: '/_/count' })).status).toBe(200);
    const bad = await cluster.api('POST', 'namespaces/whisk.system/actions/alarms/alarm?blocking=true', { lifecycleEvent: 'CREATE', triggerName: '/_/tick', cron: '* * * 13 *' });
    expect(bad.status).toBe(400);
    const created = await cluster.api('POST', 'namespaces/whisk.system/actions/alarms/interval?blocking=true', { lifecycleEvent: 'CREATE', triggerName: '/_/tick', minutes: 1 / 30, trigger_payload: { at: 'tick' } }, 1);
    expect(created.status).toBe(200);
    await waitFor('3 fires', async () => (await fires()).length >= 3, { timeoutMs: 30_000, intervalMs: 200 });

    await cluster.kill('controller0', 'SIGKILL');
    await cluster.kill('controller1', 'SIGKILL');
    const before = (await fires()).length;
    for (const c of [0, 1]) replacements.push(await spawnController(cluster, `${cluster.prefix}-c${c}`, { PHOTON_CONTROLLER_SHARE: '2' }));
    await waitFor('3 fires after the restart', async () => (await fires()).length >= before + 3, { timeoutMs: 40_000, intervalMs: 200 });

    const records = await fires();
    const ticks = records.map((r) => String(r.annotations.find((a) => a.key === 'tick')?.value));
    expect(new Set(ticks).size).toBe(records.length);
    const caused = records.map((r) => (JSON.parse(r.logs[0]!) as { activationId: string }).activationId);
    expect(new Set(caused).size).toBe(records.length);
    await waitFor('every tick\'s action record', async () => {
      const got = await Promise.all(caused.map((id) => cluster.stores.activations.get(id)));
      return got.every((g) => g?.response.success && g.response.result.at === 'tick') ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // The feed is deleted with its trigger: the schedule is gone from Redis as well.
    const del = await fetch(`${replacements[0]!.url}/api/v1/namespaces/_/triggers/tick`, { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from(cluster.apiKey).toString('base64')}` } });
    expect(del.status).toBe(200);
    expect(await cluster.stores.feeds.get('guest', 'tick')).toBeUndefined();
  }, 120_000);
});
