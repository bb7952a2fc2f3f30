// The Kafka feed's back-pressure: up to four partitions wait for a handler slot at once, and every
// freed slot must wake a waiter at once. The feed once kept a single wake-up callback, so all but
// the last waiter slept until a 1 s poll; with timers frozen, that design fails this test.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapacityGate } from '../../../shared/bus/capacity-gate.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('CapacityGate', () => {
  it('wakes one waiter per released slot, in arrival order, without any timer', async () => {
    vi.useFakeTimers();
    const gate = new CapacityGate(1);
    expect(gate.tryAcquire()).toBe(true);
    const woke: number[] = [];
    const waiters = [1, 2, 3, 4].map((i) => gate.acquire().then((ok) => { woke.push(i); return ok; }));
    await settle();
    expect(woke).toEqual([]);
    for (let i = 1; i <= 4; i++) {
      gate.release();
      await settle();
      expect(woke).toEqual([1, 2, 3, 4].slice(0, i));
    }
    expect(await Promise.all(waiters)).toEqual([true, true, true, true]);
    expect(gate.tryAcquire()).toBe(false); // the last waiter still holds the slot
  });

  it('never lets more than the limit through, and close() releases every waiter with false', async () => {
    vi.useFakeTimers();
    const gate = new CapacityGate(2);
    expect(gate.tryAcquire()).toBe(true);
    expect(await gate.acquire()).toBe(true);
    expect(gate.tryAcquire()).toBe(false);
    const waiting = [gate.acquire(), gate.acquire()];
    gate.close();
    expect(await Promise.all(waiting)).toEqual([false, false]);
    expect(await gate.acquire()).toBe(false);
  });
});
