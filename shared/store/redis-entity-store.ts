// EntityStore in Redis. Keys: {p}{kind}:{ns}/{name} (hash: doc = JSON input, version, updated,
// plus one JSON field per setField() change, `f:<field>`), {p}{kind}s:{ns} (sorted set of names by
// updated). Fields set with setField() are kept beside the doc so that changing a rule's status
// never rewrites (or races) the document; put() drops them.
import type { Redis } from 'ioredis';
import type { Entity } from '../model/trigger.js';
import type { ListOptions } from './action-store.js';
import type { EntityInput, EntityStore, PutEntityResult } from './entity-store.js';
import { RedisScript } from './redis-script.js';
import { VERSION_BUMP_LUA } from './redis-version-bump.js';

const PUT = new RedisScript(`
local v = redis.call('HGET', KEYS[1], 'version')
if v and ARGV[3] ~= '1' then
  return redis.call('HGETALL', KEYS[1])
end
${VERSION_BUMP_LUA}
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'version', nv, 'updated', ARGV[2], 'outcome', v and 'updated' or 'created')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
local out = redis.call('HGETALL', KEYS[1])
redis.call('HDEL', KEYS[1], 'outcome')
return out
`);

const SET_FIELD = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HGETALL', KEYS[1])
`);

const DELETE = new RedisScript(`
local f = redis.call('HGETALL', KEYS[1])
if #f == 0 then return false end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return f
`);

export class RedisEntityStore<T extends Entity> implements EntityStore<T> {
  readonly #redis: Redis;
  readonly #p: string;

  /** kind names the keys: 'trigger' → {p}trigger:{ns}/{name} and {p}triggers:{ns}. */
  constructor(redis: Redis, prefix: string, kind: string) {
    this.#redis = redis;
    this.#p = `${prefix}${kind}`;
  }

  async get(namespace: string, name: string): Promise<T | undefined> {
    return fromHash<T>(await this.#redis.hgetall(this.#key(namespace, name)));
  }

  async put(input: EntityInput<T>, options: { overwrite: boolean }): Promise<PutEntityResult<T>> {
    const flat = (await PUT.run(this.#redis, [this.#key(input.namespace, input.name), this.#index(input.namespace)],
      [JSON.stringify(input), Date.now(), options.overwrite ? '1' : '0', input.name])) as string[];
    const hash = pairs(flat);
    const outcome = (hash.outcome as 'created' | 'updated' | undefined) ?? 'exists';
    return { outcome, entity: fromHash<T>(hash)! };
  }

  async setField<K extends Exclude<keyof T, keyof Entity>>(namespace: string, name: string, field: K, value: T[K]): Promise<T | undefined> {
    const flat = (await SET_FIELD.run(this.#redis, [this.#key(namespace, name)], [`f:${String(field)}`, JSON.stringify(value)])) as string[] | null;
    return flat ? fromHash<T>(pairs(flat)) : undefined;
  }

  async list(namespace: string, options: ListOptions): Promise<T[]> {
    if (options.limit <= 0) return [];
    const names = await this.#redis.zrevrange(this.#index(namespace), options.skip, options.skip + options.limit - 1);
    if (names.length === 0) return [];
    const pipe = this.#redis.pipeline();
    for (const n of names) pipe.hgetall(this.#key(namespace, n));
    const out: T[] = [];
    for (const [err, h] of (await pipe.exec()) ?? []) {
      if (err) throw err;
      const e = fromHash<T>(h as Record<string, string>);
      if (e) out.push(e);
    }
    return out;
  }

  async delete(namespace: string, name: string): Promise<T | undefined> {
    const flat = (await DELETE.run(this.#redis, [this.#key(namespace, name), this.#index(namespace)], [name])) as string[] | null;
    return flat ? fromHash<T>(pairs(flat)) : undefined;
  }

  #key(namespace: string, name: string): string {
    return `${this.#p}:${namespace}/${name}`;
  }

  #index(namespace: string): string {
    return `${this.#p}s:${namespace}`;
  }
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

function fromHash<T extends Entity>(h: Record<string, string>): T | undefined {
  if (!h.doc || !h.version || !h.updated) return undefined;
  const doc = JSON.parse(h.doc) as Record<string, unknown>;
  for (const [k, v] of Object.entries(h)) if (k.startsWith('f:')) doc[k.slice(2)] = JSON.parse(v) as unknown;
  return { ...doc, version: h.version, updated: Number(h.updated) } as T;
}
