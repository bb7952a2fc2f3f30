// ActivationStore in Redis. Keys: {p}activation:{id} (JSON record, expiring after the retention),
// {p}activations:{ns} and {p}activations:{ns}/{name} (sorted sets of ids by start, trimmed of
// entries older than the retention and expiring with their newest record).
import type { Redis } from 'ioredis';
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { RedisScript } from './redis-script.js';
import { DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

// SET NX is the exactly-once point: only the first writer of an id indexes it.
const PUT = new RedisScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
for i = 2, 3 do
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return 1
`);

export class RedisActivationStore implements ActivationStore {
  readonly #redis: Redis;
  readonly #p: string;
  readonly #retentionMs: number;

  constructor(redis: Redis, prefix: string, retentionMs = DEFAULT_ACTIVATION_RETENTION_MS) {
    this.#redis = redis;
    this.#p = prefix;
    this.#retentionMs = retentionMs;
  }

  async putIfAbsent(record: ActivationRecord): Promise<boolean> {
    // Index entries are trimmed a day later than records expire: an activation's start precedes its
    // write by up to its duration, and a dangling id only costs a skipped MGET slot.
    const trimBelow = Date.now() - this.#retentionMs - 24 * 3600 * 1000;
    const created = await PUT.run(
      this.#redis,
      [this.#record(record.activationId), this.#index(record.namespace), this.#index(record.namespace, record.name)],
      [JSON.stringify(record), Math.max(1, Math.round(this.#retentionMs)), record.start, record.activationId, trimBelow],
    );
    return created === 1;
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
