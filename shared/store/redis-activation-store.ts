// ActivationStore in Redis. Keys: {p}activation:{id} (JSON record, expiring after the retention),
// {p}activations:{ns} and {p}activations:{ns}/{name} (sorted sets of ids by start, trimmed of
// entries older than the retention and expiring at the latest an hour after their newest record).
import type { Redis } from 'ioredis';
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { RedisScript } from './redis-script.js';
import { DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

// SET NX is the exactly-once point: only the first writer of an id indexes it. Trimming an index
// and extending its expiry are housekeeping, done on a put when ARGV[5] (namespace index) or
// ARGV[6] (action index) carries the trim bound, at most once per HOUSEKEEPING_MS per index and
// process, not on every activation: 4 commands per record instead of 8.
const PUT = new RedisScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
for i = 2, 3 do
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
  local trimBelow = ARGV[3 + i]
  if trimBelow ~= '' then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. trimBelow)
    redis.call('PEXPIRE', KEYS[i], ARGV[7])
  end
end
return 1
`);

/**
 * How often a process trims an index and extends its expiry. The index is given the records'
 * retention plus this much, so it outlives every record indexed until the next housekeeping.
 */
const HOUSEKEEPING_MS = 3600 * 1000;
/** Indexes whose last housekeeping a process remembers; forgetting only means housekeeping early. */
const HOUSEKEPT_MAX = 10_000;

export class RedisActivationStore implements ActivationStore {
  readonly #redis: Redis;
  readonly #p: string;
  readonly #retentionMs: number;
  /** index key → when this process last trimmed it and extended its expiry. */
  readonly #housekept = new Map<string, number>();

  constructor(redis: Redis, prefix: string, retentionMs = DEFAULT_ACTIVATION_RETENTION_MS) {
    this.#redis = redis;
    this.#p = prefix;
    this.#retentionMs = retentionMs;
  }

  async putIfAbsent(record: ActivationRecord): Promise<boolean> {
    // Index entries are trimmed a day later than records expire: an activation's start precedes its
    // write by up to its duration, and a dangling id only costs a skipped MGET slot.
    const now = Date.now();
    const trimBelow = String(now - this.#retentionMs - 24 * 3600 * 1000);
    const indexes = [this.#index(record.namespace), this.#index(record.namespace, record.name)];
    const created = await PUT.run(
      this.#redis,
      [this.#record(record.activationId), ...indexes],
      [
        JSON.stringify(record), Math.max(1, Math.round(this.#retentionMs)), record.start, record.activationId,
        ...indexes.map((key) => (this.#housekeepingDue(key, now) ? trimBelow : '')),
        Math.max(1, Math.round(this.#retentionMs + HOUSEKEEPING_MS)),
      ],
    );
    return created === 1;
  }

  /** True (and noted) when this process last housekept `key` HOUSEKEEPING_MS ago or never. */
  #housekeepingDue(key: string, now: number): boolean {
    const last = this.#housekept.get(key);
    if (last !== undefined && now - last < HOUSEKEEPING_MS) return false;
    if (this.#housekept.size >= HOUSEKEPT_MAX) this.#housekept.clear();
    this.#housekept.set(key, now);
    return true;
  }

  async get(activationId: string): Promise<ActivationRecord | undefined> {
    const raw = await this.#redis.get(this.#record(activationId));
    return raw ? (JSON.parse(raw) as ActivationRecord) : undefined;
  }

  async list(namespace: string, q: ActivationQuery): Promise<ActivationRecord[]> {
    if (q.limit <= 0) return [];
    const ids = await this.#redis.zrevrangebyscore(
      this.#index(namespace, q.name),
      q.upto ?? '+inf',
      q.since ?? '-inf',
      'LIMIT',
      q.skip,
      q.limit,
    );
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map((id) => this.#record(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as ActivationRecord);
  }

  #record(id: string): string {
    return `${this.#p}activation:${id}`;
  }

  #index(namespace: string, name?: string): string {
    return name === undefined ? `${this.#p}activations:${namespace}` : `${this.#p}activations:${namespace}/${name}`;
  }
}
