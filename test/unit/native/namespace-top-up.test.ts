// The namespace cache's background top-up waits until acquires pause (native/namespace-cache.ts
// topUpSoon): an acquire is a cold start whose isolate is being made at that moment, and a creation
// beside it slowed it on a 2-core machine. Without isolation the cache creates no kernel namespace,
// so this runs anywhere; the timing policy is the same either way.
import { afterEach, describe, expect, it } from 'vitest';
import { createNamespaceCache } from '../../../native/namespace-cache.js';
import type { NamespaceCache } from '../../../native/contracts.js';

const until = async (ok: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
  return ok();
};

describe('namespace cache top-up', () => {
  let cache: NamespaceCache | undefined;
  afterEach(async () => {
    await cache?.close();
    cache = undefined;
  });

  it('creates nothing beside the acquires, then tops up to the floor once they pause', async () => {
    cache = createNamespaceCache({ invokerId: 'tup1', isolation: 'off', floor: 8, ceiling: 64, log: () => undefined });
    await cache.start();
    expect(cache.stats()).toMatchObject({ free: 8, created: 8 });
    await cache.acquire();
    await new Promise((r) => setTimeout(r, 5));
    await cache.acquire();
    expect(cache.stats()).toMatchObject({ free: 6, created: 8 });
    expect(await until(() => cache!.stats().free === 8, 2000)).toBe(true);
    expect(cache.stats()).toMatchObject({ inUse: 2, created: 10 });
  });

  it('does not wait once the free list is down to a quarter of the floor', async () => {
    cache = createNamespaceCache({ invokerId: 'tup2', isolation: 'off', floor: 8, ceiling: 64, log: () => undefined });
    await cache.start();
    for (let i = 0; i < 5; i++) await cache.acquire();
    expect(cache.stats()).toMatchObject({ free: 3, created: 8 });
    await cache.acquire(); // 2 free: a quarter of the floor
    expect(cache.stats().created).toBeGreaterThan(8);
    expect(await until(() => cache!.stats().free === 8, 2000)).toBe(true);
  });

  it('tops up under a steady stream of acquires that never pauses (bounded wait)', async () => {
    cache = createNamespaceCache({ invokerId: 'tup3', isolation: 'off', floor: 200, ceiling: 400, log: () => undefined });
    await cache.start();
    // One acquire every ~5 ms: never the quiet period, and 150 of them before the free list is low.
    for (let i = 0; i < 150 && cache.stats().created === 200; i++) {
      await cache.acquire();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(cache.stats().created).toBeGreaterThan(200);
    expect(cache.stats().free).toBeGreaterThan(50);
  });
});
