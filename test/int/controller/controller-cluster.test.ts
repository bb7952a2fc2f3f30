// The controller in cluster shape: Redis stores and the Kafka bus (real services), a fake invoker
// above the bus, and the official openwhisk client in front. Topics, groups and keys are unique
// to this file and deleted afterwards.
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '../../../shared/bus/kafka-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import { testKafka, type TestKafka } from '../../harness/test-kafka.js';
import { testRedis, type TestRedis } from '../../harness/test-redis.js';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, HELLO, startFixture, type Fixture } from '../../unit/controller/controller-fixture.js';

let kafka: TestKafka;
let redis: TestRedis;
let f: Fixture;

beforeAll(async () => {
  kafka = await testKafka('ctl');
  redis = await testRedis('ctl');
  const bus = new KafkaBus({ brokers: kafka.brokers, clientId: `${kafka.prefix}controller` });
  const stores = await createRedisStores({ url: redis.url, prefix: redis.prefix });
  f = await startFixture({
    controllerId: `${kafka.prefix}controller0`,
    completionGraceMs: 1_500,
    sweepIntervalMs: 100,
    backend: { bus, stores, topics: makeTopics(kafka.prefix), readyTimeoutMs: 45_000 },
  });
});

afterAll(async () => {
  await f?.close();
  await kafka?.cleanup();
  await redis?.cleanup();
});

describe('controller over Kafka and Redis', () => {
  it('creates, invokes blocking and non-blocking, and reads activations through the openwhisk client', async () => {
    const ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
    await ow.actions.create({ name: 'echo', action: HELLO.exec.code, params: { from: 'default' } });
    const a = await ow.actions.invoke({ name: 'echo', blocking: true, params: { n: 1 } });
    expect(a.response!.result).toEqual({ from: 'default', n: 1 });
    const { activationId } = await ow.actions.invoke({ name: 'echo', params: { n: 2 } });
    const rec = await waitFor('the non-blocking record', async () => ow.activations.get({ name: activationId }).catch(() => undefined), { timeoutMs: 20_000 });
    expect(rec.response!.result).toEqual({ from: 'default', n: 2 });
    const list = await ow.activations.list({ name: 'echo' } as never);
    expect(list.map((x) => x.activationId)).toEqual(expect.arrayContaining([a.activationId, activationId]));
    expect((await ow.actions.update({ name: 'echo', action: HELLO.exec.code })).version).toBe('0.0.2');
  });

  it('keeps namespaces apart and records a lost activation as a whisk internal error in Redis', async () => {
    await f.stores.auth.createNamespace('other');
    const k = await f.stores.auth.addKey('other');
    await f.api('PUT', '/api/v1/namespaces/_/actions/lossy', { body: { ...HELLO, limits: { timeout: 100 } } });
    const r = await f.api('POST', '/api/v1/namespaces/_/actions/lossy?blocking=true', { body: { drop: true } });
    expect(r.status).toBe(500);
    expect(r.body.response.status).toBe('whisk internal error');
    expect((await f.stores.activations.get(r.body.activationId))?.response.status).toBe('whisk internal error');
    expect((await f.api('GET', `/api/v1/namespaces/_/activations/${r.body.activationId}`, { auth: `${k.uuid}:${k.key}` })).status).toBe(404);
    expect((await f.api('GET', '/api/v1/namespaces/guest/actions/lossy', { auth: `${k.uuid}:${k.key}` })).status).toBe(403);
  });
});
