// The pool's arithmetic over its slots: what is used and busy, what is idle in greedy-dual order,
// which idle isolates to evict for a new one, and what it reports (stats, warm isolates). Pure
// functions, so the pool keeps only the decisions.
import type { PoolStats, WarmIsolateInfo } from './pool-options.js';
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

/** MB of isolates that run activations or are being created (OpenWhisk's busy pool + starting). */
export function busyMb(slots: Iterable<Slot>): number {
  let mb = 0;
  for (const s of slots) if (s.inFlight > 0 || !s.isolate) mb += s.memoryMb;
  return mb;
}

export function poolStats(slots: Iterable<Slot>, queued: number, userMemoryMb: number): PoolStats {
  let isolates = 0, warm = 0, prewarm = 0, starting = 0, inFlight = 0, used = 0;
  for (const s of slots) {
    isolates++;
    used += s.memoryMb;
    inFlight += s.inFlight;
    if (!s.isolate) starting++;
    else if (s.key === null) prewarm++;
    else warm++;
  }
  return { isolates, warm, prewarm, starting, inFlight, queued, usedMemoryMb: used, userMemoryMb };
}

/** The warm isolates (idle or busy) as the warm-isolate registry needs them. */
export function warmIsolates(slots: Iterable<Slot>): WarmIsolateInfo[] {
  const out: WarmIsolateInfo[] = [];
  for (const s of slots) {
    const action = s.isolate?.action;
    if (s.key !== null && action && s.state === 'warm') {
      out.push({ isolateId: s.id, actionKey: s.key, warmKey: s.key.slice(0, s.key.length - action.revision.length - 1), action: { namespace: action.namespace, name: action.name, revision: action.revision }, namespaceId: s.isolate?.namespace?.id ?? null, inFlight: s.inFlight, concurrency: s.concurrency });
    }
  }
  return out;
}

/** V8 heap bytes (used + external) of the isolates of `slots` that exist, summed. */
export async function heapBytes(slots: Iterable<Slot>): Promise<number> {
  const live = [...slots].flatMap((s) => (s.isolate && !s.isolate.disposed ? [s.isolate] : []));
  return (await Promise.all(live.map((i) => i.heapBytes()))).reduce((a, b) => a + b, 0);
}
