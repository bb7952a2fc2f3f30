// The warm-isolate registry as placement reads it: forAction() answers from memory for ttlMs
// after a read, per action key, so a busy action costs the registry one read per ttlMs instead of
// one per activation (3 Redis commands each in a cluster). The registry only steers placement
// (warm preference); placement's capacity comes from the heartbeats and this controller's own
// in-flight count, which are never cached. A read that fails is not kept.
import type { WarmCounts, WarmRegistry } from '../shared/store/warm-registry.js';

/** Keys remembered; past it, the entry kept longest goes. */
const MAX_ENTRIES = 10_000;

interface Entry {
  at: number;
  counts: Promise<Record<string, WarmCounts>>;
}

/** `registry` with forAction() answered from memory for `ttlMs` (0: every read goes to the registry). */
export function cachedWarmReads(registry: WarmRegistry, ttlMs: number, now: () => number = Date.now): WarmRegistry {
  if (ttlMs <= 0) return registry;
  const entries = new Map<string, Entry>();
  return {
    replace: (invoker, snapshot, ms) => registry.replace(invoker, snapshot, ms),
    set: (invoker, key, counts, ms) => registry.set(invoker, key, counts, ms),
    refresh: (invoker, ms) => registry.refresh(invoker, ms),
    remove: (invoker) => registry.remove(invoker),
    forInvoker: (invoker) => registry.forInvoker(invoker),
    forAction(key) {
      const t = now();
      const hit = entries.get(key);
      if (hit && t - hit.at < ttlMs) return hit.counts;
      // Concurrent callers of one key share the read in flight.
      const counts = registry.forAction(key);
      const entry: Entry = { at: t, counts };
      entries.delete(key);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, entry);
      counts.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return counts;
    },
  };
}
