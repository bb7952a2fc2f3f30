import { describe, expect, it } from 'vitest';
import { actionHash, fits, javaHash, pairwiseCoprimes, place, probeOrder, type Candidate, type PlacementRequest } from '../../../controller/placement.js';

const ring = (n: number, over: Partial<Candidate> = {}): Candidate[] =>
  Array.from({ length: n }, (_, i) => ({ id: `inv${String(i).padStart(2, '0')}`, usable: true, freeMb: 1024, inFlightOfAction: 0, idleWarm: 0, ...over }));
const req: PlacementRequest = { namespace: 'guest', fqn: 'guest/hello', memoryMb: 256, concurrency: 1 };

describe('placement (ShardingContainerPoolBalancer)', () => {
  it('hashes like Java and combines namespace and action as OpenWhisk does', () => {
    expect(javaHash('hello')).toBe(99162322);
    expect(javaHash('')).toBe(0);
    expect(javaHash('a much longer string that overflows 32 bits')).toBe(javaHash('a much longer string that overflows 32 bits') | 0);
    expect(actionHash('guest', 'guest/hello')).toBe(Math.abs(javaHash('guest') ^ javaHash('guest/hello')));
  });

  it('computes pairwise coprime step sizes and the scaladoc probe order', () => {
    expect(pairwiseCoprimes(10)).toEqual([1, 3, 7]);
    expect(pairwiseCoprimes(1)).toEqual([1]);
    expect(pairwiseCoprimes(7)).toEqual([1, 2, 3, 5]);
    // ShardingContainerPoolBalancer scaladoc: 10 invokers, hash 13 → home 3, step 3.
    expect(probeOrder(13, 10)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7, 0]);
    for (let n = 1; n <= 16; n++) {
      for (const h of [0, 5, 13, 12345]) expect(new Set(probeOrder(h, n)).size).toBe(n);
    }
  });

  it('places on the home invoker when it is usable and has room', () => {
    const c = ring(10);
    const home = probeOrder(actionHash(req.namespace, req.fqn), 10)[0]!;
    expect(place(c, req)).toEqual({ invoker: c[home]!.id, reason: 'home' });
    // Same action, same answer: the hash is stable.
    expect(place(c, req)).toEqual(place(ring(10), req));
  });

  it('probes past unusable and full invokers in step order, and keeps the ring when one is down', () => {
    const c = ring(5);
    const order = probeOrder(actionHash(req.namespace, req.fqn), 5);
    c[order[0]!]!.usable = false;
    c[order[1]!]!.freeMb = 100;
    expect(place(c, req)).toEqual({ invoker: c[order[2]!]!.id, reason: 'probe' });
  });

  it('prefers an invoker with an idle warm isolate of the action over home', () => {
    const c = ring(5);
    const order = probeOrder(actionHash(req.namespace, req.fqn), 5);
    c[order[3]!]!.idleWarm = 1;
    expect(place(c, req)).toEqual({ invoker: c[order[3]!]!.id, reason: 'warm' });
    // …but not when that invoker is stale or full.
    c[order[3]!]!.usable = false;
    expect(place(c, req)?.reason).toBe('home');
  });

  it('lets concurrent activations share an isolate without more memory', () => {
    const c: Candidate = { id: 'a', usable: true, freeMb: 0, inFlightOfAction: 1, idleWarm: 0 };
    expect(fits(c, { ...req, concurrency: 4 })).toBe(true);
    expect(fits({ ...c, inFlightOfAction: 4 }, { ...req, concurrency: 4 })).toBe(false);
    expect(fits(c, req)).toBe(false);
  });

  it('queues on the usable invoker with most room when all are full, and answers none when none is usable', () => {
    const c = ring(3, { freeMb: 0 });
    c[1]!.freeMb = 100;
    expect(place(c, req)).toEqual({ invoker: c[1]!.id, reason: 'overload' });
    expect(place(ring(3, { usable: false }), req)).toBeUndefined();
    expect(place([], req)).toBeUndefined();
  });

  it('walks the probe order in place exactly as the probe order lists it (random rings and ring sizes, resized rings)', () => {
    // The order-based placement as it was written before place() walked the ring without arrays.
    const byOrder = (candidates: Candidate[], r: PlacementRequest): ReturnType<typeof place> => {
      const order = probeOrder(actionHash(r.namespace, r.fqn), candidates.length).map((i) => candidates[i]!);
      const warm = order.find((c) => c.idleWarm > 0 && fits(c, r));
      if (warm) return { invoker: warm.id, reason: 'warm' };
      const first = order.findIndex((c) => fits(c, r));
      if (first >= 0) return { invoker: order[first]!.id, reason: first === 0 ? 'home' : 'probe' };
      let best: Candidate | undefined;
      for (const c of order) if (c.usable && (!best || c.freeMb > best.freeMb)) best = c;
      return best && { invoker: best.id, reason: 'overload' };
    };
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let k = 0; k < 3_000; k++) {
      const candidates = Array.from({ length: rand(9) }, (_, i) => ({
        id: `inv${i}`, usable: rand(4) > 0, freeMb: rand(3) * 256, inFlightOfAction: rand(3), idleWarm: rand(3) === 0 ? 1 : 0,
      }));
      const r = { namespace: `ns${rand(50)}`, fqn: `ns/a${rand(50)}`, memoryMb: 256, concurrency: 1 + rand(2) };
      expect(place(candidates, r)).toEqual(byOrder(candidates, r));
    }
  });
});
