// Named, versioned documents per namespace: triggers and rules (the Entity shape of shared/model/trigger.ts).
import type { Entity } from '../model/trigger.js';
import type { ListOptions } from './action-store.js';

/** What a caller supplies; the store assigns version and updated. */
export type EntityInput<T extends Entity> = Omit<T, 'version' | 'updated'>;

export type PutEntityResult<T extends Entity> = { outcome: 'created' | 'updated' | 'exists'; entity: T };

// Contract:
// - put() creates with version 0.0.1, or, with overwrite, replaces and bumps the patch version.
//   Without overwrite an existing entity is left as it is and answered as 'exists' (the API's 409).
//   Check and write are atomic across processes.
// - setField() replaces one top-level field of an existing entity without bumping its version
//   (a rule's status), atomically; it answers the entity after the change, or undefined if absent.
// - list() answers a namespace's entities, most recently updated first, after skip, at most limit.
// - delete() answers the deleted entity, or undefined if there was none.
export interface EntityStore<T extends Entity> {
  get(namespace: string, name: string): Promise<T | undefined>;
  put(input: EntityInput<T>, options: { overwrite: boolean }): Promise<PutEntityResult<T>>;
  setField<K extends Exclude<keyof T, keyof Entity>>(namespace: string, name: string, field: K, value: T[K]): Promise<T | undefined>;
  list(namespace: string, options: ListOptions): Promise<T[]>;
  delete(namespace: string, name: string): Promise<T | undefined>;
}
