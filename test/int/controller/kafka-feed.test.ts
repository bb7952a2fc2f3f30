// The Kafka topic feed on real Kafka (the controller itself in-process): a paused or deleted feed, or
// a deleted trigger, stops consuming (its lag grows, nothing fires); unpausing resumes from where
// it stopped; binary decoding; an unknown topic is a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from '../../../controller/controller.js';
import { FEED_ANNOTATION, OFFSETS_ANNOTATION, feedId } from '../../../controller/triggers/kafka-feed-manager.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { KafkaBus } from '../../../shared/bus/kafka-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { testKafka, type TestKafka } from '../../harness/test-kafka.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';
import { FakeInvoker } from '../../unit/controller/fake-invoker.js';
import { GUEST_AUTH, HELLO } from '../../unit/controller/controller-fixture.js';

let kafka: TestKafka;
let stores: Stores;
let bus: InProcessBus;
let invoker: FakeInvoker;
let controller: RunningController;
let topicPrefix: string;

beforeAll(async () => {
  kafka = await testKafka('feedint');
  stores = createMemoryStores();
  bus = new InProcessBus();
  topicPrefix = uniquePrefix('feedint');
  const topics = makeTopics(topicPrefix);
  invoker = new FakeInvoker({ id: 'invoker0', bus, stores, topics });
  await invoker.start();
  controller = await startController({ bus, stores, topics, feedBus: (brokers) => new KafkaBus({ brokers, clientId: 'feedint' }) },
    { port: 0, controllerId: 'c0', feedBatchMaxWaitMs: 100, feedReconcileMs: 100 });
  await waitFor('the invoker', () => controller.balancer.usableInvokers() === 1);
  await api('PUT', 'actions/echo', HELLO);
});

afterAll(async () => {
  await controller?.close();
  await invoker?.stop();
  await bus?.close();
  await kafka?.cleanup();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${controller.url}/api/v1/namespaces/${path.startsWith('/') ? path.slice(1) : `_/${path}`}`, {
    method, headers: { authorization: `Basic ${Buffer.from(GUEST_AUTH).toString('base64')}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const feed = (lifecycleEvent: string, trigger: string, params: Record<string, unknown> = {}) =>
  api('POST', '/whisk.system/actions/messaging/kafkaFeed?blocking=true&result=true', { lifecycleEvent, triggerName: `/guest/${trigger}`, brokers: kafka.brokers.join(','), ...params });

async function fired(trigger: string): Promise<Array<{ offset: number; key: string | null; value: unknown }>> {
  const records: ActivationRecord[] = await stores.activations.list('guest', { name: trigger, limit: 200, skip: 0 });
  return records.filter((r) => r.annotations.some((a) => a.key === 'kind' && a.value === 'trigger'))
    .flatMap((r) => r.response.result.messages as Array<{ offset: number; key: string | null; value: unknown }>)
    .sort((a, b) => a.offset - b.offset);
}

async function produce(topic: string, values: Array<string | Buffer>): Promise<void> {
  const p = kafka.kafka.producer();
  await p.connect();
  await p.send({ topic, messages: values.map((value) => ({ key: 'key', value })) });
  await p.disconnect();
}

describe('Kafka feed on real Kafka', () => {
  it('unknown topic: 400 and the topic is not created', async () => {
    await api('PUT', 'triggers/t-unknown', {});
    const res = await feed('CREATE', 't-unknown', { topic: `${kafka.prefix}absent` });
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toContain('does not exist');
    expect((await kafka.admin.listTopics()).includes(`${kafka.prefix}absent`)).toBe(false);
  });

  it('messages a previous consumer fired but did not commit (killed in between) are not fired again', async () => {
    const topic = await kafka.topic('refire');
    await api('PUT', 'triggers/t-refire', {});
    await api('PUT', 'rules/r-refire', { trigger: '/_/t-refire', action: '/_/echo' });
    // Paused at creation, so the positions can be set before anything is consumed.
    expect((await feed('CREATE', 't-refire', { topic })).status).toBe(200);
    expect((await feed('PAUSE', 't-refire')).status).toBe(200);
    await produce(topic, ['0', '1', '2', '3', '4']);
    // What a consumer killed after firing offsets 0..2, before committing them, leaves behind.
    const b = (await stores.feeds.get('guest', 't-refire'))!;
    await stores.feeds.markFired(feedId(b), 0, 2);
    expect((await feed('UNPAUSE', 't-refire')).status).toBe(200);
    await waitFor('lag 0', async () => (await feed('READ', 't-refire')).body.lag === 0, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await fired('t-refire')).map((m) => m.value)).toEqual(['3', '4']);
  });

  it('a batch whose trigger record was written just before a crash (no position marked) is not fired again', async () => {
    const topic = await kafka.topic('unmarked');
    await api('PUT', 'triggers/t-unmarked', {});
    await api('PUT', 'rules/r-unmarked', { trigger: '/_/t-unmarked', action: '/_/echo' });
    expect((await feed('CREATE', 't-unmarked', { topic })).status).toBe(200);
    expect((await feed('PAUSE', 't-unmarked')).status).toBe(200);
    await produce(topic, ['0', '1', '2', '3']);
    const b = (await stores.feeds.get('guest', 't-unmarked'))!;
    // The record of a fire of offsets 0..1 (its messages left out here), and no mark after it.
    await stores.activations.putIfAbsent({
      namespace: 'guest', name: 't-unmarked', version: '0.0.1', subject: 's', activationId: 'f'.repeat(32), start: Date.now(), end: Date.now(), duration: 0,
      response: { status: 'success', statusCode: 0, success: true, result: { messages: [] } }, logs: [],
      annotations: [{ key: 'kind', value: 'trigger' }, { key: FEED_ANNOTATION, value: feedId(b) }, { key: OFFSETS_ANNOTATION, value: { 0: 1 } }], publish: false,
    });
    expect((await feed('UNPAUSE', 't-unmarked')).status).toBe(200);
    await waitFor('lag 0', async () => (await feed('READ', 't-unmarked')).body.lag === 0, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await fired('t-unmarked')).map((m) => m.value)).toEqual(['2', '3']);
  });

  it('pause stops consuming (lag grows, nothing fires), unpause resumes; binary values are base64', async () => {
    const topic = await kafka.topic('pause');
    await api('PUT', 'triggers/t-pause', {});
    await api('PUT', 'rules/r-pause', { trigger: '/_/t-pause', action: '/_/echo' });
    expect((await feed('CREATE', 't-pause', { topic, isBinaryValue: true })).status).toBe(200);
    await produce(topic, [Buffer.from([0xff, 0x00]), 'two']);
    await waitFor('two messages fired', async () => (await fired('t-pause')).length >= 2, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await fired('t-pause')).map((m) => m.value)).toEqual([Buffer.from([0xff, 0x00]).toString('base64'), Buffer.from('two').toString('base64')]);

    expect((await feed('PAUSE', 't-pause')).body).toMatchObject({ status: 'paused' });
    await produce(topic, ['three', 'four', 'five']);
    await waitFor('lag 3 while paused', async () => (await feed('READ', 't-pause')).body.lag === 3, { timeoutMs: 30_000, intervalMs: 200 });
    expect(await fired('t-pause')).toHaveLength(2);

    expect((await feed('UNPAUSE', 't-pause')).body).toMatchObject({ status: 'active' });
    await waitFor('all five fired', async () => (await fired('t-pause')).length >= 5, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await fired('t-pause')).map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
    await waitFor('lag 0', async () => (await feed('READ', 't-pause')).body.lag === 0, { timeoutMs: 30_000, intervalMs: 200 });
  });

  it('deleting the trigger deletes its feed and stops consuming; a disabled rule fires nothing (204, no batch recorded)', async () => {
    const topic = await kafka.topic('delete');
    await api('PUT', 'triggers/t-del', {});
    await api('PUT', 'rules/r-del', { trigger: '/_/t-del', action: '/_/echo' });
    expect((await feed('CREATE', 't-del', { topic, isJSONData: true })).status).toBe(200);
    await produce(topic, ['{"n":1}']);
    await waitFor('one message fired', async () => (await fired('t-del')).length >= 1, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await fired('t-del'))[0]!.value).toEqual({ n: 1 });

    await api('POST', 'rules/r-del', { status: 'inactive' });
    await produce(topic, ['{"n":2}']);
    // The message is consumed and committed (OpenWhisk commits on a 204) but fires nothing.
    await waitFor('lag 0 with the rule disabled', async () => (await feed('READ', 't-del')).body.lag === 0, { timeoutMs: 30_000, intervalMs: 200 });
    expect(await fired('t-del')).toHaveLength(1);

    const old = (await stores.feeds.get('guest', 't-del'))!;
    expect((await api('DELETE', 'triggers/t-del')).status).toBe(200);
    expect((await feed('READ', 't-del')).status).toBe(404);
    // Nobody consumes the old feed's group any more: a message written now stays unconsumed there.
    await produce(topic, ['{"n":2.5}']);

    expect(await stores.feeds.list()).not.toContainEqual(expect.objectContaining({ trigger: 't-del' }));
    // Re-created trigger and feed: a fresh group that starts after the feed's creation.
    await api('PUT', 'triggers/t-del', {});
    await api('POST', 'rules/r-del', { status: 'active' });
    expect((await feed('CREATE', 't-del', { topic, isJSONData: true })).status).toBe(200);
    await produce(topic, ['{"n":3}']);
    // 2.5 was written before the new feed existed: not part of it.
    await waitFor('the new message fired', async () => (await fired('t-del')).some((m) => (m.value as { n: number }).n === 3), { timeoutMs: 30_000, intervalMs: 100 });
    expect((await fired('t-del')).map((m) => (m.value as { n: number }).n)).toEqual([1, 3]);
    // By now a consumer still running on the old feed's group would have taken 2.5 and 3: it lags by both.
    const admin = new KafkaBus({ brokers: kafka.brokers, clientId: 'feedint-lag' });
    expect(await admin.lag(topic, `${topicPrefix}photon.feed.guest/t-del@${old.created}`)).toBe(2);
    await admin.close();
  });
});
