// What a warm activation's store calls cost Redis, counted on a private Redis where nothing else
// runs (INFO commandstats counts commands sent and commands run inside Lua scripts alike): the
// housekeeping (trimming sorted sets, extending expiries) is off the per-activation path, and yet
// every key the path writes still expires by itself, so nothing leaks.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { DEFAULT_LIMITS } from '../../../shared/model/action.js';
import { privateRedis, type PrivateRedis } from '../../harness/private-redis.js';
import { commandsSoFar as countCommands } from '../../harness/redis-command-count.js';

const PORT = 16397;
const RETENTION_MS = 60_000;
let redis: PrivateRedis;
let stores: Stores;
let probe: Redis;

const commandsSoFar = (): Promise<number> => countCommands(probe);

async function cost(call: () => Promise<unknown>): Promise<number> {
  const before = await commandsSoFar();
  await call();
  return (await commandsSoFar()) - before;
}

const record = (id: string): ActivationRecord => ({
  activationId: id, namespace: 'guest', name: 'hello', subject: 'guest', version: '0.0.1', publish: false,
  start: Date.now(), end: Date.now() + 1, duration: 1,
  response: { status: 'success', statusCode: 0, success: true, result: {} }, logs: [], annotations: [],
});

beforeAll(async () => {
  redis = await privateRedis(PORT);
  stores = await createRedisStores({ url: redis.url, prefix: 'cost:', activationRetentionMs: RETENTION_MS, cacheActions: true });
  probe = new Redis(redis.url);
  await stores.warm.replace('inv0', { 'guest|guest/hello': { revision: 'r', warm: 1, idle: 1, busy: 0 } }, 10_000);
  // The first put of a process housekeeps the indexes, and a script's first run loads it
  // (NOSCRIPT, then EVAL): the path measured below is the steady one.
  await stores.activations.putIfAbsent(record('first'));
  await stores.throttles.countInvocation('guest', 1_000);
  // The namespace's in-flight set is created (with its sentinel and expiry) by its first acquire.
  await stores.throttles.acquireConcurrent('guest', 'w', 1_000, 60_000);
  await stores.throttles.releaseConcurrent('guest', 'w');
  await stores.warm.forAction('guest|guest/hello');
  await stores.actions.put({
    namespace: 'guest', name: 'hello', exec: { kind: 'nodejs:20', code: 'function main() { return {}; }' },
    parameters: [], annotations: [], limits: { ...DEFAULT_LIMITS }, publish: false,
  }, { overwrite: true });
  // The put's own publication comes back and drops the cached action once: read until it stays.
  for (let i = 0; i < 100 && (await cost(() => stores.actions.get('guest', 'hello'))) > 0; i++) await new Promise((r) => setTimeout(r, 10));
}, 30_000);

afterAll(async () => {
  probe?.disconnect();
  await stores?.close();
  await redis?.down();
});

describe('a warm activation in Redis', () => {
  it('costs 7 commands executed (27 before issue 18, then 16): 1 to count it, 2 to hold a slot, 3 to store the record, 1 to release', async () => {
    // Controller: the action comes from its cache (dropped by every write's publication)…
    expect(await cost(() => stores.actions.get('guest', 'hello'))).toBe(0);
    expect(await cost(() => stores.throttles.countInvocation('guest', 1_000))).toBe(1);
    expect(await cost(() => stores.throttles.acquireConcurrent('guest', 'a1', 1_000, 60_000))).toBe(2);
    // Invoker: the record and its two index entries, written together; a message that may be a
    // redelivery (not BusMessage.firstDelivery) costs one read before it.
    expect(await cost(() => stores.activations.get('a1'))).toBe(1);
    expect(await cost(() => stores.activations.putIfAbsent(record('a1')))).toBe(3);
    expect(await cost(() => stores.throttles.releaseConcurrent('guest', 'a1'))).toBe(1);
    // …and the warm registry costs 3 per read, which placement makes at most once per action per
    // warmCacheMs (controller/warm-read-cache.ts), not per activation.
    expect(await cost(() => stores.warm.forAction('guest|guest/hello'))).toBe(3);
  });

  it('keeps the in-flight set (and its expiry) when its last slot is released: the next acquire is 2 commands again', async () => {
    expect((await stores.throttles.acquireConcurrent('empty', 'x1', 10, 60_000)).allowed).toBe(true);
    expect(await stores.throttles.releaseConcurrent('empty', 'x1')).toBe(true);
    expect(await probe.pttl('cost:conc:empty')).toBeGreaterThan(50_000);
    expect(await stores.throttles.concurrent('empty')).toBe(0);
    expect(await cost(() => stores.throttles.acquireConcurrent('empty', 'x2', 10, 60_000))).toBe(2);
    expect(await stores.throttles.concurrent('empty')).toBe(1);
  });

  it('leaves no key without an expiry: indexes, the rate counter and the in-flight set all expire by themselves', async () => {
    await stores.throttles.acquireConcurrent('guest', 'held', 1_000, 60_000);
    for (const key of ['cost:activations:guest', 'cost:activations:guest/hello', 'cost:conc:guest', `cost:rate:guest:${Math.floor(Date.now() / 60_000)}`]) {
      const ttl = await probe.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
    }
    // An index outlives the records it holds: retention plus the hour until its next housekeeping.
    expect(await probe.pttl('cost:activations:guest/hello')).toBeGreaterThan(RETENTION_MS);
    expect(await probe.pttl('cost:activations:guest/hello')).toBeLessThanOrEqual(RETENTION_MS + 3600_000);
  });

  it('never shortens the in-flight set\'s expiry when a caller asks for a shorter one', async () => {
    await stores.throttles.acquireConcurrent('short', 'long', 10, 60_000);
    await stores.throttles.acquireConcurrent('short', 'brief', 10, 1_000);
    expect(await probe.pttl('cost:conc:short')).toBeGreaterThan(50_000);
  });
});
