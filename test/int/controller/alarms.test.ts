// Alarms on BullMQ over real Redis: two controllers share the schedules; an interval alarm fires on
// schedule, goes on firing after every controller (and its scheduler) was closed and new ones
// started, and no tick fires twice; a once alarm fires once; deleteAfterFire deletes the trigger;
// the official client's feeds API creates the alarms (openwhisk-notes §3.3 feeds.test.js).
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqAlarmScheduler } from '../../../controller/alarms/bullmq-alarm-scheduler.js';
import { startController, type RunningController } from '../../../controller/controller.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics as makeTopics, type Topics } from '../../../shared/bus/topics.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { testRedis, type TestRedis } from '../../harness/test-redis.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';
import { FakeInvoker } from '../../unit/controller/fake-invoker.js';
import { GUEST_AUTH, HELLO } from '../../unit/controller/controller-fixture.js';

let redis: TestRedis;
let stores: Stores;
let bus: InProcessBus;
let topics: Topics;
let invoker: FakeInvoker;
const controllers: RunningController[] = [];
let generation = 0;

async function startControllers(): Promise<void> {
  generation++;
  for (const n of [0, 1]) {
    const alarms = new BullmqAlarmScheduler({ redisUrl: redis.url, prefix: redis.prefix });
    controllers.push(await startController({ bus, stores, topics, alarms }, { port: 0, controllerId: `g${generation}c${n}`, namespaceLimits: { invocationsPerMinute: 1000, concurrentInvocations: 100, firesPerMinute: 1000 } }));
  }
  await waitFor('controllers see the invoker', () => controllers.every((c) => c.balancer.usableInvokers() === 1));
}

async function stopControllers(): Promise<void> {
  for (const c of controllers.splice(0)) await c.close();
}

beforeAll(async () => {
  redis = await testRedis('alarms');
  stores = await createRedisStores({ url: redis.url, prefix: redis.prefix });
  bus = new InProcessBus();
  topics = makeTopics(uniquePrefix('alarms'));
  invoker = new FakeInvoker({ id: 'invoker0', bus, stores, topics });
  await invoker.start();
  await startControllers();
  await api('PUT', 'actions/echo', HELLO);
});

afterAll(async () => {
  await stopControllers();
  await invoker?.stop();
  await bus?.close();
  await stores?.close();
  await redis?.cleanup();
});

async function api(method: string, path: string, body?: unknown, c = 0): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${controllers[c]!.url}/api/v1/namespaces/_/${path}`, {
    method, headers: { authorization: `Basic ${Buffer.from(GUEST_AUTH).toString('base64')}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Trigger activations only: the feed actions' own records are named like the feed (e.g. 'once'). */
async function fires(trigger: string): Promise<ActivationRecord[]> {
  const records = await stores.activations.list('guest', { name: trigger, limit: 200, skip: 0 });
  return records.filter((r) => r.annotations.some((a) => a.key === 'kind' && a.value === 'trigger'));
}

const tickOf = (r: ActivationRecord): string => String(r.annotations.find((a) => a.key === 'tick')?.value);

function client(c = 0): ReturnType<typeof openwhisk> {
  return openwhisk({ apihost: controllers[c]!.url, api_key: GUEST_AUTH, namespace: 'guest' });
}

describe('alarms on BullMQ', () => {
  it('an interval alarm fires on schedule, keeps firing after every controller restarted, and no tick fires twice', async () => {
    const ow = client();
    await ow.triggers.create({ name: 'every-2s', trigger: { parameters: [{ key: 'from', value: 'trigger' }] } } as never);
    await ow.rules.create({ name: 'every-2s-rule', action: 'echo', trigger: 'every-2s' });
    const created = await (ow.feeds as unknown as { create(o: object): Promise<{ response: { success: boolean } }> })
      .create({ name: '/whisk.system/alarms/interval', trigger: 'every-2s', params: { minutes: 2 / 60, trigger_payload: { tick: true } } });
    expect(created.response.success).toBe(true);
    await waitFor('3 fires', async () => (await fires('every-2s')).length >= 3, { timeoutMs: 20_000, intervalMs: 200 });

    // Every process that holds the schedule goes away; the schedule stays in Redis.
    await stopControllers();
    const before = (await fires('every-2s')).length;
    await startControllers();
    await waitFor('3 more fires after the restart', async () => (await fires('every-2s')).length >= before + 3, { timeoutMs: 20_000, intervalMs: 200 });

    const records = await fires('every-2s');
    const ticks = records.map(tickOf);
    expect(new Set(ticks).size).toBe(ticks.length);
    // One rule activation per tick, with the trigger's parameters under the payload's.
    for (const r of records) {
      const caused = (r.logs.map((l) => JSON.parse(l)) as Array<{ activationId: string }>).map((l) => l.activationId);
      expect(caused).toHaveLength(1);
      const action = await waitFor('the rule activation', () => stores.activations.get(caused[0]!));
      expect(action.cause).toBe(r.activationId);
      expect(action.response.result).toEqual({ from: 'trigger', tick: true });
    }
    const ran = (await stores.activations.list('guest', { name: 'echo', limit: 200, skip: 0 })).filter((a) => records.some((r) => r.activationId === a.cause));
    expect(ran).toHaveLength(records.length);
    // A client of a controller of the new generation deletes the feed: no tick after that.
    await (client(1).feeds as unknown as { delete(o: object): Promise<unknown> }).delete({ name: '/whisk.system/alarms/interval', trigger: 'every-2s' });
    expect(await stores.feeds.get('guest', 'every-2s')).toBeUndefined();
  });

  it('a cron alarm with seconds fires; a once alarm fires once and disables itself; deleteAfterFire deletes the trigger', async () => {
    for (const t of ['cron', 'once', 'once-delete']) {
      expect((await api('PUT', `triggers/${t}`, {})).status).toBe(200);
      expect((await api('PUT', `rules/${t}-rule`, { trigger: `/_/${t}`, action: '/_/echo' })).status).toBe(200);
    }
    const feed = (name: string, trigger: string, params: Record<string, unknown>) =>
      api('POST', `../whisk.system/actions/alarms/${name}?blocking=true`, { lifecycleEvent: 'CREATE', triggerName: `/_/${trigger}`, ...params }, 1);
    expect((await feed('alarm', 'cron', { cron: '*/2 * * * * *', timezone: 'Europe/Berlin' })).status).toBe(200);
    expect((await feed('once', 'once', { date: Date.now() + 1_500 })).status).toBe(200);
    expect((await feed('once', 'once-delete', { date: new Date(Date.now() + 1_500).toISOString(), deleteAfterFire: true })).status).toBe(200);

    await waitFor('the once alarm to fire and disable itself', async () => (await stores.feeds.get('guest', 'once'))?.reason?.includes('firing once'), { timeoutMs: 20_000, intervalMs: 200 });
    await waitFor('the deleteAfterFire trigger to be gone', async () => (await stores.triggers.get('guest', 'once-delete')) === undefined, { timeoutMs: 20_000, intervalMs: 200 });
    // The cron alarm is the clock: two more of its ticks later, the once alarm still fired once.
    const cronNow = (await fires('cron')).length;
    await waitFor('two more cron fires', async () => (await fires('cron')).length >= cronNow + 2, { timeoutMs: 20_000, intervalMs: 200 });
    expect(await fires('once')).toHaveLength(1);
    expect(await fires('once-delete')).toHaveLength(1);
    const read = await api('POST', '../whisk.system/actions/alarms/once?blocking=true&result=true', { lifecycleEvent: 'READ', triggerName: '/guest/once' });
    expect(read.body).toMatchObject({ status: { active: false, reason: { message: 'Automatically disabled after firing once' } } });
    expect((await api('DELETE', 'triggers/cron')).status).toBe(200);
    expect(await stores.feeds.get('guest', 'cron')).toBeUndefined();
  });

  it('the official client\'s feeds.test.js sequence: create, get, update, delete an alarm feed', async () => {
    const ow = client();
    type Feeds = Record<'create' | 'get' | 'update' | 'delete', (o: object) => Promise<{ response: { success: boolean; result: Record<string, unknown> } }>>;
    const feeds = ow.feeds as unknown as Feeds;
    await ow.triggers.create({ name: 'client-alarm' });
    const name = '/whisk.system/alarms/alarm';
    expect((await feeds.create({ name, trigger: 'client-alarm', params: { cron: '*/8 * * * * *', trigger_payload: { a: 1 } } })).response.success).toBe(true);
    const got = await feeds.get({ name, trigger: 'client-alarm' });
    expect(got.response.success).toBe(true);
    expect(got.response.result).toMatchObject({ config: { cron: '*/8 * * * * *', payload: { a: 1 } }, status: { active: true } });
    expect((await feeds.update({ name, trigger: 'client-alarm', params: { cron: '*/9 * * * * *' } })).response.success).toBe(true);
    expect((await feeds.get({ name, trigger: 'client-alarm' })).response.result).toMatchObject({ config: { cron: '*/9 * * * * *', payload: { a: 1 } } });
    expect((await feeds.delete({ name, trigger: 'client-alarm' })).response.success).toBe(true);
    await ow.triggers.delete({ name: 'client-alarm' });
  });

  it('a disabled rule does not fire on an alarm', async () => {
    await api('PUT', 'triggers/quiet', {});
    await api('PUT', 'rules/quiet-rule', { trigger: '/_/quiet', action: '/_/echo' });
    await api('POST', 'rules/quiet-rule', { status: 'inactive' });
    await api('PUT', 'triggers/clock', {});
    await api('PUT', 'rules/clock-rule', { trigger: '/_/clock', action: '/_/echo' });
    const create = (trigger: string) => api('POST', '../whisk.system/actions/alarms/alarm?blocking=true', { lifecycleEvent: 'CREATE', triggerName: `/_/${trigger}`, cron: '* * * * * *' });
    expect((await create('quiet')).status).toBe(200);
    expect((await create('clock')).status).toBe(200);
    await waitFor('three ticks of the clock', async () => (await fires('clock')).length >= 3, { timeoutMs: 20_000, intervalMs: 200 });
    // With no active rule a fire answers 204 and records nothing.
    expect(await fires('quiet')).toHaveLength(0);
    const bad = await create('quiet');
    expect(bad.status).toBe(409);
  });
});
