// WarmRegistry in Redis. Keys: {p}warm:inv:{invoker} (hash actionKey → JSON WarmCounts, expiring
// with the invoker's last write) and {p}warm:invokers (sorted set of invoker ids by expiry time),
// so forAction() reads only live invokers without scanning the keyspace.
import type { Redis } from 'ioredis';
import { RedisScript } from './redis-script.js';
import type { WarmCounts, WarmRegistry } from './warm-registry.js';

// One round trip on placement's hot path: read the action's field of each live invoker. The
// per-invoker keys are derived inside the script, which is fine on a single Redis (not Redis
// Cluster, where every key would have to be declared). Expired invokers are skipped here and
// dropped by the heartbeats' writes (replace, refresh), off the per-activation path.
const FOR_ACTION = new RedisScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('HGET', ARGV[2] .. id, ARGV[3])
  if v then
    out[#out + 1] = id
    out[#out + 1] = v
  end
end
return out
`);

export class RedisWarmRegistry implements WarmRegistry {
  readonly #redis: Redis;
  readonly #p: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#p = prefix;
  }

  async replace(invoker: string, snapshot: Record<string, WarmCounts>, ttlMs: number): Promise<void> {
    const key = this.#key(invoker);
    const m = this.#redis.multi().del(key);
    const fields = Object.entries(snapshot).filter(([, c]) => c.warm > 0);
    if (fields.length > 0) m.hset(key, Object.fromEntries(fields.map(([k, c]) => [k, JSON.stringify(c)])));
    await this.#expire(this.#trimmed(m), invoker, ttlMs).exec();
  }

  async set(invoker: string, actionKey: string, counts: WarmCounts, ttlMs: number): Promise<void> {
    const key = this.#key(invoker);
    const m = this.#redis.multi();
    if (counts.warm > 0) m.hset(key, actionKey, JSON.stringify(counts));
    else m.hdel(key, actionKey);
    await this.#expire(m, invoker, ttlMs).exec();
  }

  async refresh(invoker: string, ttlMs: number): Promise<void> {
    await this.#expire(this.#trimmed(this.#redis.multi()), invoker, ttlMs).exec();
  }

  async remove(invoker: string): Promise<void> {
    await this.#redis.multi().del(this.#key(invoker)).zrem(this.#invokers(), invoker).exec();
  }

  async forAction(actionKey: string): Promise<Record<string, WarmCounts>> {
    const flat = (await FOR_ACTION.run(this.#redis, [this.#invokers()], [Date.now(), `${this.#p}warm:inv:`, actionKey])) as string[];
    const out: Record<string, WarmCounts> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = JSON.parse(flat[i + 1]!) as WarmCounts;
    return out;
  }

  async forInvoker(invoker: string): Promise<Record<string, WarmCounts>> {
    const all = await this.#redis.hgetall(this.#key(invoker));
    return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as WarmCounts]));
  }

  #expire<T extends { pexpire(key: string, ms: number): T; zadd(key: string, score: number, member: string): T }>(m: T, invoker: string, ttlMs: number): T {
    const ms = Math.max(1, Math.round(ttlMs));
    return m.pexpire(this.#key(invoker), ms).zadd(this.#invokers(), Date.now() + ms, invoker);
  }

  /** Drops the invokers whose expiry passed from the set (forAction already skips them). */
  #trimmed<T extends { zremrangebyscore(key: string, min: string, max: number): T }>(m: T): T {
    return m.zremrangebyscore(this.#invokers(), '-inf', Date.now());
  }

  #key(invoker: string): string {
    return `${this.#p}warm:inv:${invoker}`;
  }

  #invokers(): string {
    return `${this.#p}warm:invokers`;
  }
}
