// Greedy-Dual keep-alive (FaasCache, Fuerst & Sharma, ASPLOS'21): which idle isolate to evict
// when the pool needs memory. Each idle isolate has priority
//
//     clock + frequency(action) × cost(action) / size(isolate)
//
// where cost is what a cold start of that action costs (isolate + namespace + init, measured),
// size its memory limit, and frequency how often the action ran while it had warm isolates. The
// lowest priority goes first and the clock advances to it, so priorities of isolates that stay
// unused age relative to newly used ones (the LRU part). Compared with plain LRU (OpenWhisk's
// policy) it keeps small, frequently used and expensive-to-start functions warm and lets large,
// rare, cheap-to-start ones go first; FaasCache reports >3× less cold-start overhead for the same
// memory on Azure traces. A blank prewarm has no frequency, so its priority is the clock: it is
// the cheapest thing to lose.

/** Ordering of idle isolates for eviction. Contract: lower priority is evicted first. */
export class GreedyDual {
  private clock = 0;
  private readonly stats = new Map<string, { frequency: number; costMs: number }>();

  /** An activation of `key` ran (warm or not); `coldCostMs` when this run paid a cold start. */
  recordUse(key: string, coldCostMs?: number): void {
    const s = this.stats.get(key) ?? { frequency: 0, costMs: 1 };
    s.frequency += 1;
    if (coldCostMs !== undefined) s.costMs = Math.max(coldCostMs, 0.01);
    this.stats.set(key, s);
  }

  /** Priority of an idle isolate of `key` (null: a blank prewarm) of `sizeMb`, as of now. */
  priority(key: string | null, sizeMb: number): number {
    if (key === null) return this.clock;
    const s = this.stats.get(key);
    if (!s) return this.clock;
    return this.clock + (s.frequency * s.costMs) / Math.max(sizeMb, 1);
  }

  /** The victim with this priority was evicted: the clock advances to it (inflation). */
  evicted(priority: number): void {
    if (priority > this.clock) this.clock = priority;
  }

  /** The last isolate of `key` is gone: its frequency starts over (as in FaasCache). */
  forget(key: string): void {
    this.stats.delete(key);
  }

  get now(): number {
    return this.clock;
  }
}
