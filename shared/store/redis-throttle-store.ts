// ThrottleStore in Redis. Keys: {p}rate:{ns}:{minute} (counter, expiring after two minutes) and
// {p}conc:{ns} (sorted set of in-flight activation ids by expiry time).
import type { Redis } from 'ioredis';
import type { ThrottleDecision, ThrottleStore } from './throttle-store.js';
import { RedisScript } from './redis-script.js';

const COUNT = new RedisScript(`
local c = tonumber(redis.call('GET', KEYS[1]) or '0')
if c + 1 > tonumber(ARGV[1]) then return {0, c + 1} end
c = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 120000)
return {1, c}
`);

// ARGV: activationId, limit, now, expiresAt
const ACQUIRE = new RedisScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
local n = redis.call('ZCARD', KEYS[1])
if (not held) and n + 1 > tonumber(ARGV[2]) then return {0, n + 1} end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
local want = tonumber(ARGV[4]) - tonumber(ARGV[3])
if ttl < want then redis.call('PEXPIRE', KEYS[1], want) end
return {1, redis.call('ZCARD', KEYS[1])}
`);

export class RedisThrottleStore implements ThrottleStore {
  readonly #redis: Redis;
  readonly #p: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#p = prefix;
  }

  async countInvocation(namespace: string, limit: number): Promise<ThrottleDecision> {
    const minute = Math.floor(Date.now() / 60_000);
    const [ok, count] = (await COUNT.run(this.#redis, [`${this.#p}rate:${namespace}:${minute}`], [limit])) as [number, number];
    return { allowed: ok === 1, count };
  }

  async acquireConcurrent(namespace: string, activationId: string, limit: number, ttlMs: number): Promise<ThrottleDecision> {
    const now = Date.now();
    const [ok, count] = (await ACQUIRE.run(this.#redis, [this.#conc(namespace)], [activationId, limit, now, now + Math.max(1, Math.round(ttlMs))])) as [number, number];
    return { allowed: ok === 1, count };
  }

  async releaseConcurrent(namespace: string, activationId: string): Promise<boolean> {
    return (await this.#redis.zrem(this.#conc(namespace), activationId)) === 1;
  }

  async concurrent(namespace: string): Promise<number> {
    return this.#redis.zcount(this.#conc(namespace), `(${Date.now()}`, '+inf');
  }

  #conc(namespace: string): string {
    return `${this.#p}conc:${namespace}`;
  }
}
