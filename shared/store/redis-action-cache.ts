// An ActionStore in front of RedisActionStore that answers get() from memory: a controller reads
// the invoked action on every activation, and the action changes rarely. Every action write
// publishes its key on {p}actions:changed in the write's own script (redis-action-store.ts); this
// cache listens there on a connection of its own and drops the key. It only answers from memory
// while that subscription is up: from a disconnect until it is subscribed again it reads Redis
// and has forgotten everything, so a change it could have missed is never served.
//
// What a controller sees: a write through this process is seen by its next read; a write through
// another controller is seen once its publication arrives (Redis sends it before it answers the
// writer, so a client that waits for its PUT before invoking elsewhere is all but never early).
import { Redis } from 'ioredis';
import type { Action } from '../model/action.js';
import { deepFreeze } from '../model/deep-freeze.js';
import type { ActionInput, ActionStore, ListOptions, PutActionResult } from './action-store.js';
import { actionKey, actionsChangedChannel } from './redis-action-store.js';

/** Actions kept; past it, the entry kept longest goes. */
const MAX_ENTRIES = 1_000;
/** Larger code is not kept: the cache is for the many small functions, not for archives. */
const MAX_CODE_CHARS = 256 * 1024;

export class RedisActionCache implements ActionStore {
  readonly #store: ActionStore;
  readonly #prefix: string;
  readonly #subscriber: Redis;
  /** action key → the frozen action. */
  readonly #entries = new Map<string, Action>();
  /** Bumped by every change heard of: a read that started before one does not fill the cache. */
  #generation = 0;
  #listening = false;
  /** Reads answered from memory and from Redis, for tests and metrics. */
  readonly counters = { hits: 0, misses: 0 };

  private constructor(store: ActionStore, prefix: string, subscriber: Redis) {
    this.#store = store;
    this.#prefix = prefix;
    this.#subscriber = subscriber;
    subscriber.on('message', (_channel: string, key: string) => this.#forget(key));
    // Whatever happened while the subscription was down is unknown: forget everything, and read
    // Redis until this cache has subscribed again (the changes from then on all arrive).
    subscriber.on('close', () => this.#stopListening());
    subscriber.on('error', () => this.#stopListening());
    subscriber.on('ready', () => {
      this.#stopListening();
      subscriber.subscribe(actionsChangedChannel(prefix)).then(() => { this.#listening = true; }, () => undefined);
    });
  }

  /** The cache over `store`, subscribed (its own connection to `url`) before it answers. */
  static async start(store: ActionStore, url: string, prefix: string): Promise<RedisActionCache> {
    // Named, so an operator (or a test) can tell it from the stores' connection in CLIENT LIST.
    const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, autoResubscribe: false, connectionName: `${prefix}action-cache` });
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    await subscriber.subscribe(actionsChangedChannel(prefix));
    const cache = new RedisActionCache(store, prefix, subscriber);
    cache.#listening = true;
    return cache;
  }

  async get(namespace: string, name: string): Promise<Action | undefined> {
    const key = actionKey(this.#prefix, namespace, name);
    const hit = this.#listening ? this.#entries.get(key) : undefined;
    if (hit) {
      this.counters.hits++;
      return hit;
    }
    this.counters.misses++;
    const generation = this.#generation;
    const action = await this.#store.get(namespace, name);
    // Misses are not kept: a create is rare and must be seen at once.
    if (action && this.#listening && generation === this.#generation && action.exec.code.length <= MAX_CODE_CHARS) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      const frozen = deepFreeze(action);
      this.#entries.set(key, frozen);
      return frozen;
    }
    return action;
  }

  async put(input: ActionInput, options: { overwrite: boolean }): Promise<PutActionResult> {
    try {
      return await this.#store.put(input, options);
    } finally {
      this.#forget(actionKey(this.#prefix, input.namespace, input.name));
    }
  }

  list(namespace: string, options: ListOptions): Promise<Action[]> {
    return this.#store.list(namespace, options);
  }

  async delete(namespace: string, name: string): Promise<Action | undefined> {
    try {
      return await this.#store.delete(namespace, name);
    } finally {
      this.#forget(actionKey(this.#prefix, namespace, name));
    }
  }

  /** Ends the subscription's connection (the store's own connection belongs to its owner). */
  close(): void {
    this.#stopListening();
    this.#subscriber.disconnect();
  }

  #forget(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  #stopListening(): void {
    this.#listening = false;
    this.#generation++;
    this.#entries.clear();
  }
}
