// ActionStore in process memory: standalone mode and unit tests. A stored action is deep-frozen and
// handed to every reader as it is: get() runs on every activation and an action's code can be 48 MB,
// so a copy per read is what this store must not do. A put copies its input once (the caller keeps
// its own object).
import { randomBytes } from 'node:crypto';
import type { Action } from '../model/action.js';
import { deepFreeze } from '../model/deep-freeze.js';
import { bumpVersion, type ActionInput, type ActionStore, type ListOptions, type PutActionResult } from './action-store.js';

export class MemoryActionStore implements ActionStore {
  readonly #actions = new Map<string, Action>();
  // Two puts within one millisecond must still list in write order.
  #lastUpdated = 0;

  async get(namespace: string, name: string): Promise<Action | undefined> {
    return this.#actions.get(key(namespace, name));
  }

  async put(input: ActionInput, options: { overwrite: boolean }): Promise<PutActionResult> {
    const k = key(input.namespace, input.name);
    const existing = this.#actions.get(k);
    if (existing && !options.overwrite) return { outcome: 'exists', action: existing };
    this.#lastUpdated = Math.max(Date.now(), this.#lastUpdated + 1);
    const action: Action = deepFreeze({
      ...structuredClone(input),
      version: existing ? bumpVersion(existing.version) : '0.0.1',
      revision: randomBytes(8).toString('hex'),
      updated: this.#lastUpdated,
    });
    this.#actions.set(k, action);
    return { outcome: existing ? 'updated' : 'created', action };
  }

  async list(namespace: string, options: ListOptions): Promise<Action[]> {
    return [...this.#actions.values()]
      .filter((a) => a.namespace === namespace)
      .sort((a, b) => b.updated - a.updated || a.name.localeCompare(b.name))
      .slice(options.skip, options.skip + options.limit);
  }

  async delete(namespace: string, name: string): Promise<Action | undefined> {
    const k = key(namespace, name);
    const a = this.#actions.get(k);
    this.#actions.delete(k);
    return a;
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}
