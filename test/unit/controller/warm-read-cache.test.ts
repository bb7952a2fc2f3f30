import { describe, expect, it } from 'vitest';
import { cachedWarmReads } from '../../../controller/warm-read-cache.js';
import { MemoryWarmRegistry } from '../../../shared/store/memory-warm-registry.js';
import type { WarmCounts, WarmRegistry } from '../../../shared/store/warm-registry.js';

const counts = (idle: number): WarmCounts => ({ revision: 'r', warm: 1, idle, busy: 1 - idle });

/** A registry that counts forAction reads and can be made to fail. */
function counted(inner: WarmRegistry): { registry: WarmRegistry; reads: () => number; fail: (on: boolean) => void } {
  let reads = 0;
  let failing = false;
  const registry: WarmRegistry = {
    replace: (i, s, t) => inner.replace(i, s, t),
    set: (i, k, c, t) => inner.set(i, k, c, t),
    refresh: (i, t) => inner.refresh(i, t),
    remove: (i) => inner.remove(i),
    forInvoker: (i) => inner.forInvoker(i),
    forAction: (k) => {
      reads++;
      return failing ? Promise.reject(new Error('registry down')) : inner.forAction(k);
    },
  };
  return { registry, reads: () => reads, fail: (on) => { failing = on; } };
}

describe('cachedWarmReads', () => {
  it('answers a key from memory for ttlMs after a read, then reads the registry again', async () => {
    let t = 1_000;
    const inner = new MemoryWarmRegistry();
    const { registry, reads } = counted(inner);
    const cached = cachedWarmReads(registry, 100, () => t);
    await inner.set('inv0', 'k', counts(1), 60_000);
    expect(await cached.forAction('k')).toEqual({ inv0: counts(1) });
    await inner.set('inv0', 'k', counts(0), 60_000);
    t += 99;
    expect(await cached.forAction('k')).toEqual({ inv0: counts(1) });
    expect(reads()).toBe(1);
    t += 1;
    expect(await cached.forAction('k')).toEqual({ inv0: counts(0) });
    expect(reads()).toBe(2);
    // Another key has its own entry.
    expect(await cached.forAction('other')).toEqual({});
    expect(reads()).toBe(3);
  });

  it('does not keep a failed read: the next caller asks the registry again', async () => {
    const inner = new MemoryWarmRegistry();
    const { registry, reads, fail } = counted(inner);
    const cached = cachedWarmReads(registry, 60_000);
    fail(true);
    await expect(cached.forAction('k')).rejects.toThrow('registry down');
    fail(false);
    expect(await cached.forAction('k')).toEqual({});
    expect(reads()).toBe(2);
  });

  it('with ttlMs 0 is the registry itself', () => {
    const inner = new MemoryWarmRegistry();
    expect(cachedWarmReads(inner, 0)).toBe(inner);
  });
});
