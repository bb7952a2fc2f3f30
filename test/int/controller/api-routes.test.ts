// API gateway routes kept in Redis: a route created through one controller (with the official
// client) is listed and served by another, and deleted for both.
import openwhisk from 'openwhisk';
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
import { GUEST_AUTH } from '../../unit/controller/controller-fixture.js';

type Options = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client answers arbitrary JSON
interface RoutesView { create(o: Options): Promise<any>; list(o: Options): Promise<any>; delete(o: Options): Promise<any> }

let redis: TestRedis;
let stores: Stores;
let bus: InProcessBus;
let invoker: FakeInvoker;
const controllers: RunningController[] = [];

beforeAll(async () => {
  redis = await testRedis('routes');
  stores = await createRedisStores({ url: redis.url, prefix: redis.prefix });
  bus = new InProcessBus();
  const topics = makeTopics(uniquePrefix('routes'));
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

describe('API routes in Redis, two controllers', () => {
  it('created through one controller, listed and served by the other, deleted for both', async () => {
    const [c0, c1] = controllers as [RunningController, RunningController];
    const put = await fetch(`${c0.url}/api/v1/namespaces/_/actions/echo`, {
      method: 'PUT', headers: { authorization: `Basic ${Buffer.from(GUEST_AUTH).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main(p) { return p; }' }, annotations: [{ key: 'web-export', value: true }] }),
    });
    expect(put.status).toBe(200);
    const routes = (url: string): RoutesView => (openwhisk({ apihost: url, api_key: GUEST_AUTH }) as unknown as { routes: RoutesView }).routes;
    await routes(c0.url).create({ action: 'echo', basepath: '/shared', relpath: '/echo', operation: 'GET' });
    const listed = await routes(c1.url).list({ basepath: '/shared' });
    expect(listed.apis[0].value.apidoc.paths['/echo'].get['x-openwhisk']).toMatchObject({ namespace: 'guest', package: '', action: 'echo' });
    const served = await fetch(`${c1.url}/api/gw/guest/shared/echo?x=1`);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ x: '1', __ow_method: 'get' });
    await routes(c1.url).delete({ basepath: '/shared' });
    expect((await fetch(`${c0.url}/api/gw/guest/shared/echo`)).status).toBe(404);
  });
});
