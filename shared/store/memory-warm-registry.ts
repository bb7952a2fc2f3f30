// WarmRegistry in process memory: entries expire with the invoker's last write, like Redis' TTL.
import type { WarmCounts, WarmRegistry } from './warm-registry.js';

interface InvokerEntry {
  expires: number;
  actions: Map<string, WarmCounts>;
}

export class MemoryWarmRegistry implements WarmRegistry {
  readonly #invokers = new Map<string, InvokerEntry>();

  async replace(invoker: string, snapshot: Record<string, WarmCounts>, ttlMs: number): Promise<void> {
    const actions = new Map(Object.entries(snapshot).filter(([, c]) => c.warm > 0).map(([k, c]) => [k, { ...c }] as const));
    this.#invokers.set(invoker, { expires: Date.now() + ttlMs, actions });
  }

  async set(invoker: string, actionKey: string, counts: WarmCounts, ttlMs: number): Promise<void> {
    const entry = this.#live(invoker) ?? { expires: 0, actions: new Map<string, WarmCounts>() };
    if (counts.warm > 0) entry.actions.set(actionKey, { ...counts });
    else entry.actions.delete(actionKey);
    entry.expires = Date.now() + ttlMs;
    this.#invokers.set(invoker, entry);
  }

  async refresh(invoker: string, ttlMs: number): Promise<void> {
    const entry = this.#live(invoker) ?? { expires: 0, actions: new Map<string, WarmCounts>() };
    entry.expires = Date.now() + ttlMs;
    this.#invokers.set(invoker, entry);
  }

  async remove(invoker: string): Promise<void> {
    this.#invokers.delete(invoker);
  }

  async forAction(actionKey: string): Promise<Record<string, WarmCounts>> {
    const out: Record<string, WarmCounts> = {};
    for (const id of this.#invokers.keys()) {
      const c = this.#live(id)?.actions.get(actionKey);
      if (c) out[id] = { ...c };
    }
    return out;
  }

  async forInvoker(invoker: string): Promise<Record<string, WarmCounts>> {
    const entry = this.#live(invoker);
    return entry ? Object.fromEntries([...entry.actions].map(([k, c]) => [k, { ...c }])) : {};
  }

  #live(invoker: string): InvokerEntry | undefined {
    const e = this.#invokers.get(invoker);
    if (e && e.expires <= Date.now()) {
      this.#invokers.delete(invoker);
      return undefined;
    }
    return e;
  }
}
