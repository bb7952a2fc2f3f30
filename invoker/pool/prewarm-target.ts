// How many blank isolates the pool keeps ready: OpenWhisk's reactive stem cells. Kept apart from
// the pool so that the policy (when the target moves) reads on its own; the pool owns the isolates.

/**
 * Contract: the target stays within [count, max]; every cold start of the prewarm memory size
 * raises it by one, a sweep period without one lowers it by one; after a failed creation no
 * prewarm is started for a second (a failing isolate start must not spin).
 */
export class PrewarmTarget {
  private target: number;
  private coldMisses = 0;
  private pausedUntil = 0;

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
}
