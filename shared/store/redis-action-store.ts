// ActionStore in Redis. Keys: {p}action:{ns}/{name} (hash: doc = JSON ActionInput without
// exec.code, code, version, revision, updated), {p}actions:{ns} (sorted set of names by updated).
// Names and namespaces cannot contain '/', so the key is unambiguous.
// The code (up to 48 MB, base64 for archives) is a field of its own, written once per revision and
// replaced by the next one: lists never read it, and the doc stays small to parse. The put script
// sends it back only when the action already exists (the caller's 409).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Action } from '../model/action.js';
import type { ActionInput, ActionStore, ListOptions, PutActionResult } from './action-store.js';
import { RedisScript } from './redis-script.js';
import { VERSION_BUMP_LUA } from './redis-version-bump.js';

// The existence check, the version bump and the write happen in one script, so two concurrent
// creates cannot both answer 'created' and two updates cannot both produce 0.0.2. Every write
// publishes the action's key on {p}actions:changed in the same script: the controllers' action
// caches (redis-action-cache.ts) drop it from there.
const PUT = new RedisScript(`
local v = redis.call('HGET', KEYS[1], 'version')
if v and ARGV[4] ~= '1' then
  return {'exists', redis.call('HGET', KEYS[1], 'doc'), v, redis.call('HGET', KEYS[1], 'revision'), redis.call('HGET', KEYS[1], 'updated'), redis.call('HGET', KEYS[1], 'code') or false}
end
${VERSION_BUMP_LUA}
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'version', nv, 'revision', ARGV[2], 'updated', ARGV[3], 'code', ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
redis.call('PUBLISH', KEYS[3], KEYS[1])
if v then return {'updated', '', nv, ARGV[2], ARGV[3]} end
return {'created', '', nv, ARGV[2], ARGV[3]}
`);

const DELETE = new RedisScript(`
local f = redis.call('HMGET', KEYS[1], 'doc', 'version', 'revision', 'updated', 'code')
if not f[1] then return false end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PUBLISH', KEYS[3], KEYS[1])
return f
`);

export class RedisActionStore implements ActionStore {
  readonly #redis: Redis;
  readonly #p: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#p = prefix;
  }

  async get(namespace: string, name: string): Promise<Action | undefined> {
    const f = await this.#redis.hmget(this.#key(namespace, name), 'doc', 'version', 'revision', 'updated', 'code');
    return fromFields(f);
  }

  async put(input: ActionInput, options: { overwrite: boolean }): Promise<PutActionResult> {
    const revision = randomBytes(8).toString('hex');
    const { code, ...exec } = input.exec;
    const doc = JSON.stringify({ ...input, exec });
    const out = (await PUT.run(
      this.#redis,
      [this.#key(input.namespace, input.name), this.#index(input.namespace), actionsChangedChannel(this.#p)],
      [doc, revision, Date.now(), options.overwrite ? '1' : '0', input.name, code],
    )) as [PutActionResult['outcome'], string, string, string, string, string];
    if (out[0] === 'exists') return { outcome: 'exists', action: fromFields(out.slice(1))! };
    return { outcome: out[0], action: fromFields([doc, out[2], out[3], out[4], code])! };
  }

  async list(namespace: string, options: ListOptions): Promise<Action[]> {
    if (options.limit <= 0) return [];
    const names = await this.#redis.zrevrange(this.#index(namespace), options.skip, options.skip + options.limit - 1);
    if (names.length === 0) return [];
    const pipe = this.#redis.pipeline();
    for (const n of names) pipe.hmget(this.#key(namespace, n), 'doc', 'version', 'revision', 'updated');
    const results = (await pipe.exec()) ?? [];
    const out: Action[] = [];
    for (const [err, f] of results) {
      if (err) throw err;
      const a = fromFields(f as Array<string | null>);
      if (a) out.push(a);
    }
    return out;
  }

  async delete(namespace: string, name: string): Promise<Action | undefined> {
    const f = (await DELETE.run(this.#redis, [this.#key(namespace, name), this.#index(namespace), actionsChangedChannel(this.#p)], [name])) as Array<string | null> | null;
    return f ? fromFields(f) : undefined;
  }

  #key(namespace: string, name: string): string {
    return actionKey(this.#p, namespace, name);
  }

  #index(namespace: string): string {
    return `${this.#p}actions:${namespace}`;
  }
}

/** The action's hash: also what a write publishes on actionsChangedChannel. */
export function actionKey(prefix: string, namespace: string, name: string): string {
  return `${prefix}action:${namespace}/${name}`;
}

/** Where every action write publishes the key it changed. */
export function actionsChangedChannel(prefix: string): string {
  return `${prefix}actions:changed`;
}

/** An action from its fields; without the code field (lists) exec.code is ''. */
function fromFields(f: Array<string | null | undefined>): Action | undefined {
  const [doc, version, revision, updated, code] = f;
  if (!doc || !version || !revision || !updated) return undefined;
  const input = JSON.parse(doc) as ActionInput;
  // Docs written before the code had its own field still carry it inside.
  const exec = { ...input.exec, code: code ?? input.exec.code ?? '' };
  return { ...input, exec, version, revision, updated: Number(updated) };
}
