// Proves the harness against the real Redis: values, hashes and expiry go through ioredis and
// come back; cleanup leaves nothing under the test's prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../harness/test-redis.js';

describe('redis harness', () => {
  let r: TestRedis;
  beforeAll(async () => {
    r = await testRedis('harness-redis');
  });
  afterAll(async () => {
    await r?.cleanup();
  });

  it('round-trips strings, hashes and TTLs', async () => {
    const key = `${r.prefix}greeting`;
    await r.redis.set(key, 'hello', 'PX', 60_000);
    expect(await r.redis.get(key)).toBe('hello');
    const ttl = await r.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    await r.redis.hset(`${r.prefix}h`, { warm: '2', idle: '1' });
    expect(await r.redis.hgetall(`${r.prefix}h`)).toEqual({ warm: '2', idle: '1' });
  });

  it('cleanup removes only the prefix', async () => {
    const other = await testRedis('harness-redis-other');
    await other.redis.set(`${other.prefix}x`, '1');
    await other.cleanup();
    const probe = await testRedis('harness-redis-probe');
    expect(await probe.redis.exists(`${other.prefix}x`)).toBe(0);
    await probe.cleanup();
  });
});
