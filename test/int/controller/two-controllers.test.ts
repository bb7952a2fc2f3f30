// Two controllers sharing Redis stores and one bus: entities, throttles and completions routed to
// the controller that scheduled each activation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from '../../../controller/controller.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
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
let invoker: FakeInvoker;
const controllers: RunningController[] = [];

beforeAll(async () => {
  redis = await testRedis('two');
  stores = await createRedisStores({ url: redis.url, prefix: redis.prefix });
  bus = new InProcessBus();
  const topics = makeTopics(uniquePrefix('two'));
  for (const id of ['c0', 'c1']) controllers.push(await startController({ bus, stores, topics }, { port: 0, controllerId: id }));
  invoker = new FakeInvoker({ id: 'invoker0', bus, stores, topics });
  await invoker.start();
  await waitFor('both controllers see the invoker', () => controllers.every((c) => c.balancer.usableInvokers() === 1));
});

afterAll(async () => {
  await invoker?.stop();
  for (const c of controllers) await c.close();
  await bus?.close();
  await stores?.close();
  await redis?.cleanup();
});

async function call(c: RunningController, method: string, path: string, auth = GUEST_AUTH, body?: unknown) {
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: string; activationId?: string } };
}

describe('two controllers over shared Redis stores', () => {
  it('see each other\'s actions and each get their own completions', async () => {
    const [c0, c1] = controllers as [RunningController, RunningController];
    expect((await call(c0, 'PUT', '/api/v1/namespaces/_/actions/shared', GUEST_AUTH, HELLO)).status).toBe(200);
    expect((await call(c1, 'PUT', '/api/v1/namespaces/_/actions/shared', GUEST_AUTH, HELLO)).status).toBe(409);
    const [r0, r1] = await Promise.all([
      call(c0, 'POST', '/api/v1/namespaces/_/actions/shared?blocking=true&result=true', GUEST_AUTH, { via: 'c0' }),
      call(c1, 'POST', '/api/v1/namespaces/_/actions/shared?blocking=true&result=true', GUEST_AUTH, { via: 'c1' }),
    ]);
    expect(r0).toEqual({ status: 200, body: { via: 'c0' } });
    expect(r1).toEqual({ status: 200, body: { via: 'c1' } });
    expect(invoker.received.map((m) => m.message.controller).sort()).toEqual(['c0', 'c1']);
  });

  it('enforce one namespace\'s concurrent limit together', async () => {
    const [c0, c1] = controllers as [RunningController, RunningController];
    await stores.auth.createNamespace('narrow', { concurrentInvocations: 1 });
    const k = await stores.auth.addKey('narrow');
    const auth = `${k.uuid}:${k.key}`;
    await call(c0, 'PUT', '/api/v1/namespaces/_/actions/slow', auth, HELLO);
    const first = call(c0, 'POST', '/api/v1/namespaces/_/actions/slow?blocking=true', auth, { sleepMs: 400 });
    await waitFor('the first in flight', async () => (await stores.throttles.concurrent('narrow')) === 1);
    const second = await call(c1, 'POST', '/api/v1/namespaces/_/actions/slow?blocking=true', auth);
    expect(second.status).toBe(429);
    expect(second.body.error).toBe('Too many concurrent requests in flight (count: 2, allowed: 1).');
    expect((await first).status).toBe(200);
    await waitFor('the slot released', async () => (await stores.throttles.concurrent('narrow')) === 0);
    expect((await call(c1, 'POST', '/api/v1/namespaces/_/actions/slow?blocking=true', auth)).status).toBe(200);
  });
});
