// AuthStore in process memory: standalone mode and unit tests.
import type { AuthStore, Credentials, Identity, NamespaceInfo } from './auth-store.js';
import { generateCredentials, hashKey, keyMatches } from './key-hash.js';
import type { NamespaceLimits } from './namespace-limits.js';

export class MemoryAuthStore implements AuthStore {
  readonly #namespaces = new Map<string, NamespaceInfo>();
  readonly #keys = new Map<string, { namespace: string; keyHash: string }>();

  async authenticate(uuid: string, key: string): Promise<Identity | undefined> {
    const entry = this.#keys.get(uuid);
    if (!entry || !keyMatches(key, entry.keyHash)) return undefined;
    const ns = this.#namespaces.get(entry.namespace);
    if (!ns) return undefined;
    return { namespace: ns.name, subject: uuid, limits: { ...ns.limits } };
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
