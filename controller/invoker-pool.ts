// This controller's view of the invokers: health from heartbeats, and the memory it has placed
// on each and not yet seen completed. Placement (placement.ts) reads it as candidates.
import type { InvokerHeartbeat } from '../shared/model/invoker-health.js';
import type { WarmCounts } from '../shared/store/warm-registry.js';
import type { Candidate } from './placement.js';

export interface InvokerPoolOptions {
  staleMs: number;
  forgetMs: number;
  /** Controllers sharing each invoker: this one may use userMemory / share. */
  controllerShare: number;
  /** How long an invoker with too many recent system errors or lost activations gets no work. */
  probationMs?: number;
  now?: () => number;
}

/** OpenWhisk's InvocationFinishedResult: application and developer errors count as success. */
export type InvocationOutcome = 'success' | 'systemError' | 'timeout';

// OpenWhisk's InvokerSupervision: the last 10 outcomes, more than 3 failures → unhealthy.
const OUTCOME_WINDOW = 10;
const ERROR_TOLERANCE = 3;

/** One activation's claim on an invoker, returned by reserve() and given back to release(). */
export interface Reservation {
  invoker: string;
  actionKey: string;
  memoryMb: number;
  concurrency: number;
}

interface InvokerState {
  heartbeat: InvokerHeartbeat;
  receivedAt: number;
  /** actionKey → activations in flight, with the memory and concurrency they were placed with */
  actions: Map<string, { inFlight: number; memoryMb: number; concurrency: number }>;
  outcomes: InvocationOutcome[];
  /** epoch ms until which the invoker is on probation (no work) */
  unhealthyUntil: number;
}

export interface InvokerStatus {
  id: string;
  usable: boolean;
  lastHeartbeatMsAgo: number;
  /** on probation after too many system errors or lost activations */
  unhealthy: boolean;
  accepting: boolean;
  userMemory: number;
  reservedMb: number;
  inFlight: number;
}

export class InvokerPool {
  readonly #invokers = new Map<string, InvokerState>();
  readonly #o: Required<InvokerPoolOptions>;

  constructor(options: InvokerPoolOptions) {
    this.#o = { now: Date.now, probationMs: 10_000, ...options };
  }

  onHeartbeat(hb: InvokerHeartbeat): void {
    const state = this.#invokers.get(hb.invoker);
    if (state) {
      // Heartbeats can arrive out of order (redelivery): keep the newest.
      if (hb.at < state.heartbeat.at) return;
      state.heartbeat = hb;
      state.receivedAt = this.#o.now();
    } else {
      this.#invokers.set(hb.invoker, { heartbeat: hb, receivedAt: this.#o.now(), actions: new Map(), outcomes: [], unhealthyUntil: 0 });
    }
  }

  /** The ring for placement: every known invoker sorted by id, with this action's numbers. */
  candidates(actionKey: string, revision: string, warm: Record<string, WarmCounts>): Candidate[] {
    this.#forgetSilent();
    return [...this.#invokers.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, s]) => {
        const w = warm[id];
        return {
          id,
          usable: this.#usable(s),
          freeMb: this.#capacity(s) - reservedMb(s),
          inFlightOfAction: s.actions.get(actionKey)?.inFlight ?? 0,
          idleWarm: w && w.revision === revision ? w.idle : 0,
        };
      });
  }

  reserve(invoker: string, actionKey: string, memoryMb: number, concurrency: number): Reservation {
    const s = this.#invokers.get(invoker);
    if (s) {
      const a = s.actions.get(actionKey) ?? { inFlight: 0, memoryMb, concurrency };
      a.inFlight++;
      // The newest placement's limits win; an update mid-flight changes the estimate only slightly.
      a.memoryMb = memoryMb;
      a.concurrency = concurrency;
      s.actions.set(actionKey, a);
    }
    return { invoker, actionKey, memoryMb, concurrency };
  }

  release(r: Reservation): void {
    const a = this.#invokers.get(r.invoker)?.actions.get(r.actionKey);
    if (!a) return;
    a.inFlight--;
    if (a.inFlight <= 0) this.#invokers.get(r.invoker)!.actions.delete(r.actionKey);
  }

  /**
   * Feeds invoker health. Unlike OpenWhisk, no test action brings an invoker back: probation ends
   * by time, and one success ends it at once (a success can arrive from work queued before).
   */
  recordOutcome(invoker: string, outcome: InvocationOutcome): void {
    const s = this.#invokers.get(invoker);
    if (!s) return;
    s.outcomes.push(outcome);
    if (s.outcomes.length > OUTCOME_WINDOW) s.outcomes.shift();
    if (outcome === 'success') {
      s.unhealthyUntil = 0;
    } else if (s.outcomes.filter((o) => o !== 'success').length > ERROR_TOLERANCE) {
      s.unhealthyUntil = this.#o.now() + this.#o.probationMs;
      console.error(`controller: invoker ${invoker} is unhealthy (${s.outcomes.join(',')}); no work for ${this.#o.probationMs} ms`);
    }
  }

  usableCount(): number {
    let n = 0;
    for (const s of this.#invokers.values()) if (this.#usable(s)) n++;
    return n;
  }

  status(): InvokerStatus[] {
    const now = this.#o.now();
    return [...this.#invokers.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => ({
      id,
      usable: this.#usable(s),
      lastHeartbeatMsAgo: now - s.receivedAt,
      unhealthy: now < s.unhealthyUntil,
      accepting: s.heartbeat.accepting,
      userMemory: s.heartbeat.userMemory,
      reservedMb: reservedMb(s),
      inFlight: [...s.actions.values()].reduce((n, a) => n + a.inFlight, 0),
    }));
  }

  #usable(s: InvokerState): boolean {
    const now = this.#o.now();
    return s.heartbeat.accepting && now - s.receivedAt <= this.#o.staleMs && now >= s.unhealthyUntil;
  }

  #capacity(s: InvokerState): number {
    return s.heartbeat.userMemory / Math.max(1, this.#o.controllerShare);
  }

  #forgetSilent(): void {
    const now = this.#o.now();
    for (const [id, s] of this.#invokers) {
      if (now - s.receivedAt > this.#o.forgetMs && s.actions.size === 0) this.#invokers.delete(id);
    }
  }
}

/** Memory held for this controller's in-flight work: one isolate per `concurrency` activations. */
function reservedMb(s: InvokerState): number {
  let mb = 0;
  for (const a of s.actions.values()) mb += Math.ceil(a.inFlight / Math.max(1, a.concurrency)) * a.memoryMb;
  return mb;
}
