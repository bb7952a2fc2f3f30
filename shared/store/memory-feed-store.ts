// FeedStore in process memory: standalone mode and unit tests.
import type { DeadLetter, FeedBinding } from '../model/trigger.js';
import type { ListOptions } from './action-store.js';
import type { FeedStore } from './feed-store.js';

export class MemoryFeedStore implements FeedStore {
  readonly #bindings = new Map<string, FeedBinding>();
  readonly #fired = new Map<string, Map<number, number>>();
  readonly #dead = new Map<string, DeadLetter[]>();

  async put(binding: FeedBinding): Promise<void> {
    this.#bindings.set(`${binding.namespace}/${binding.trigger}`, structuredClone(binding));
  }

  async get(namespace: string, trigger: string): Promise<FeedBinding | undefined> {
    const b = this.#bindings.get(`${namespace}/${trigger}`);
    return b && structuredClone(b);
  }

  async delete(namespace: string, trigger: string): Promise<boolean> {
    return this.#bindings.delete(`${namespace}/${trigger}`);
  }

  async list(): Promise<FeedBinding[]> {
    return [...this.#bindings.values()].map((b) => structuredClone(b));
  }

  async markFired(feedId: string, partition: number, offset: number): Promise<void> {
    let m = this.#fired.get(feedId);
    if (!m) this.#fired.set(feedId, (m = new Map()));
    m.set(partition, Math.max(offset, m.get(partition) ?? -1));
  }

  async firedThrough(feedId: string, partition: number): Promise<number> {
    return this.#fired.get(feedId)?.get(partition) ?? -1;
  }

  async clearFired(feedId: string): Promise<void> {
    this.#fired.delete(feedId);
  }

  async pushDeadLetter(namespace: string, trigger: string, entry: DeadLetter, cap: number): Promise<void> {
    const k = `${namespace}/${trigger}`;
    const list = [structuredClone(entry), ...(this.#dead.get(k) ?? [])].slice(0, cap);
    this.#dead.set(k, list);
  }

  async deadLetters(namespace: string, trigger: string, options: ListOptions): Promise<DeadLetter[]> {
    return (this.#dead.get(`${namespace}/${trigger}`) ?? []).slice(options.skip, options.skip + options.limit).map((d) => structuredClone(d));
  }

  async clearDeadLetters(namespace: string, trigger: string): Promise<void> {
    this.#dead.delete(`${namespace}/${trigger}`);
  }
}
