// The deadlines of calls into isolates, on one Node timer for the whole process instead of a
// setTimeout and a clearTimeout per activation.
//
// Why: a timer per call made Node create and delete its list of timers of that duration whenever the
// calls in flight went to zero (every activation at low concurrency), and V8 deoptimised the
// optimised timer code that embedded the deleted list ("embedded weak objects cleared"), then
// optimised it again: a compile on V8's background threads every ~1,000 activations, each leaving
// holes in glibc's arenas. Through photon's runtime alone (one isolate, hello world, 160k calls)
// malloc memory grew 11 B per call with a timer per call, 1.3 B with this (bench/README.md "soak";
// the rest of the creep is sandbox-spawn.ts's mmap threshold).
//
// A binary heap of deadlines, indexed so that a call that ends removes its own in O(log n); the one
// timer is armed for the earliest deadline and left armed when that call ends early (it then fires
// once for nothing and is armed for the next), so the common path arms no timer at all.

/** A pending deadline: cancel() it when the call ends. */
export interface Deadline {
  readonly at: number;
  cancel(): void;
}

interface Entry extends Deadline {
  fn: () => void;
  /** Position in the heap; -1 once fired or cancelled. */
  i: number;
}

/**
 * Contract: `fn` of a deadline runs once, at or after `at` (performance.now() ms), unless cancel()
 * was called before; cancel() is idempotent. The timer is unref'd: it never keeps a process alive
 * (isolated-vm's pending calls do that while there are any).
 */
export class CallDeadlines {
  private readonly heap: Entry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Number.POSITIVE_INFINITY;

  /** Calls `fn` in `ms` milliseconds unless the returned deadline is cancelled first. */
  add(ms: number, fn: () => void): Deadline {
    const e: Entry = { at: performance.now() + ms, fn, i: this.heap.length, cancel: () => this.remove(e) };
    this.heap.push(e);
    this.up(e.i);
    if (e.at < this.armedAt) this.arm(e.at);
    return e;
  }

  /** Deadlines pending (tests). */
  get size(): number {
    return this.heap.length;
  }

  private remove(e: Entry): void {
    if (e.i < 0) return;
    const i = e.i;
    const last = this.heap.pop()!;
    e.i = -1;
    if (last !== e) {
      this.heap[i] = last;
      last.i = i;
      this.down(i);
      this.up(last.i);
    }
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(at - performance.now())));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const e = this.heap[0]!;
      this.remove(e);
      e.fn();
    }
    if (this.heap.length > 0 && this.timer === null) this.arm(this.heap[0]!.at);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const x = h[a]!;
    h[a] = h[b]!;
    h[b] = x;
    h[a]!.i = a;
    h[b]!.i = b;
  }
}
