// Two controllers over one shared Redis (stores) and one in-process bus, with a fake invoker both
// of them see: what the int tests of state shared between controllers start from.
import { afterAll, beforeAll } from 'vitest';
import { startController, type RunningController } from '../../../controller/controller.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { testRedis, type TestRedis } from '../../harness/test-redis.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';
import { FakeInvoker } from '../../unit/controller/fake-invoker.js';

export interface TwoControllers {
  /** c0 and c1, started before the file's tests. */
  readonly controllers: RunningController[];
  readonly stores: Stores;
  readonly invoker: FakeInvoker;
}

/** Starts both controllers and the invoker before the file's tests, stops them after; read the fields inside tests. */
export function useTwoControllers(label: string): TwoControllers {
  let redis: TestRedis | undefined;
  let bus: InProcessBus | undefined;
  const state: { controllers: RunningController[]; stores?: Stores; invoker?: FakeInvoker } = { controllers: [] };
  beforeAll(async () => {
    redis = await testRedis(label);
    state.stores = await createRedisStores({ url: redis.url, prefix: redis.prefix });
    bus = new InProcessBus();
    const topics = makeTopics(uniquePrefix(label));
    for (const id of ['c0', 'c1']) state.controllers.push(await startController({ bus, stores: state.stores, topics }, { port: 0, controllerId: id }));
    state.invoker = new FakeInvoker({ id: 'invoker0', bus, stores: state.stores, topics });
    await state.invoker.start();
    await waitFor('both controllers see the invoker', () => state.controllers.every((c) => c.balancer.usableInvokers() === 1));
  });
  afterAll(async () => {
    await state.invoker?.stop();
    for (const c of state.controllers) await c.close();
    await bus?.close();
    await state.stores?.close();
    await redis?.cleanup();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} starts in beforeAll: use it inside tests`);
    return v;
  };
  return {
    controllers: state.controllers,
    get stores() { return need(state.stores, 'the stores'); },
    get invoker() { return need(state.invoker, 'the invoker'); },
  };
}
