// ThrottleStore in process memory: fixed per-minute windows and expiring in-flight sets.
import type { ThrottleDecision, ThrottleStore } from './throttle-store.js';

export class MemoryThrottleStore implements ThrottleStore {
  readonly #minutes = new Map<string, { minute: number; count: number }>();
  readonly #inFlight = new Map<string, Map<string, number>>();

  async countInvocation(namespace: string, limit: number): Promise<ThrottleDecision> {
    const minute = Math.floor(Date.now() / 60_000);
    let w = this.#minutes.get(namespace);
    if (!w || w.minute !== minute) {
      w = { minute, count: 0 };
      this.#minutes.set(namespace, w);
    }
    if (w.count + 1 > limit) return { allowed: false, count: w.count + 1 };
    w.count++;
    return { allowed: true, count: w.count };
  }

  async acquireConcurrent(namespace: string, activationId: string, limit: number, ttlMs: number): Promise<ThrottleDecision> {
    const set = this.#live(namespace);
    if (set.has(activationId)) {
      set.set(activationId, Date.now() + ttlMs);
      return { allowed: true, count: set.size };
    }
    if (set.size + 1 > limit) return { allowed: false, count: set.size + 1 };
    set.set(activationId, Date.now() + ttlMs);
    return { allowed: true, count: set.size };
  }

  async releaseConcurrent(namespace: string, activationId: string): Promise<boolean> {
    return this.#live(namespace).delete(activationId);
  }

  async concurrent(namespace: string): Promise<number> {
    return this.#live(namespace).size;
  }

  #live(namespace: string): Map<string, number> {
    let set = this.#inFlight.get(namespace);
    if (!set) {
      set = new Map();
      this.#inFlight.set(namespace, set);
    }
    const now = Date.now();
    for (const [id, expires] of set) if (expires <= now) set.delete(id);
    return set;
  }
}
