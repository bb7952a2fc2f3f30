// ActivationStore in Redis. Keys: {p}activation:{id} (JSON record, expiring after the retention),
// {p}activations:{ns} and {p}activations:{ns}/{name} (sorted sets of ids by start, trimmed of
// entries older than the retention and expiring at the latest an hour after their newest record).
import type { Redis } from 'ioredis';
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

// SET NX is the exactly-once point. The record and its two index entries go in one write of
// plain commands (no script: its EVALSHA would be a fourth command): ZADD NX, so a second writer
// of an id (a late invoker after the sweeper) never moves the first one's index entry. Trimming an
// index and extending its expiry are housekeeping, added to a put at most once per
// HOUSEKEEPING_MS per index and process, not on every activation: 3 commands per record.
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

  async putIfAbsent(record: ActivationRecord, json?: string): Promise<boolean> {
    // Index entries are trimmed a day later than records expire: an activation's start precedes its
    // write by up to its duration, and a dangling id only costs a skipped MGET slot.
    const now = Date.now();
    const trimBelow = String(now - this.#retentionMs - 24 * 3600 * 1000);
    const indexes = [this.#index(record.namespace), this.#index(record.namespace, record.name)];
    const retentionMs = Math.max(1, Math.round(this.#retentionMs));
    // Calls made in one tick: ioredis's auto-pipelining writes them to the socket at once.
    const writes: Array<Promise<unknown>> = [];
    const created = this.#redis.set(this.#record(record.activationId), json ?? JSON.stringify(record), 'PX', retentionMs, 'NX');
    for (const key of indexes) {
      writes.push(this.#redis.zadd(key, 'NX', record.start, record.activationId));
      if (this.#housekeepingDue(key, now)) {
        writes.push(this.#redis.zremrangebyscore(key, '-inf', `(${trimBelow}`), this.#redis.pexpire(key, Math.max(1, Math.round(this.#retentionMs + HOUSEKEEPING_MS))));
      }
    }
    const [set] = await Promise.all([created, ...writes]);
    // SET … NX answers OK when it wrote, null when the id was there.
    return set === 'OK';
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
