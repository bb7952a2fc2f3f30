// The cache's bookkeeping (thesis Algorithm 4.2 and 4.3) without any kernel in it, so the policy
// can be tested with an injected clock: a LIFO stack of free namespaces (the most recently used
// one is the warmest and is handed out first; the oldest sit at the bottom, where the janitor
// trims), a set of leased ones, and the floor/ceiling/keep-alive arithmetic.

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface PoolLimits {
  /** Free namespaces kept ready; the filler tops up to this and the janitor never trims below it. */
  floor: number;
  /** Most namespaces the pool keeps (free + leased); free ones beyond it are trimmed first. */
  ceiling: number;
  /** A free namespace idle this long is trimmed, as long as the floor still holds. */
  keepAliveMs: number;
}

/**
 * Where one namespace is, for the cache. `new` and `gone` are not stored (a namespace the pool
 * does not know is `new`; reaching `gone` forgets it). README has the table.
 *   free      on the free stack, ready to hand out
 *   leased    handed out (an isolate holds it)
 *   detached  taken back but not reusable yet: being unlinked from its peers, or about to be deleted
 */
export type NamespaceState = 'new' | 'free' | 'leased' | 'detached' | 'gone';
export type NamespaceEvent = 'add' | 'lease' | 'take' | 'give' | 'forget' | 'trim' | 'drain' | 'destroy';

export const NAMESPACE_TRANSITIONS: Readonly<Record<NamespaceState, Readonly<Partial<Record<NamespaceEvent, NamespaceState>>>>> = {
  // Created for the free stack, or on the caller's path when the stack was empty.
  new: { add: 'free', lease: 'leased' },
  free: { take: 'leased', trim: 'gone', drain: 'gone' },
  leased: { give: 'free', forget: 'detached', drain: 'gone' },
  // Unlinked: leased again and given back at once; or deleted (unlink failed, cache closing).
  detached: { lease: 'leased', destroy: 'gone' },
  gone: {},
};

export class IllegalNamespaceTransitionError extends Error {
  constructor(readonly id: number, readonly state: NamespaceState, readonly event: NamespaceEvent) {
    super(`namespace ${id}: '${event}' is not allowed in state '${state}'`);
    this.name = 'IllegalNamespaceTransitionError';
  }
}

interface FreeEntry<T> {
  item: T;
  since: number;
}

export class NamespacePool<T extends { readonly id: number }> {
  private readonly free: FreeEntry<T>[] = [];
  private readonly leased = new Map<number, T>();
  /** Every known namespace's state (NAMESPACE_TRANSITIONS); changed only by move(). */
  private readonly states = new Map<T, NamespaceState>();

  constructor(
    readonly limits: PoolLimits,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(limits.floor >= 0 && limits.ceiling >= limits.floor && limits.ceiling >= 1)) {
      throw new RangeError(`need 0 <= floor <= ceiling and ceiling >= 1 (floor ${limits.floor}, ceiling ${limits.ceiling})`);
    }
  }

  /** Where `item` is (`new` when the pool does not know it). */
  stateOf(item: T): NamespaceState {
    return this.states.get(item) ?? 'new';
  }

  /** The only way a state changes: an event its state does not list throws (a bookkeeping bug). */
  private move(item: T, event: NamespaceEvent): void {
    const from = this.stateOf(item);
    const to = NAMESPACE_TRANSITIONS[from][event];
    if (to === undefined) throw new IllegalNamespaceTransitionError(item.id, from, event);
    if (to === 'gone') this.states.delete(item);
    else this.states.set(item, to);
  }

  get freeCount(): number {
    return this.free.length;
  }
  get leasedCount(): number {
    return this.leased.size;
  }

  /** O(1): the most recently released namespace, now leased; undefined when none is free. */
  take(): T | undefined {
    const entry = this.free.pop();
    if (!entry) return undefined;
    this.move(entry.item, 'take');
    this.leased.set(entry.item.id, entry.item);
    return entry.item;
  }

  /** Records a namespace created on the caller's path (cache was empty) as leased. */
  lease(item: T): void {
    this.move(item, 'lease');
    this.leased.set(item.id, item);
  }

  /** O(1): a leased namespace goes back on top of the free stack. */
  give(item: T): void {
    if (this.leased.get(item.id) !== item) throw new Error(`namespace ${item.id} is not leased from this cache`);
    this.move(item, 'give');
    this.leased.delete(item.id);
    this.free.push({ item, since: this.clock.now() });
  }

  /** A leased namespace that will not come back (e.g. it is being unlinked first). */
  forget(item: T): void {
    this.move(item, 'forget');
    this.leased.delete(item.id);
  }

  isLeased(item: T): boolean {
    return this.leased.get(item.id) === item;
  }

  /** Adds a freshly created namespace to the free stack (below the warm ones: it was never used). */
  add(item: T): void {
    this.move(item, 'add');
    this.free.unshift({ item, since: this.clock.now() });
  }

  /** How many the filler should create now: up to the floor, never past the ceiling. */
  deficit(): number {
    const wanted = this.limits.floor - this.free.length;
    const room = this.limits.ceiling - this.free.length - this.leased.size;
    return Math.max(0, Math.min(wanted, room));
  }

  /**
   * Algorithm 4.3: removes and returns the free namespaces to delete, oldest first: those that
   * make the pool exceed its ceiling, then those idle past the keep-alive while above the floor.
   */
  trim(): T[] {
    const now = this.clock.now();
    const total = this.free.length + this.leased.size;
    let drop = Math.min(this.free.length, Math.max(0, total - this.limits.ceiling));
    while (drop < this.free.length - this.limits.floor && now - this.free[drop]!.since > this.limits.keepAliveMs) drop++;
    const out = this.free.splice(0, drop).map((e) => e.item);
    for (const item of out) this.move(item, 'trim');
    return out;
  }

  /** The cache deleted a namespace the pool had let go of (detached) or never held (new); one it trimmed or drained is already gone. */
  destroyed(item: T): void {
    if (this.stateOf(item) === 'new') return;
    this.move(item, 'destroy');
  }

  /** Empties the pool (close): every namespace it knows, free and leased. */
  drain(): T[] {
    const all = [...this.free.map((e) => e.item), ...this.leased.values()];
    for (const item of all) this.move(item, 'drain');
    this.free.length = 0;
    this.leased.clear();
    return all;
  }
}
