// What provide-api-key costs Redis: minting an activation-scoped key is one command (SET with PX),
// measured on a private Redis where nothing else runs (INFO commandstats before and after). The
// unit tests (test/unit/controller/action-api-key.test.ts) show it is minted once per activation of
// an annotated action and never otherwise; together: one extra command per keyed activation, none
// for the rest. Also: the key is stored hashed and with a TTL, so Redis drops it by itself.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { privateRedis, type PrivateRedis } from '../../harness/private-redis.js';
import { commandsSoFar as countCommands } from '../../harness/redis-command-count.js';

const PORT = 16393;
let redis: PrivateRedis;
let stores: Stores;
let probe: Redis;

const commandsSoFar = (): Promise<number> => countCommands(probe);

beforeAll(async () => {
  redis = await privateRedis(PORT);
  stores = await createRedisStores({ url: redis.url, prefix: 'cost:' });
  probe = new Redis(redis.url);
  await stores.auth.createNamespace('guest');
}, 30_000);

afterAll(async () => {
  probe?.disconnect();
  await stores?.close();
  await redis?.down();
});

describe('activation-scoped keys in Redis', () => {
  it('mint with exactly one command', async () => {
    const caller = { namespace: 'guest', subject: 's', limits: {} };
    await stores.auth.addActivationKey(caller, 60_000); // the connection is warm before counting
    const before = await commandsSoFar();
    for (let i = 0; i < 10; i++) await stores.auth.addActivationKey(caller, 60_000);
    const after = await commandsSoFar();
    console.log(`photon: minting 10 activation-scoped keys took ${after - before} Redis commands (OpenWhisk sends the caller's stored key: 0)`);
    expect(after - before).toBe(10);
  });

  it('store the key hashed, with a TTL', async () => {
    const minted = await stores.auth.addActivationKey({ namespace: 'guest', subject: 's', limits: {} }, 5_000);
    const [uuid, key] = minted.split(':') as [string, string];
    const raw = (await probe.get(`cost:key:${uuid}`))!;
    expect(raw).not.toContain(key);
    expect(JSON.parse(raw)).toMatchObject({ namespace: 'guest', subject: 's' });
    const ttl = await probe.pttl(`cost:key:${uuid}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });
});
