// How many blank isolates the pool keeps ready (OpenWhisk's reactive stem cells), and when a used
// one is replaced. Kept apart from the pool so that the policy reads on its own; the pool owns the
// isolates.

/** A refill waits for this long without a new activation… */
const REFILL_QUIET_MS = 20;
/** …but not longer than this after it was first asked for (a steady load never pauses). */
const REFILL_MAX_DEFER_MS = 250;

/**
 * Contract: the target stays within [count, max]; every cold start of the prewarm memory size
 * raises it by one, a sweep period without one lowers it by one; after a failed creation no
 * prewarm is started for a second (a failing isolate start must not spin).
 */
export class PrewarmTarget {
  private target: number;
  private coldMisses = 0;
  private pausedUntil = 0;
  private refillTimer: NodeJS.Timeout | null = null;
  private refillArmedAt = 0;

  constructor(private readonly spec: { count: number; memoryMb: number; max?: number }) {
    this.target = spec.count;
  }

  get memoryMb(): number {
    return this.spec.memoryMb;
  }

  /** The number of blank isolates to aim for now. */
  get goal(): number {
    return this.target;
  }

  /** A cold start of `memoryMb` happened (no blank isolate of that size was free). */
  coldStart(memoryMb: number): void {
    if (memoryMb !== this.spec.memoryMb) return;
    this.coldMisses++;
    this.target = Math.min(this.spec.max ?? this.spec.count, this.target + 1);
  }

  /** A sweep period ended: a quiet one lowers the target. Answers whether `blank` blank isolates are a surplus to dispose one of. */
  sweep(blank: number): boolean {
    if (this.coldMisses === 0 && this.target > this.spec.count) this.target--;
    this.coldMisses = 0;
    return blank > this.target;
  }

  /** A prewarm could not be created: none is started for a second. */
  pause(now = Date.now()): void {
    this.pausedUntil = now + 1000;
  }

  paused(now = Date.now()): boolean {
    return now < this.pausedUntil;
  }

  /**
   * Runs `refill` once activations pause for REFILL_QUIET_MS (at most REFILL_MAX_DEFER_MS after the
   * first ask): creating an isolate holds the thread for ~2 ms, and run at once after the cold
   * start that took a prewarm it landed on the invokes right after it (bench:after-cold, inline:
   * the first of them ~2 ms slower than the next).
   */
  refillWhenQuiet(refill: () => void): void {
    if (this.refillTimer) return this.busy();
    this.refillArmedAt = performance.now();
    this.refillTimer = setTimeout(() => {
      this.refillTimer = null;
      refill();
    }, REFILL_QUIET_MS);
    this.refillTimer.unref();
  }

  /** An activation arrived: a pending refill waits on, within its bound. */
  busy(): void {
    if (this.refillTimer && performance.now() - this.refillArmedAt < REFILL_MAX_DEFER_MS) this.refillTimer.refresh();
  }

  cancel(): void {
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = null;
  }
}
