// The deadlines of calls into isolates share one Node timer: a call that ends in time leaves no
// timer behind and arms none (what made V8 re-optimise Node's timer code over and over in a sandbox
// process, its malloc memory creeping up: call-deadlines.ts). Counts, not timings: fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallDeadlines } from '../../../invoker/isolate/call-deadlines.js';

describe('CallDeadlines', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('arms one timer for many calls and none for calls that end in time', () => {
    const d = new CallDeadlines();
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const first = d.add(60_000, () => undefined);
    for (let i = 0; i < 1_000; i++) d.add(60_000, () => undefined).cancel();
    first.cancel();
    // 1,001 calls ended in time: nothing pending, one timer armed in all (a timer per call: 1,001).
    expect(d.size).toBe(0);
    expect(armed).toHaveBeenCalledTimes(1);
    armed.mockRestore();
    // It fires once for nothing and is not armed again.
    vi.advanceTimersByTime(60_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs each deadline once, in order, at its time; a cancelled one never', () => {
    const d = new CallDeadlines();
    const fired: string[] = [];
    d.add(300, () => fired.push('c'));
    const b = d.add(200, () => fired.push('b'));
    d.add(100, () => fired.push('a'));
    d.add(250, () => fired.push('x')).cancel();
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual(['a', 'b', 'c']);
    b.cancel(); // after it fired: nothing
    expect(d.size).toBe(0);
  });

  it('keeps the heap ordered through removals from the middle', () => {
    const d = new CallDeadlines();
    const fired: number[] = [];
    const handles = Array.from({ length: 200 }, (_, i) => d.add(1 + ((i * 37) % 200), () => fired.push(1 + ((i * 37) % 200))));
    for (let i = 0; i < 200; i += 3) handles[i]!.cancel();
    vi.advanceTimersByTime(1_000);
    const expected = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? null : 1 + ((i * 37) % 200))).filter((x): x is number => x !== null).sort((a, b) => a - b);
    expect(fired).toEqual(expected);
  });
});
