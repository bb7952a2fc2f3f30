// Fair shares of one pool's isolate memory between tenants (invoking namespaces), issue 13.
// Without them one tenant with many long activations (20 endless loops) evicts every other
// tenant's idle warm isolates to make room for its own, and then its queued activations sit ahead
// of the others' in a FIFO: another tenant's warm call waited for the hostile one's time limits
// (6 s inline, 15 s in its sandbox, bench/sandbox-fairness.ts). Two rules, both work-conserving
// (a tenant alone still gets the whole pool):
//   1. eviction: a tenant that would hold more than half of the budget with the new isolate may
//      evict only its own idle isolates and blank prewarms, never another tenant's warm ones;
//   2. queue order: queued activations are served tenant with the least memory held first
//      (arrival order among equals), so a newcomer is not behind a hog's backlog.
import type { Pending, Slot } from './slot.js';

/** MB of isolates (reserved, starting, warm or busy) each tenant holds; blank prewarms belong to none. */
export function heldByTenant(slots: Iterable<Slot>): Map<string, number> {
  const held = new Map<string, number>();
  for (const s of slots) if (s.tenant !== null) held.set(s.tenant, (held.get(s.tenant) ?? 0) + s.memoryMb);
  return held;
}

/**
 * Contract: the idle slots (lowest priority first) that `tenant` may evict to make room for `mem`
 * MB: all of them while it stays within half of `budgetMb`, otherwise only its own and blank ones.
 */
export function evictableFor(idle: Slot[], tenant: string, mem: number, held: Map<string, number>, budgetMb: number): Slot[] {
  if ((held.get(tenant) ?? 0) + mem <= budgetMb / 2) return idle;
  return idle.filter((s) => s.tenant === null || s.tenant === tenant);
}

/** Contract: the queue in serving order — least memory held by its tenant first, stable (arrival order among equals). */
export function servingOrder(queue: readonly Pending[], held: Map<string, number>): Pending[] {
  return queue
    .map((p, i) => ({ p, i, h: held.get(p.tenant) ?? 0 }))
    .sort((a, b) => a.h - b.h || a.i - b.i)
    .map((e) => e.p);
}

/** Contract: whether a new activation of `tenant` may take new capacity now: no queued one is ahead of it. */
export function nothingAhead(queue: readonly Pending[], tenant: string, held: Map<string, number>): boolean {
  const mine = held.get(tenant) ?? 0;
  return queue.every((p) => (held.get(p.tenant) ?? 0) > mine);
}
