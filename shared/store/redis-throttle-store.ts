// ThrottleStore in Redis. Keys: {p}rate:{ns}:{minute} (counter, expiring after two minutes) and
// {p}conc:{ns} (sorted set of in-flight activation ids by expiry time).
import type { Redis } from 'ioredis';
import type { ThrottleDecision, ThrottleStore } from './throttle-store.js';
import { RedisScript } from './redis-script.js';

// Both scripts keep the common case to the fewest commands (an admission runs each once): the
// counter expires when the minute's first invocation creates it, and refused invocations are
// taken back; the in-flight set is trimmed of expired entries only when it looks full, which is
// the only time they could change a decision.
const COUNT = new RedisScript(`
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], 120000) end
if c > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return {0, c}
end
return {1, c}
`);

// ARGV: activationId, limit, now, expiresAt, ttlMs. ZADD NX answers whether the id is new; an id
// already there is held (no limit check) unless its entry expired, which counts as new.
const ACQUIRE = new RedisScript(`
local fresh = redis.call('ZADD', KEYS[1], 'NX', ARGV[4], ARGV[1]) == 1
if not fresh then
  fresh = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) <= tonumber(ARGV[3])
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
local n = redis.call('ZCARD', KEYS[1])
if fresh and n > tonumber(ARGV[2]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
  n = redis.call('ZCARD', KEYS[1])
  if n > tonumber(ARGV[2]) then
    redis.call('ZREM', KEYS[1], ARGV[1])
    return {0, n}
  end
end
-- The set lives as long as its longest entry: GT never shortens it (ttls differ by caller), but
-- does nothing on a key without expiry, which is what a set this entry just created is.
if fresh and n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) else redis.call('PEXPIRE', KEYS[1], ARGV[5], 'GT') end
return {1, n}
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
    const ttl = Math.max(1, Math.round(ttlMs));
    const [ok, count] = (await ACQUIRE.run(this.#redis, [this.#conc(namespace)], [activationId, limit, now, now + ttl, ttl])) as [number, number];
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
