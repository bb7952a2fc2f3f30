// The Redis adapters turn a missing connection into StoreUnavailableError (the API's 503), with the
// real ioredis errors: a client pointed at a closed port, and the stores of createRedisStores
// after their Redis has gone.
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisActionStore } from '../../../shared/store/redis-action-store.js';
import { RedisEntityStore } from '../../../shared/store/redis-entity-store.js';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import { RedisThrottleStore } from '../../../shared/store/redis-throttle-store.js';
import { translatingUnavailable } from '../../../shared/store/redis-unavailable.js';
import { StoreUnavailableError } from '../../../shared/store/store-unavailable-error.js';
import type { Trigger } from '../../../shared/model/trigger.js';
import { privateRedis, type PrivateRedis } from '../../harness/private-redis.js';

const CLOSED = 'redis://127.0.0.1:1';
const PRIVATE_PORT = 16391;

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StoreUnavailableError);
  return err as Error;
}

describe('Redis adapters over a closed port', () => {
  const clients: Redis[] = [];
  const client = (options: RedisOptions): Redis => {
    const redis = new Redis(CLOSED, { lazyConnect: true, ...options });
    redis.on('error', () => undefined); // every reconnect attempt fails: expected here
    clients.push(redis);
    return redis;
  };
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  it('refused while reconnecting with the offline queue off', async () => {
    const actions = translatingUnavailable(new RedisActionStore(client({ enableOfflineQueue: false }), 'x:'));
    const err = await rejection(actions.get('ns', 'a'));
    expect((err.cause as Error).message).toContain('enableOfflineQueue');
  });

  it('refused after maxRetriesPerRequest reconnect attempts (a Lua script call)', async () => {
    const triggers = translatingUnavailable(new RedisEntityStore<Trigger>(client({ maxRetriesPerRequest: 1, retryStrategy: () => 20 }), 'x:', 'trigger'));
    const err = await rejection(triggers.put({ namespace: 'ns', name: 't', parameters: [], annotations: [], limits: {}, publish: false }, { overwrite: false }));
    expect((err.cause as Error).name).toBe('MaxRetriesPerRequestError');
  });

  it('refused once the client has ended', async () => {
    const redis = client({});
    redis.disconnect();
    const throttles = translatingUnavailable(new RedisThrottleStore(redis, 'x:'));
    const err = await rejection(throttles.concurrent('ns'));
    expect((err.cause as Error).message).toBe('Connection is closed.');
  });
});

describe('createRedisStores when Redis goes away', () => {
  let redis: PrivateRedis | undefined;
  afterAll(async () => {
    await redis?.down().catch(() => undefined);
  });

  it('rejects store calls with StoreUnavailableError, and a Redis error that is not about the connection unchanged', async () => {
    redis = await privateRedis(PRIVATE_PORT);
    const stores = await createRedisStores({ url: redis.url, prefix: 'unavailable:' });
    try {
      await stores.actions.put({ namespace: 'ns', name: 'a', exec: { kind: 'nodejs:20', code: 'function main() {}' }, parameters: [], annotations: [], limits: { timeout: 1000, memory: 128, logs: 1, concurrency: 1 }, publish: false }, { overwrite: false });
      expect((await stores.actions.get('ns', 'a'))?.version).toBe('0.0.1');
      const raw = new Redis(redis.url);
      await raw.set('unavailable:action:ns/b', 'not a hash');
      raw.disconnect();
      const wrongType = await stores.actions.get('ns', 'b').then(() => undefined, (e: unknown) => e);
      expect(wrongType).not.toBeInstanceOf(StoreUnavailableError);
      expect((wrongType as Error).message).toContain('WRONGTYPE');

      await redis.down();
      redis = undefined;
      const err = await rejection(stores.actions.get('ns', 'a'));
      expect((err.cause as Error).name).toBe('MaxRetriesPerRequestError');
      await rejection(stores.auth.authenticate('some-uuid', 'some-key'));
    } finally {
      await stores.close();
    }
  });
});
