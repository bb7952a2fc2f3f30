// Quarantine bookkeeping (invoker/sandbox/quarantine.ts): a seat per namespace up to the bound,
// shared beyond it, expiry, and empty seats handed back for their sandboxes to be retired.
import { describe, expect, it } from 'vitest';
import { Quarantine } from '../../../invoker/sandbox/quarantine.js';

describe('Quarantine', () => {
  it('gives each namespace its own seat up to the bound, then the least occupied one, shared', () => {
    const q = new Quarantine(2, 1000);
    const a = q.add('a', 0);
    const b = q.add('b', 0);
    expect(a).toEqual({ seat: 1, shared: false });
    expect(b).toEqual({ seat: 2, shared: false });
    const c = q.add('c', 0);
    expect(c.shared).toBe(true);
    expect(q.seatCount).toBe(2);
    expect(q.add('a', 10)).toEqual({ seat: 1, shared: c.seat === 1 }); // extending keeps the seat
  });

  it('ends a quarantine at its time, and hands back empty seats that are not busy', () => {
    const q = new Quarantine(4, 1000);
    q.add('a', 0);
    q.add('b', 500);
    expect(q.seatOf('a', 999)).toBe(1);
    expect(q.seatOf('a', 1000)).toBeNull();
    expect(q.takeEmptySeats(1000, () => true)).toEqual([]); // busy: kept
    expect(q.takeEmptySeats(1000, () => false)).toEqual([1]);
    expect(q.seatOf('b', 1000)).toBe(2);
    expect(q.add('c', 1000)).toEqual({ seat: 3, shared: false }); // seat numbers are never reused
  });
});
