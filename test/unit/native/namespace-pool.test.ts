import { describe, expect, it } from 'vitest';
import { IdAllocator } from '../../../native/id-allocator.js';
import { IllegalNamespaceTransitionError, NamespacePool } from '../../../native/namespace-pool.js';

class FakeClock {
  t = 0;
  now(): number {
    return this.t;
  }
}
const item = (id: number) => ({ id });

function filled(floor: number, ceiling: number, keepAliveMs: number, clock: FakeClock, n = floor) {
  const pool = new NamespacePool<{ id: number }>({ floor, ceiling, keepAliveMs }, clock);
  for (let i = 0; i < n; i++) pool.add(item(i));
  return pool;
}

describe('NamespacePool (Algorithm 4.2/4.3)', () => {
  it('asks the filler for the floor and never past the ceiling', () => {
    const clock = new FakeClock();
    const pool = new NamespacePool<{ id: number }>({ floor: 4, ceiling: 6, keepAliveMs: 1000 }, clock);
    expect(pool.deficit()).toBe(4);
    for (let i = 0; i < 4; i++) pool.add(item(i));
    expect(pool.deficit()).toBe(0);
    pool.take();
    pool.take();
    pool.take();
    expect(pool.deficit()).toBe(2); // wants 3 for the floor, but only 2 fit under the ceiling
    for (let i = 4; i < 7; i++) pool.lease(item(i)); // 6 leased + 1 free: over the ceiling
    expect(pool.deficit()).toBe(0);
  });

  it('hands out the most recently released namespace first', () => {
    const clock = new FakeClock();
    const pool = filled(3, 10, 1000, clock);
    const a = pool.take()!;
    const b = pool.take()!;
    pool.give(a);
    expect(pool.take()).toBe(a);
    pool.give(b);
    expect(pool.freeCount).toBe(2);
    expect(pool.leasedCount).toBe(1);
  });

  it('refuses to take back what it did not lease', () => {
    const pool = filled(1, 2, 1000, new FakeClock());
    expect(() => pool.give(item(99))).toThrow(/not leased/);
    const a = pool.take()!;
    pool.give(a);
    expect(() => pool.give(a)).toThrow(/not leased/);
  });

  it('trims free namespaces beyond the ceiling, oldest first', () => {
    const clock = new FakeClock();
    const pool = new NamespacePool<{ id: number }>({ floor: 2, ceiling: 4, keepAliveMs: 60_000 }, clock);
    const leased = Array.from({ length: 8 }, (_, i) => item(i));
    for (const l of leased) pool.lease(l);
    for (const l of leased) {
      clock.t += 10;
      pool.give(l);
    }
    expect(pool.freeCount).toBe(8);
    const trimmed = pool.trim();
    expect(trimmed.map((t) => t.id)).toEqual([0, 1, 2, 3]);
    expect(pool.freeCount).toBe(4);
    expect(pool.trim()).toEqual([]);
  });

  it('counts leased namespaces against the ceiling', () => {
    const clock = new FakeClock();
    const pool = filled(0, 4, 60_000, clock, 4);
    pool.lease(item(10));
    pool.lease(item(11));
    expect(pool.trim()).toHaveLength(2);
    expect(pool.freeCount).toBe(2);
  });

  it('trims namespaces idle past the keep-alive, but never below the floor', () => {
    const clock = new FakeClock();
    const pool = filled(2, 100, 1000, clock, 5);
    clock.t = 999;
    expect(pool.trim()).toEqual([]);
    clock.t = 1001;
    expect(pool.trim()).toHaveLength(3);
    expect(pool.freeCount).toBe(2);
    clock.t = 10_000;
    expect(pool.trim()).toEqual([]);
  });

  it('keeps recently released namespaces while trimming old ones', () => {
    const clock = new FakeClock();
    const pool = filled(0, 100, 1000, clock, 3);
    const a = pool.take()!;
    clock.t = 900;
    pool.give(a);
    clock.t = 1500;
    const trimmed = pool.trim();
    expect(trimmed).toHaveLength(2);
    expect(trimmed).not.toContain(a);
    expect(pool.take()).toBe(a);
  });

  it('drains everything on close', () => {
    const pool = filled(3, 10, 1000, new FakeClock());
    pool.take();
    expect(pool.drain()).toHaveLength(3);
    expect(pool.freeCount + pool.leasedCount).toBe(0);
  });

  it('rejects nonsensical limits', () => {
    expect(() => new NamespacePool({ floor: 5, ceiling: 4, keepAliveMs: 1 })).toThrow(RangeError);
  });
});

describe('IdAllocator', () => {
  it('never hands out an id twice while it is in use, and stays in its block', () => {
    const ids = new IdAllocator(1024, 16);
    const got = Array.from({ length: 16 }, () => ids.allocate());
    expect(new Set(got).size).toBe(16);
    expect(Math.min(...got)).toBe(1024);
    expect(Math.max(...got)).toBe(1039);
    expect(() => ids.allocate()).toThrow(/in use/);
    ids.free(1030);
    expect(ids.allocate()).toBe(1030);
  });
  it('reuses freed ids last (round-robin) and skips busy ones', () => {
    const ids = new IdAllocator(0, 4);
    expect(ids.allocate()).toBe(0);
    ids.free(0);
    expect(ids.allocate()).toBe(1);
    expect(ids.allocate((id) => id === 2)).toBe(3);
  });
  it('two invokers with disjoint blocks never share an id', () => {
    const a = new IdAllocator(1024, 1024);
    const b = new IdAllocator(2048, 1024);
    const all = new Set<number>();
    for (let i = 0; i < 1024; i++) {
      all.add(a.allocate());
      all.add(b.allocate());
    }
    expect(all.size).toBe(2048);
  });
  it('rejects blocks outside 16 bits', () => {
    expect(() => new IdAllocator(65000, 1024)).toThrow(RangeError);
  });
});

describe('NamespacePool per-namespace states (NAMESPACE_TRANSITIONS)', () => {
  it('follows free → leased → detached (unlinking) → leased → free, and trim/drain end it', () => {
    const pool = new NamespacePool<{ id: number }>({ floor: 1, ceiling: 4, keepAliveMs: 0 }, new FakeClock());
    const a = item(1);
    pool.add(a);
    expect(pool.stateOf(a)).toBe('free');
    expect(pool.take()).toBe(a);
    expect(pool.stateOf(a)).toBe('leased');
    pool.forget(a);
    expect(pool.stateOf(a)).toBe('detached');
    pool.lease(a);
    pool.give(a);
    expect(pool.stateOf(a)).toBe('free');
    const b = item(2);
    pool.lease(b);
    pool.forget(b);
    pool.destroyed(b);
    expect(pool.stateOf(b)).toBe('new'); // gone: forgotten by the pool
    expect(pool.drain()).toEqual([a]);
    expect(pool.stateOf(a)).toBe('new');
  });

  it('throws on an event the namespace\'s state does not allow', () => {
    const pool = new NamespacePool<{ id: number }>({ floor: 1, ceiling: 4, keepAliveMs: 0 }, new FakeClock());
    const a = item(1);
    pool.add(a);
    expect(() => pool.forget(a)).toThrow(IllegalNamespaceTransitionError); // a free one is not held by anyone
    expect(() => pool.add(a)).toThrow("namespace 1: 'add' is not allowed in state 'free'");
    expect(() => pool.lease(a)).toThrow(IllegalNamespaceTransitionError);
  });
});
