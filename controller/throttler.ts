// OpenWhisk's namespace throttles in front of invoke: invocations per minute and concurrent
// activations, counted in the shared ThrottleStore so every controller sees the same numbers.
import type { Identity } from '../shared/store/auth-store.js';
import type { NamespaceLimits } from '../shared/store/namespace-limits.js';
import type { ThrottleStore } from '../shared/store/throttle-store.js';
import { ApiError } from './api-error.js';

export class Throttler {
  readonly #store: ThrottleStore;
  readonly #defaults: Required<NamespaceLimits>;

  constructor(store: ThrottleStore, defaults: Required<NamespaceLimits>) {
    this.#store = store;
    this.#defaults = defaults;
  }

  /** Counts the request; 429 with OpenWhisk's message when over the per-minute limit. */
  async checkRate(identity: Identity): Promise<void> {
    const allowed = identity.limits.invocationsPerMinute ?? this.#defaults.invocationsPerMinute;
    const d = await this.#store.countInvocation(identity.namespace, allowed);
    if (!d.allowed) throw new ApiError(429, `Too many requests in the last minute (count: ${d.count}, allowed: ${allowed}).`);
  }

  /** Counts a trigger fire; 429 when over the namespace's fires per minute (OpenWhisk's firesPerMinute). */
  async checkFireRate(identity: Identity): Promise<void> {
    const allowed = identity.limits.firesPerMinute ?? this.#defaults.firesPerMinute;
    // '/' never occurs in a namespace name: the fire counter cannot collide with a namespace's own.
    const d = await this.#store.countInvocation(`${identity.namespace}/fires`, allowed);
    if (!d.allowed) throw new ApiError(429, `Too many trigger fires in the last minute (count: ${d.count}, allowed: ${allowed}).`);
  }

  /** Holds a concurrency slot for the activation until release() or ttlMs; 429 when none is free. */
  async acquire(identity: Identity, activationId: string, ttlMs: number): Promise<void> {
    const allowed = identity.limits.concurrentInvocations ?? this.#defaults.concurrentInvocations;
    const d = await this.#store.acquireConcurrent(identity.namespace, activationId, allowed, ttlMs);
    if (!d.allowed) throw new ApiError(429, `Too many concurrent requests in flight (count: ${d.count}, allowed: ${allowed}).`, { 'retry-after': '1' });
  }

  release(identity: Identity, activationId: string): void {
    this.#store.releaseConcurrent(identity.namespace, activationId).catch((err: unknown) => {
      // The slot then expires with its TTL; worth a line, not a failed request.
      console.error(`controller: releasing throttle slot of ${activationId} failed:`, err);
    });
  }
}
