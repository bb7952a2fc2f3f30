// Where an activation goes: OpenWhisk's ShardingContainerPoolBalancer (openwhisk-notes §1.3) as
// pure functions, plus photon's preference for an invoker that already holds an idle warm isolate.
//
// The ring is every known invoker sorted by id, healthy or not, and unusable ones are skipped
// while probing, as OpenWhisk does: an invoker missing a heartbeat then does not reshuffle every
// action's home invoker, so warm isolates elsewhere stay useful.

export interface Candidate {
  id: string;
  /** fresh heartbeat and accepting work */
  usable: boolean;
  /** MB this controller may still place on the invoker */
  freeMb: number;
  /** activations of this action this controller has in flight on the invoker */
  inFlightOfAction: number;
  /** idle warm isolates of this action (same revision) per the warm registry */
  idleWarm: number;
}

export interface PlacementRequest {
  namespace: string;
  /** fully qualified action name: owner namespace / name */
  fqn: string;
  memoryMb: number;
  concurrency: number;
}

export type PlacementReason = 'warm' | 'home' | 'probe' | 'overload';

export interface Placement {
  invoker: string;
  reason: PlacementReason;
}

/** Java's String.hashCode, so that the same names map the same way as in OpenWhisk. */
export function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function actionHash(namespace: string, fqn: string): number {
  return Math.abs(javaHash(namespace) ^ javaHash(fqn));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Numbers up to n coprime to n and to each other (OpenWhisk's pairwiseCoprimeNumbersUntil). */
export function pairwiseCoprimes(n: number): number[] {
  const out: number[] = [];
  for (let cur = 1; cur <= n; cur++) {
    if (gcd(cur, n) === 1 && out.every((p) => gcd(p, cur) === 1)) out.push(cur);
  }
  return out;
}

/** pairwiseCoprimes(n) per ring size: the ring changes only when invokers come or go, placement runs per activation. */
const coprimesOf = new Map<number, readonly number[]>();

function cachedCoprimes(n: number): readonly number[] {
  let steps = coprimesOf.get(n);
  if (!steps) {
    steps = pairwiseCoprimes(n);
    // Bounded: a ring has one size at a time; a map of every size ever seen would still be tiny.
    if (coprimesOf.size >= 64) coprimesOf.clear();
    coprimesOf.set(n, steps);
  }
  return steps;
}

/** Indices in probe order: home, home+step, … — each invoker exactly once, since step is coprime to n. */
export function probeOrder(hash: number, n: number): number[] {
  const out: number[] = [];
  if (n === 0) return out;
  const steps = cachedCoprimes(n);
  const step = steps[hash % steps.length]!;
  const home = hash % n;
  for (let i = 0; i < n; i++) out.push((home + i * step) % n);
  return out;
}

/** Whether one more activation of the action needs a new isolate's memory on this invoker. */
export function needsMemory(c: Candidate, concurrency: number): boolean {
  return c.inFlightOfAction % Math.max(1, concurrency) === 0;
}

export function fits(c: Candidate, req: PlacementRequest): boolean {
  return c.usable && (!needsMemory(c, req.concurrency) || c.freeMb >= req.memoryMb);
}

/**
 * Picks an invoker, or undefined when none is usable (the API's 503). `candidates` must be the
 * ring: every known invoker, sorted by id.
 */
export function place(candidates: readonly Candidate[], req: PlacementRequest): Placement | undefined {
  // The probe order walked in place (probeOrder's, without its arrays): placement runs per activation.
  const n = candidates.length;
  if (n === 0) return undefined;
  const hash = actionHash(req.namespace, req.fqn);
  const steps = cachedCoprimes(n);
  const step = steps[hash % steps.length]!;
  const home = hash % n;
  for (let i = 0; i < n; i++) {
    const c = candidates[(home + i * step) % n]!;
    if (c.idleWarm > 0 && fits(c, req)) return { invoker: c.id, reason: 'warm' };
  }
  for (let i = 0; i < n; i++) {
    const c = candidates[(home + i * step) % n]!;
    if (fits(c, req)) return { invoker: c.id, reason: i === 0 ? 'home' : 'probe' };
  }
  // Every usable invoker is full: like OpenWhisk, queue on one anyway rather than refuse — here the
  // one with the most room, so the overload spreads instead of piling onto the home invoker.
  let best: Candidate | undefined;
  for (let i = 0; i < n; i++) {
    const c = candidates[(home + i * step) % n]!;
    if (c.usable && (!best || c.freeMb > best.freeMb)) best = c;
  }
  return best && { invoker: best.id, reason: 'overload' };
}
