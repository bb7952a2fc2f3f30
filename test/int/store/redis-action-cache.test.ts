// The controllers' action cache against real Redis: two caches over one prefix stand for two
// controllers; a write through either is seen by the other once its publication arrives, and a
// cache whose subscription dropped never serves what it held before.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisActionCache } from '../../../shared/store/redis-action-cache.js';
import { RedisActionStore } from '../../../shared/store/redis-action-store.js';
import { testRedis, type TestRedis } from '../../harness/test-redis.js';
import { waitFor } from '../../harness/wait-for.js';
import { actionInput } from '../../unit/store/store-conformance.js';

let t: TestRedis;
let other: Redis;
let a: RedisActionCache;
let b: RedisActionCache;

beforeEach(async () => {
  t = await testRedis('action-cache');
  other = new Redis(t.url, { lazyConnect: true });
  await other.connect();
  a = await RedisActionCache.start(new RedisActionStore(t.redis, t.prefix), t.url, t.prefix);
  b = await RedisActionCache.start(new RedisActionStore(other, t.prefix), t.url, t.prefix);
});

afterEach(async () => {
  a?.close();
  b?.close();
  other?.disconnect();
  await t?.cleanup();
});

describe('RedisActionCache', () => {
  it('answers repeated reads from memory, frozen, and its own writes at once', async () => {
    const created = await a.put(actionInput('ns', 'hello'), { overwrite: false });
    // The put's own publication comes back to this cache too (and drops the key once more):
    // read until a read is answered from memory.
    await waitFor('a read answered from memory', async () => {
      const hits = a.counters.hits;
      await a.get('ns', 'hello');
      return a.counters.hits > hits;
    }, { timeoutMs: 5_000 });
    const misses = a.counters.misses;
    const first = await a.get('ns', 'hello');
    const second = await a.get('ns', 'hello');
    expect(second).toBe(first);
    expect(Object.isFrozen(second!.exec)).toBe(true);
    expect(a.counters.misses).toBe(misses);
    expect(first!.revision).toBe(created.action.revision);
    const updated = await a.put(actionInput('ns', 'hello', 'function main() { return {v: 2}; }'), { overwrite: true });
    expect((await a.get('ns', 'hello'))!.revision).toBe(updated.action.revision);
    await a.delete('ns', 'hello');
    expect(await a.get('ns', 'hello')).toBeUndefined();
  });

  it('drops what another writer changed when its publication arrives', async () => {
    await a.put(actionInput('ns', 'hello'), { overwrite: false });
    const before = (await a.get('ns', 'hello'))!.revision;
    expect((await a.get('ns', 'hello'))!.revision).toBe(before);
    const updated = await b.put(actionInput('ns', 'hello', 'function main() { return {v: 2}; }'), { overwrite: true });
    await waitFor('the update to reach the other cache', async () => (await a.get('ns', 'hello'))!.revision === updated.action.revision, { timeoutMs: 5_000 });
    await b.delete('ns', 'hello');
    await waitFor('the delete to reach the other cache', async () => (await a.get('ns', 'hello')) === undefined, { timeoutMs: 5_000 });
    // A miss is not kept: the create after the delete is seen by the next read.
    await b.put(actionInput('ns', 'hello'), { overwrite: false });
    expect(await a.get('ns', 'hello')).toBeDefined();
  });

  it('forgets everything when its subscription drops: a change made meanwhile is never missed', async () => {
    await a.put(actionInput('ns', 'hello'), { overwrite: false });
    const before = (await a.get('ns', 'hello'))!.revision;
    // Kill only this cache's subscriber connection (its name carries the test's prefix) and write
    // while it is down: that publication is lost to it.
    const list = await other.client('LIST') as string;
    const id = /id=(\d+) [^\n]*name=(\S+)/g;
    const ids = [...list.matchAll(id)].filter((m) => m[2] === `${t.prefix}action-cache`).map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    for (const i of ids) await other.client('KILL', 'ID', i);
    const updated = await b.put(actionInput('ns', 'hello', 'function main() { return {v: 2}; }'), { overwrite: true });
    expect(updated.action.revision).not.toBe(before);
    await waitFor('the cache to read the update', async () => (await a.get('ns', 'hello'))!.revision === updated.action.revision, { timeoutMs: 5_000 });
    // …and caches again once it has subscribed again.
    await waitFor('the cache to answer from memory again', async () => {
      const hits = a.counters.hits;
      await a.get('ns', 'hello');
      return a.counters.hits > hits;
    }, { timeoutMs: 10_000 });
  });
});
