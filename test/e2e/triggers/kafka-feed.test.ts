// The Kafka topic feed with real processes: a user's producer writes 1,000 messages to a topic bound
// to a trigger; the controller that consumes the feed is killed (SIGKILL) mid-stream and started
// again; every message reaches exactly one trigger activation batch, none is lost, and the rule's
// action runs on a real invoker for the batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { spawnController, type SpawnedController } from '../../harness/spawn-controller.js';
import { testKafka, type TestKafka } from '../../harness/test-kafka.js';
import { waitFor } from '../../harness/wait-for.js';

const TOTAL = 1_000;
const FEED_ENV = {
  PHOTON_FIRES_PER_MINUTE: '100000',
  PHOTON_INVOCATIONS_PER_MINUTE: '100000',
  PHOTON_FEED_BATCH_MAX_MESSAGES: '40',
  PHOTON_FEED_BATCH_MAX_WAIT_MS: '300',
  PHOTON_FEED_RECONCILE_MS: '300',
};

describe('Kafka topic feed across a killed and restarted controller', () => {
  const cluster = new ProcessCluster({ label: 'kfeed', invokers: 1, isolation: 'off', idBase: 60416, env: FEED_ENV });
  let kafka: TestKafka;
  let replacement: SpawnedController | undefined;

  beforeAll(async () => {
    kafka = await testKafka('kfeed');
    await cluster.start();
  }, 180_000);
  afterAll(async () => {
    await replacement?.stop();
    await cluster.stop();
    await kafka?.cleanup();
  }, 60_000);

  async function batches(): Promise<ActivationRecord[]> {
    const out: ActivationRecord[] = [];
    for (let skip = 0; ; skip += 200) {
      const page = await cluster.stores.activations.list('guest', { name: 'orders', limit: 200, skip });
      out.push(...page.filter((r) => r.annotations.some((a) => a.key === 'kind' && a.value === 'trigger')));
      if (page.length < 200) return out;
    }
  }

  const messagesOf = (records: ActivationRecord[]): Array<{ partition: number; offset: number; value: { i: number } }> =>
    records.flatMap((r) => (r.response.result.messages as Array<{ partition: number; offset: number; value: { i: number } }>));

  it('fires every message in exactly one batch, with a kill -9 of the consuming controller mid-stream', async () => {
    const topic = await kafka.topic('orders', 2);
    expect((await cluster.api('PUT', 'namespaces/_/actions/sink', { exec: { kind: 'nodejs:20', code: 'function main(p) { return { count: p.messages.length, first: p.messages[0].value }; }' } })).status).toBe(200);
    expect((await cluster.api('PUT', 'namespaces/_/triggers/orders', {})).status).toBe(200);
    expect((await cluster.api('PUT', 'namespaces/_/rules/orders-sink', { trigger: '/_/orders', action: '/_/sink' })).status).toBe(200);
    const missing = await cluster.api('POST', 'namespaces/whisk.system/actions/messaging/kafkaFeed?blocking=true', { lifecycleEvent: 'CREATE', triggerName: '/_/orders', topic: `${topic}-nope`, brokers: kafka.brokers });
    expect(missing.status).toBe(400);
    const feed = await cluster.api('POST', 'namespaces/whisk.system/actions/messaging/kafkaFeed?blocking=true', { lifecycleEvent: 'CREATE', triggerName: '/_/orders', topic, brokers: kafka.brokers, isJSONData: true });
    expect(feed.status).toBe(200);

    const producer = kafka.kafka.producer();
    await producer.connect();
    // A steady stream (25 messages per 50 ms): the kill lands while batches are being filled and fired.
    let produced = 0;
    const producing = (async () => {
      for (let i = 0; i < TOTAL; i += 25) {
        await producer.send({ topic, messages: Array.from({ length: 25 }, (_, k) => ({ key: `k${(i + k) % 7}`, value: JSON.stringify({ i: i + k }) })) });
        produced = i + 25;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await waitFor('the first batches', async () => (await batches()).length >= 3, { timeoutMs: 30_000, intervalMs: 50 });
    expect(await cluster.kill('controller0', 'SIGKILL')).toBeNull();
    const firedBeforeKill = messagesOf(await batches()).length;
    const producedAtKill = produced;
    await producing;
    await producer.disconnect();
    replacement = await spawnController(cluster, `${cluster.prefix}-c0`);
    const url = replacement.url;

    // Offsets are committed only after their batch fired (and its record was written): lag 0
    // means every message that will ever fire has fired. Visible through the feed's READ.
    await waitFor('lag 0', async () => {
      const res = await fetch(`${url}/api/v1/namespaces/whisk.system/actions/messaging/kafkaFeed?blocking=true&result=true`, {
        method: 'POST', headers: { authorization: `Basic ${Buffer.from(cluster.apiKey).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ lifecycleEvent: 'READ', triggerName: '/_/orders' }),
      });
      const body = (await res.json()) as { lag?: number; status: { active: boolean } };
      return body.status.active && body.lag === 0 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    const all = messagesOf(await batches());
    // The kill was mid-stream: the producer was not done and not everything had fired.
    expect(producedAtKill).toBeLessThan(TOTAL);
    expect(firedBeforeKill).toBeLessThan(TOTAL);
    // Exactly once: no message in two batches, none missing, none foreign.
    const seen = all.map((m) => m.value.i).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    // Batches are bounded by the configured size.
    const records = await batches();
    for (const r of records) expect((r.response.result.messages as unknown[]).length).toBeLessThanOrEqual(40);

    // The rule's action ran on the invoker for every batch.
    const caused = records.map((r) => (JSON.parse(r.logs[0]!) as { activationId: string }).activationId);
    await waitFor('every batch\'s action record', async () => {
      const got = await Promise.all(caused.map((id) => cluster.stores.activations.get(id)));
      return got.every((g) => g?.response.success) ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
  }, 120_000);
});
