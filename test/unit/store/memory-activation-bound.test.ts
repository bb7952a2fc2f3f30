// The in-memory activation store's size bound: a standalone process at full speed must not grow
// without limit. Without the bound the store below would hold all 400 records (about 4 MB).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryActivationStore } from '../../../shared/store/memory-activation-store.js';
import { record } from './store-conformance.js';

describe('MemoryActivationStore size bound', () => {
  it('drops the oldest records past its byte bound and keeps the newest', async () => {
    const store = new MemoryActivationStore(60_000, 200_000);
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) {
      const r = record('ns', 'big', 1_000 + i);
      r.response.result = { blob: 'x'.repeat(10_000) };
      ids.push(r.activationId);
      expect(await store.putIfAbsent(r)).toBe(true);
      expect(store.bytes).toBeLessThanOrEqual(200_000);
    }
    expect(await store.get(ids[0]!)).toBeUndefined();
    expect(await store.get(ids[399]!)).toBeDefined();
    const kept = await store.list('ns', { limit: 1000, skip: 0 });
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(20);
    // The newest first, and none missing from the newest end.
    expect(kept.map((r) => r.activationId)).toEqual(ids.slice(400 - kept.length).reverse());
  });

  afterEach(() => vi.useRealTimers());

  it('drops expired records on its periodic purge (every 1000th write), the live ones kept', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryActivationStore(1_000, 100_000_000);
    for (let i = 0; i < 600; i++) await store.putIfAbsent(record('ns', 'old', i));
    vi.setSystemTime(1_000_000 + 5_000);
    const fresh: string[] = [];
    for (let i = 0; i < 400; i++) {
      const r = record('ns', 'new', i);
      fresh.push(r.activationId);
      await store.putIfAbsent(r);
    }
    // What one record counts for (its JSON, header and index share), in a store of its own.
    const one = new MemoryActivationStore(1_000, 100_000_000);
    await one.putIfAbsent(record('ns', 'new', 0));
    const perRecord = one.bytes;
    // The 1000th write purged the 600 expired records: only the 400 live ones are still counted.
    expect(store.bytes).toBeLessThan(401 * (perRecord + 8));
    expect(store.bytes).toBeGreaterThan(399 * (perRecord - 8));
    expect(await store.get(fresh[0]!)).toBeDefined();
  });

  it('still refuses a second record for an id it holds, and accounts for a replaced expired one', async () => {
    const store = new MemoryActivationStore(50, 1_000_000);
    const r = record('ns', 'a', 1);
    expect(await store.putIfAbsent(r)).toBe(true);
    expect(await store.putIfAbsent(r)).toBe(false);
    const once = store.bytes;
    await new Promise((res) => setTimeout(res, 80));
    expect(await store.putIfAbsent(r)).toBe(true);
    expect(store.bytes).toBe(once);
  });

  it('keeps records across many chunks in order as the front moves, a replaced expired record listed once', async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    // A 64 KiB bound: 4 KiB chunks of about ten records each, so the front crosses chunk after chunk.
    const store = new MemoryActivationStore(1_000, 64 * 1024);
    const ids: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const r = record(i % 2 === 0 ? 'ns' : 'other', 'many', 10_000 + i);
      ids.push(r.activationId);
      await store.putIfAbsent(r);
      expect(store.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    const kept = await store.list('ns', { limit: 10_000, skip: 0 });
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.map((r) => r.activationId)).toEqual(ids.filter((_, i) => i % 2 === 0).slice(-kept.length).reverse());
    expect((await store.get(ids[1_999]!))?.namespace).toBe('other');
    expect(await store.get(ids[0]!)).toBeUndefined();
    // The newest record expires and is written again under its id: one record, the new one.
    vi.setSystemTime(2_000_000 + 5_000);
    const again = record('ns', 'many', 99_999, ids[1_998]!);
    expect(await store.putIfAbsent(again)).toBe(true);
    expect((await store.list('ns', { limit: 10, skip: 0 })).map((r) => r.start)).toEqual([99_999]);
  });
});
