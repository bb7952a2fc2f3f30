import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { busConformance } from '../../harness/bus-conformance.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';

const buses: InProcessBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

busConformance('in-process', () => {
  const bus = new InProcessBus();
  buses.push(bus);
  const prefix = uniquePrefix('ip');
  return { bus: () => bus, topic: (name) => prefix + name, marksFirstDelivery: true };
});

describe('in-process bus: firstDelivery', () => {
  it('marks a first delivery on a copy: another group of the topic, retrying the same message, sees no mark', async () => {
    const bus = new InProcessBus();
    buses.push(bus);
    const topic = uniquePrefix('ip-first');
    const seen: Array<{ group: string; first: boolean }> = [];
    let failedOnce = false;
    await bus.subscribe({ topic, group: 'a', maxInFlight: 1, handle: async (m) => { seen.push({ group: 'a', first: m.firstDelivery === true }); } });
    await bus.subscribe({ topic, group: 'b', maxInFlight: 1, handle: async (m) => {
      seen.push({ group: 'b', first: m.firstDelivery === true });
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('deliberate failure: redelivered');
      }
    } });
    await bus.publish(topic, [{ value: Buffer.from('{}') }]);
    await waitFor('the retry in group b', () => seen.filter((s) => s.group === 'b').length === 2, { timeoutMs: 5_000 });
    expect(seen.filter((s) => s.group === 'a')).toEqual([{ group: 'a', first: true }]);
    expect(seen.filter((s) => s.group === 'b').map((s) => s.first)).toEqual([true, false]);
  });
});

describe('in-process bus: what it holds', () => {
  // The log holds acknowledged messages for groups yet to come (up to 1024 a topic). A short
  // Buffer.from is a slice of Node's pool slab (64 KiB in Node 24): the invokers' heartbeats, one a
  // second, each pinned a slab for ~17 minutes, the standalone's growth in the soak.
  it('keeps its own copy of a Buffer that is a slice of a larger one, with the encoder\'s object', async () => {
    const bus = new InProcessBus();
    buses.push(bus);
    const topic = uniquePrefix('ip-own');
    const handed = Symbol('handed');
    const seen: Buffer[] = [];
    await bus.subscribe({ topic, group: 'a', maxInFlight: 4, handle: async (m) => { seen.push(m.value); } });
    const pooled = Object.assign(Buffer.from('{"beat":1}'), { [handed]: { beat: 1 } });
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength); // the premise: a pool slice
    const own = Buffer.allocUnsafeSlow(2).fill('{}');
    await bus.publish(topic, [{ value: pooled }, { value: own }]);
    await waitFor('both delivered', () => seen.length === 2, { timeoutMs: 5_000 });
    expect(seen[0]!.toString()).toBe('{"beat":1}');
    expect(seen[0]!.buffer.byteLength).toBe(seen[0]!.byteLength);
    expect((seen[0] as unknown as Record<symbol, unknown>)[handed]).toEqual({ beat: 1 });
    // A Buffer of its own is held as it is (the standalone's handed messages: no copy per activation).
    expect(seen[1]).toBe(own);
  });
});
