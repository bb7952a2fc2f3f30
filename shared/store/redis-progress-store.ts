// ProgressStore in Redis. Keys: {p}progress:{id} (hash: owner, version, data; expiring after the
// retention), {p}progress:owned:{owner} (set of the owner's ids), {p}progress:owners (owners with
// records), {p}progress:alive:{owner} (present while the owner says it runs). Every check-and-write
// is one Lua script, so two controllers never both advance or both claim one record.
import type { Redis } from 'ioredis';
import { PROGRESS_RETENTION_MS, type ProgressRecord, type ProgressStore } from './progress-store.js';
import { RedisScript } from './redis-script.js';

const CREATE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'version', 1, 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
`);

const REPLACE = new RedisScript(`
local v = redis.call('HGET', KEYS[1], 'version')
if not v or tonumber(v) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', tonumber(v) + 1, 'data', ARGV[2])
return tonumber(v) + 1
`);

const REMOVE = new RedisScript(`
local owner = redis.call('HGET', KEYS[1], 'owner')
redis.call('DEL', KEYS[1])
if owner then redis.call('SREM', ARGV[1] .. 'progress:owned:' .. owner, ARGV[2]) end
return 1
`);

// An owner without its alive key is gone: each of its records moves to the caller, with a new
// version (so a late write of the old owner, were it only slow, fails its compare-and-set).
const CLAIM = new RedisScript(`
local p, me, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local out = {}
for _, o in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if #out >= limit * 3 then break end
  if o ~= me and redis.call('EXISTS', p .. 'progress:alive:' .. o) == 0 then
    local set = p .. 'progress:owned:' .. o
    for _, id in ipairs(redis.call('SMEMBERS', set)) do
      if #out >= limit * 3 then break end
      local key = p .. 'progress:' .. id
      redis.call('SREM', set, id)
      if redis.call('EXISTS', key) == 1 then
        local v = redis.call('HINCRBY', key, 'version', 1)
        redis.call('HSET', key, 'owner', me)
        redis.call('SADD', p .. 'progress:owned:' .. me, id)
        table.insert(out, id)
        table.insert(out, tostring(v))
        table.insert(out, redis.call('HGET', key, 'data'))
      end
    end
    if redis.call('SCARD', set) == 0 then redis.call('SREM', KEYS[1], o) end
  end
end
if #out > 0 then redis.call('SADD', KEYS[1], me) end
return out
`);

export class RedisProgressStore implements ProgressStore {
  readonly #redis: Redis;
  readonly #p: string;
  readonly #retentionMs: number;

  constructor(redis: Redis, prefix: string, retentionMs = PROGRESS_RETENTION_MS) {
    this.#redis = redis;
    this.#p = prefix;
    this.#retentionMs = retentionMs;
  }

  async create(r: Omit<ProgressRecord, 'version'>): Promise<boolean> {
    const created = await CREATE.run(this.#redis, [this.#key(r.id), this.#owned(r.owner), this.#owners()], [r.owner, JSON.stringify(r.data), this.#retentionMs, r.id]);
    return created === 1;
  }

  async get(id: string): Promise<ProgressRecord | undefined> {
    const h = await this.#redis.hgetall(this.#key(id));
    if (h.owner === undefined || h.version === undefined || h.data === undefined) return undefined;
    return { id, owner: h.owner, version: Number(h.version), data: JSON.parse(h.data) as Record<string, unknown> };
  }

  async replace(id: string, version: number, data: Record<string, unknown>): Promise<number | undefined> {
    const v = await REPLACE.run(this.#redis, [this.#key(id)], [version, JSON.stringify(data)]);
    return typeof v === 'number' && v > 0 ? v : undefined;
  }

  async remove(id: string): Promise<void> {
    await REMOVE.run(this.#redis, [this.#key(id)], [this.#p, id]);
  }

  async alive(owner: string, ttlMs: number): Promise<void> {
    await this.#redis.multi().set(`${this.#p}progress:alive:${owner}`, '1', 'PX', Math.max(1, Math.round(ttlMs))).sadd(this.#owners(), owner).exec();
  }

  async claimOrphans(owner: string, limit: number): Promise<ProgressRecord[]> {
    const flat = (await CLAIM.run(this.#redis, [this.#owners()], [this.#p, owner, limit])) as string[];
    const out: ProgressRecord[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) out.push({ id: flat[i]!, owner, version: Number(flat[i + 1]), data: JSON.parse(flat[i + 2]!) as Record<string, unknown> });
    return out;
  }

  async owned(owner: string, limit: number): Promise<ProgressRecord[]> {
    const ids = (await this.#redis.smembers(this.#owned(owner))).slice(0, limit);
    const out: ProgressRecord[] = [];
    for (const id of ids) {
      const r = await this.get(id);
      // Expired records leave their id behind in the set: drop it.
      if (!r) await this.#redis.srem(this.#owned(owner), id);
      else if (r.owner === owner) out.push(r);
    }
    return out;
  }

  #key(id: string): string {
    return `${this.#p}progress:${id}`;
  }

  #owned(owner: string): string {
    return `${this.#p}progress:owned:${owner}`;
  }

  #owners(): string {
    return `${this.#p}progress:owners`;
  }
}
