// EntityStore in process memory: standalone mode and unit tests.
import type { Entity } from '../model/trigger.js';
import { bumpVersion, type ListOptions } from './action-store.js';
import type { EntityInput, EntityStore, PutEntityResult } from './entity-store.js';

export class MemoryEntityStore<T extends Entity> implements EntityStore<T> {
  readonly #docs = new Map<string, T>();
  #lastUpdated = 0;

  async get(namespace: string, name: string): Promise<T | undefined> {
    const d = this.#docs.get(key(namespace, name));
    return d && structuredClone(d);
  }

  async put(input: EntityInput<T>, options: { overwrite: boolean }): Promise<PutEntityResult<T>> {
    const k = key(input.namespace, input.name);
    const existing = this.#docs.get(k);
    if (existing && !options.overwrite) return { outcome: 'exists', entity: structuredClone(existing) };
    this.#lastUpdated = Math.max(Date.now(), this.#lastUpdated + 1);
    const entity = { ...structuredClone(input), version: existing ? bumpVersion(existing.version) : '0.0.1', updated: this.#lastUpdated } as T;
    this.#docs.set(k, entity);
    return { outcome: existing ? 'updated' : 'created', entity: structuredClone(entity) };
  }

  async setField<K extends Exclude<keyof T, keyof Entity>>(namespace: string, name: string, field: K, value: T[K]): Promise<T | undefined> {
    const d = this.#docs.get(key(namespace, name));
    if (!d) return undefined;
    d[field] = structuredClone(value);
    return structuredClone(d);
  }

  async list(namespace: string, options: ListOptions): Promise<T[]> {
    return [...this.#docs.values()]
      .filter((d) => d.namespace === namespace)
      // Newest first; a tie (same millisecond) by name descending, as Redis' ZREVRANGE orders equal scores.
      .sort((a, b) => b.updated - a.updated || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
      .slice(options.skip, options.skip + options.limit)
      .map((d) => structuredClone(d));
  }

  async delete(namespace: string, name: string): Promise<T | undefined> {
    const k = key(namespace, name);
    const d = this.#docs.get(k);
    this.#docs.delete(k);
    return d;
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}
