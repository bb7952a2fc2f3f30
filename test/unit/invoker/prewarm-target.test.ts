// The reactive prewarm policy alone (OpenWhisk's reactive stem cells): bounds, the quiet sweep, the pause.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrewarmTarget } from '../../../invoker/pool/prewarm-target.js';

describe('PrewarmTarget', () => {
  it('raises the target per cold start of its memory size up to max, and a quiet sweep lowers it to count', () => {
    const t = new PrewarmTarget({ count: 2, memoryMb: 256, max: 4 });
    t.coldStart(128); // another size: not a miss of the stem cells
    expect(t.goal).toBe(2);
    for (let i = 0; i < 5; i++) t.coldStart(256);
    expect(t.goal).toBe(4);
    expect(t.sweep(4)).toBe(false); // the sweep that saw cold starts keeps the target
    expect(t.goal).toBe(4);
    expect(t.sweep(4)).toBe(true); // quiet: 3 wanted, 4 blank → one is a surplus
    expect(t.goal).toBe(3);
    t.sweep(3);
    t.sweep(2);
    expect(t.goal).toBe(2);
  });

  it('without max the target never rises above count', () => {
    const t = new PrewarmTarget({ count: 1, memoryMb: 256 });
    t.coldStart(256);
    expect(t.goal).toBe(1);
  });

  it('pauses prewarm starts for a second after a failed creation', () => {
    const t = new PrewarmTarget({ count: 1, memoryMb: 256 });
    expect(t.paused(1000)).toBe(false);
    t.pause(1000);
    expect(t.paused(1999)).toBe(true);
    expect(t.paused(2000)).toBe(false);
  });

  describe('refill', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits for a quiet moment: each arriving activation pushes it back, but never past its bound', () => {
      vi.useFakeTimers();
      const t = new PrewarmTarget({ count: 1, memoryMb: 256 });
      let refills = 0;
      t.refillWhenQuiet(() => refills++);
      vi.advanceTimersByTime(15);
      t.busy(); // an activation arrives: 20 ms more of quiet are needed
      vi.advanceTimersByTime(15);
      expect(refills).toBe(0);
      vi.advanceTimersByTime(10);
      expect(refills).toBe(1);
      // A steady load: an activation every 5 ms never leaves 20 ms of quiet; the refill still runs by 250 ms.
      t.refillWhenQuiet(() => refills++);
      for (let ms = 0; ms < 300 && refills === 1; ms += 5) {
        t.busy();
        vi.advanceTimersByTime(5);
      }
      expect(refills).toBe(2);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('runs a refill once however often it is asked for, and not after cancel()', () => {
      vi.useFakeTimers();
      const t = new PrewarmTarget({ count: 1, memoryMb: 256 });
      let refills = 0;
      t.refillWhenQuiet(() => refills++);
      t.refillWhenQuiet(() => refills++);
      vi.advanceTimersByTime(100);
      expect(refills).toBe(1);
      t.refillWhenQuiet(() => refills++);
      t.cancel();
      vi.advanceTimersByTime(100);
      expect(refills).toBe(1);
    });
  });
});
