// The pool's memory arithmetic over its slots: what is used, what is idle in greedy-dual order, and
// which idle isolates to evict for a new one. Pure functions, so the pool keeps only the decisions.
import type { Slot } from './slot.js';
import { evictableFor, heldByTenant } from './tenant-shares.js';

/** MB of isolate memory limits reserved by `slots` (isolates being created count). */
export function usedMb(slots: Iterable<Slot>): number {
  let used = 0;
  for (const s of slots) used += s.memoryMb;
  return used;
}

/** Idle isolates, blank prewarms first, then warm ones by ascending greedy-dual priority. */
export function idleByPriority(slots: Iterable<Slot>): Slot[] {
  const idle: Slot[] = [];
  for (const s of slots) if ((s.state === 'blank' || s.state === 'warm') && s.inFlight === 0) idle.push(s);
  const prio = (s: Slot): number => (s.key === null ? Number.NEGATIVE_INFINITY : s.priority);
  return idle.sort((x, y) => prio(x) - prio(y));
}

/**
 * The idle isolates to evict, lowest priority first and within `tenant`'s share (tenant-shares.ts),
 * so that `mem` more MB fit in `userMemoryMb`; null when evicting all it may would not be enough
 * (then nothing is evicted).
 */
export function evictionVictims(slots: ReadonlyMap<string, Slot>, mem: number, tenant: string, userMemoryMb: number): Slot[] | null {
  const need = usedMb(slots.values()) + mem - userMemoryMb;
  const victims: Slot[] = [];
  let freed = 0;
  for (const s of evictableFor(idleByPriority(slots.values()), tenant, mem, heldByTenant(slots.values()), userMemoryMb)) {
    if (freed >= need) break;
    victims.push(s);
    freed += s.memoryMb;
  }
  return freed < need ? null : victims;
}
