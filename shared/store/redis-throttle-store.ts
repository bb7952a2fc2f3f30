// ThrottleStore in Redis. Keys: {p}rate:{ns}:{minute} (counter, expiring after two minutes) and
// {p}conc:{ns} (sorted set of in-flight activation ids by expiry time, plus a sentinel member).
import type { Redis } from 'ioredis';
import type { ThrottleDecision, ThrottleStore } from './throttle-store.js';
import { RedisScript } from './redis-script.js';

// The common case of an admission is plain commands, no script (a script's EVALSHA is one more
// command): INCR for the rate, ZADD NX + ZCARD for the slot, written to Redis together. Redis runs a
// client's pipelined commands back to back, and a count that another controller's ZADD raced
// into can only make the fast path refuse to decide: over the limit, ACQUIRE_FULL decides
// atomically. The in-flight set keeps a sentinel member (score -1, below every expiry) from its
// creation on, so that releasing the last slot does not delete the key and the next acquire
// does not have to give it an expiry again: the key's expiry is set once when it is created and
// extended by housekeeping on a timer (PEXPIRE … GT), not on every activation.
const SENTINEL = '~';

// ARGV: activationId, limit, now. The fast path added a fresh id and counted more than the limit:
// drop expired entries (never the sentinel) and decide on the exact count.
const ACQUIRE_FULL = new RedisScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[3])
local n = redis.call('ZCOUNT', KEYS[1], 0, '+inf')
if n > tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return {0, n}
end
return {1, n}
`);

// ARGV: activationId, limit, now, expiresAt, ttlMs. The id was already in the set (ZADD NX added
// nothing): it is held (no limit check) unless its entry expired, which counts as new.
const ACQUIRE_AGAIN = new RedisScript(`
local fresh = redis.call('ZADD', KEYS[1], 'NX', ARGV[4], ARGV[1]) == 1
if not fresh then
  fresh = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) <= tonumber(ARGV[3])
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
local n = redis.call('ZCOUNT', KEYS[1], 0, '+inf')
if fresh and n > tonumber(ARGV[2]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[3])
  n = redis.call('ZCOUNT', KEYS[1], 0, '+inf')
  if n > tonumber(ARGV[2]) then
    redis.call('ZREM', KEYS[1], ARGV[1])
    return {0, n}
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5], 'NX')
redis.call('PEXPIRE', KEYS[1], ARGV[5], 'GT')
return {1, n}
`);

/** How often a process extends the expiry of the in-flight sets it used since the last time. */
export const SLOT_HOUSEKEEPING_MS = 30_000;
/** In-flight sets remembered between housekeeping rounds; past it, new ones are not remembered. */
const TOUCHED_MAX = 100_000;

export class RedisThrottleStore implements ThrottleStore {
  readonly #redis: Redis;
  readonly #p: string;
  /** in-flight set key → the longest ttl asked for it since the last housekeeping. */
  #touched = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#p = prefix;
    this.#timer = setInterval(() => {
      this.housekeep().catch((err: unknown) => console.error('throttle store: extending in-flight sets\' expiry failed:', err));
    }, SLOT_HOUSEKEEPING_MS);
    this.#timer.unref();
  }

  /**
   * Extends the expiry of every in-flight set this process used since the last round so that it
   * outlives each entry acquired until the next round (a set's entries all expire before it).
   */
  async housekeep(): Promise<void> {
    if (this.#touched.size === 0) return;
    const touched = this.#touched;
    this.#touched = new Map();
    const p = this.#redis.pipeline();
    for (const [key, ttl] of touched) p.pexpire(key, setTtl(ttl), 'NX').pexpire(key, setTtl(ttl), 'GT');
    await p.exec();
  }

  /** Stops the housekeeping timer (the connection's owner closes the connection). */
  close(): void {
    clearInterval(this.#timer);
  }

  async countInvocation(namespace: string, limit: number): Promise<ThrottleDecision> {
    const key = `${this.#p}rate:${namespace}:${Math.floor(Date.now() / 60_000)}`;
    const count = await this.#redis.incr(key);
    // The minute's first invocation gives the counter its expiry; a refused one is taken back.
    if (count === 1) await this.#redis.pexpire(key, 120_000);
    if (count > limit) {
      await this.#redis.decr(key);
      return { allowed: false, count };
    }
    return { allowed: true, count };
  }

  async acquireConcurrent(namespace: string, activationId: string, limit: number, ttlMs: number): Promise<ThrottleDecision> {
    const now = Date.now();
    const ttl = Math.max(1, Math.round(ttlMs));
    const key = this.#conc(namespace);
    this.#touch(key, ttl);
    // Two calls in one tick: ioredis's auto-pipelining writes them (and the rate's INCR, issued
    // beside them) to the socket at once, back to back: one system call, not one per command.
    const [added, card] = await Promise.all([this.#redis.zadd(key, 'NX', now + ttl, activationId), this.#redis.zcard(key)]);
    if (Number(added) !== 1) return this.#decide(ACQUIRE_AGAIN, key, [activationId, limit, now, now + ttl, setTtl(ttl)]);
    if (card === 1) {
      // This acquire created the set: the sentinel keeps it from now on, with its first expiry.
      await Promise.all([this.#redis.zadd(key, -1, SENTINEL), this.#redis.pexpire(key, setTtl(ttl))]);
      if (limit >= 1) return { allowed: true, count: 1 };
    }
    const n = card - 1;
    if (n <= limit && card > 1) return { allowed: true, count: n };
    return this.#decide(ACQUIRE_FULL, key, [activationId, limit, now]);
  }

  async releaseConcurrent(namespace: string, activationId: string): Promise<boolean> {
    return (await this.#redis.zrem(this.#conc(namespace), activationId)) === 1;
  }

  async concurrent(namespace: string): Promise<number> {
    return this.#redis.zcount(this.#conc(namespace), `(${Date.now()}`, '+inf');
  }

  async #decide(script: RedisScript, key: string, args: Array<string | number>): Promise<ThrottleDecision> {
    const [ok, count] = (await script.run(this.#redis, [key], args)) as [number, number];
    return { allowed: ok === 1, count };
  }

  #touch(key: string, ttl: number): void {
    const seen = this.#touched.get(key);
    if (seen === undefined && this.#touched.size >= TOUCHED_MAX) return;
    if (seen === undefined || ttl > seen) this.#touched.set(key, ttl);
  }

  #conc(namespace: string): string {
    return `${this.#p}conc:${namespace}`;
  }
}

/** A set's expiry: its entries' ttl plus two housekeeping rounds, so one missed round loses nothing. */
function setTtl(ttl: number): number {
  return ttl + 2 * SLOT_HOUSEKEEPING_MS;
}
