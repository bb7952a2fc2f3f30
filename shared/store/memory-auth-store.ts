// AuthStore in process memory: standalone mode and unit tests.
import type { AuthStore, Credentials, Identity, NamespaceInfo } from './auth-store.js';
import { generateCredentials, hashKey, keyMatches } from './key-hash.js';
import type { NamespaceLimits } from './namespace-limits.js';

export class MemoryAuthStore implements AuthStore {
  readonly #namespaces = new Map<string, NamespaceInfo>();
  readonly #keys = new Map<string, { namespace: string; keyHash: string; subject?: string; expiresAt?: number }>();
  /** Activation-scoped keys in expiry order (mint order, ttls aside): pruned from the front on each mint. */
  readonly #expiring: Array<{ uuid: string; expiresAt: number }> = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async authenticate(uuid: string, key: string): Promise<Identity | undefined> {
    const entry = this.#keys.get(uuid);
    if (!entry || !keyMatches(key, entry.keyHash)) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#now()) return undefined;
    const ns = this.#namespaces.get(entry.namespace);
    if (!ns) return undefined;
    return { namespace: ns.name, subject: entry.subject ?? uuid, limits: { ...ns.limits }, ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}) };
  }

  async addActivationKey(identity: Identity, ttlMs: number): Promise<string> {
    const now = this.#now();
    // Expired keys go here, not on a timer: the map stays bounded by the keys of live activations.
    while (this.#expiring.length > 0 && this.#expiring[0]!.expiresAt <= now) {
      const { uuid, expiresAt } = this.#expiring.shift()!;
      if (this.#keys.get(uuid)?.expiresAt === expiresAt) this.#keys.delete(uuid);
    }
    const { uuid, key } = generateCredentials();
    const expiresAt = now + ttlMs;
    this.#keys.set(uuid, { namespace: identity.namespace, keyHash: hashKey(key), subject: identity.subject, expiresAt });
    // Kept sorted by expiry so the front is always the next to go (ttls differ by action timeout).
    let i = this.#expiring.length;
    while (i > 0 && this.#expiring[i - 1]!.expiresAt > expiresAt) i--;
    this.#expiring.splice(i, 0, { uuid, expiresAt });
    return `${uuid}:${key}`;
  }

  async createNamespace(name: string, limits: NamespaceLimits = {}): Promise<boolean> {
    if (this.#namespaces.has(name)) return false;
    this.#namespaces.set(name, { name, limits: { ...limits }, created: Date.now() });
    return true;
  }

  async getNamespace(name: string): Promise<NamespaceInfo | undefined> {
    const ns = this.#namespaces.get(name);
    return ns && { ...ns, limits: { ...ns.limits } };
  }

  async listNamespaces(): Promise<string[]> {
    return [...this.#namespaces.keys()].sort();
  }

  async addKey(namespace: string, credentials?: { uuid: string; key: string }): Promise<Credentials> {
    if (!this.#namespaces.has(namespace)) throw new Error(`namespace '${namespace}' does not exist`);
    const { uuid, key } = credentials ?? generateCredentials();
    const existing = this.#keys.get(uuid);
    if (existing) {
      if (existing.namespace !== namespace || !keyMatches(key, existing.keyHash)) {
        throw new Error(`uuid ${uuid} is already bound to another namespace or key`);
      }
      return { namespace, uuid, key };
    }
    this.#keys.set(uuid, { namespace, keyHash: hashKey(key) });
    return { namespace, uuid, key };
  }

  async removeKey(uuid: string): Promise<boolean> {
    return this.#keys.delete(uuid);
  }
}
