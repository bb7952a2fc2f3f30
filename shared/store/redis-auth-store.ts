// AuthStore in Redis. Keys: {p}ns:{name} (JSON NamespaceInfo), {p}namespaces (set of names),
// {p}key:{uuid} (JSON {namespace, keyHash}; an activation-scoped key adds subject and expiresAt
// and carries a Redis TTL, so Redis drops it by itself).
import type { Redis } from 'ioredis';
import type { AuthStore, Credentials, Identity, NamespaceInfo } from './auth-store.js';
import { generateCredentials, hashKey, keyMatches } from './key-hash.js';
import type { NamespaceLimits } from './namespace-limits.js';

interface KeyEntry {
  namespace: string;
  keyHash: string;
  subject?: string;
  expiresAt?: number;
}

export class RedisAuthStore implements AuthStore {
  readonly #redis: Redis;
  readonly #p: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#p = prefix;
  }

  async authenticate(uuid: string, key: string): Promise<Identity | undefined> {
    const raw = await this.#redis.get(`${this.#p}key:${uuid}`);
    if (!raw) return undefined;
    const entry = JSON.parse(raw) as KeyEntry;
    if (!keyMatches(key, entry.keyHash)) return undefined;
    // Redis expires keys lazily to the millisecond already; this also holds across clock-skewed readers.
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    const ns = await this.getNamespace(entry.namespace);
    if (!ns) return undefined;
    return { namespace: ns.name, subject: entry.subject ?? uuid, limits: ns.limits, ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}) };
  }

  async addActivationKey(identity: Identity, ttlMs: number): Promise<string> {
    const { uuid, key } = generateCredentials();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const entry: KeyEntry = { namespace: identity.namespace, keyHash: hashKey(key), subject: identity.subject, expiresAt: Date.now() + ttl };
    // One command on the activation path: the key and its expiry together (a fresh uuid never exists).
    await this.#redis.set(`${this.#p}key:${uuid}`, JSON.stringify(entry), 'PX', ttl);
    return `${uuid}:${key}`;
  }

  async createNamespace(name: string, limits: NamespaceLimits = {}): Promise<boolean> {
    const info: NamespaceInfo = { name, limits, created: Date.now() };
    const ok = await this.#redis.set(`${this.#p}ns:${name}`, JSON.stringify(info), 'NX');
    // SADD even when the namespace existed: it repairs a set left behind by a crash between the two.
    await this.#redis.sadd(`${this.#p}namespaces`, name);
    return ok === 'OK';
  }

  async getNamespace(name: string): Promise<NamespaceInfo | undefined> {
    const raw = await this.#redis.get(`${this.#p}ns:${name}`);
    return raw ? (JSON.parse(raw) as NamespaceInfo) : undefined;
  }

  async listNamespaces(): Promise<string[]> {
    return (await this.#redis.smembers(`${this.#p}namespaces`)).sort();
  }

  async addKey(namespace: string, credentials?: { uuid: string; key: string }): Promise<Credentials> {
    if (!(await this.getNamespace(namespace))) throw new Error(`namespace '${namespace}' does not exist`);
    const { uuid, key } = credentials ?? generateCredentials();
    const entry: KeyEntry = { namespace, keyHash: hashKey(key) };
    const ok = await this.#redis.set(`${this.#p}key:${uuid}`, JSON.stringify(entry), 'NX');
    if (ok !== 'OK') {
      const raw = await this.#redis.get(`${this.#p}key:${uuid}`);
      const existing = raw ? (JSON.parse(raw) as KeyEntry) : undefined;
      if (!existing || existing.namespace !== namespace || !keyMatches(key, existing.keyHash)) {
        throw new Error(`uuid ${uuid} is already bound to another namespace or key`);
      }
    }
    return { namespace, uuid, key };
  }

  async removeKey(uuid: string): Promise<boolean> {
    return (await this.#redis.del(`${this.#p}key:${uuid}`)) === 1;
  }
}
