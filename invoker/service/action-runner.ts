// What the invoker's service layer needs from the execution layer (invoker/pool): run one
// activation of an action and report how it went, and describe its capacity and warm isolates
// for heartbeats and the warm-isolate registry.
import type { Action } from '../../shared/model/action.js';
import type { ActivationOutcome } from '../pool/activation-outcome.js';
import type { WarmCounts } from '../../shared/store/warm-registry.js';

export interface RunRequest {
  action: Action;
  params: Record<string, unknown>;
  activationId: string;
  /** The caller's namespace: what the function sees as __OW_NAMESPACE. */
  namespace: string;
  /** epoch ms by which the run must end: start + the action's timeout. */
  deadline: number;
  /**
   * More variables the function sees in process.env for this activation only (__OW_API_HOST,
   * __OW_API_KEY): never kept by the isolate for the next one. The platform's own __OW_* win.
   */
  env?: Readonly<Record<string, string>>;
}

/**
 * What a run gives back: the pool's ActivationOutcome unchanged (one result type from isolate to
 * record). `refused` set means nothing ran (limits, closed, queue full): the invoker records a whisk
 * internal error; recordTimes() turns the rest into the record's start, duration, waitTime, initTime.
 */
export type RunOutcome = ActivationOutcome;

export interface RunnerStats {
  /** MB budget for isolates (OpenWhisk's userMemory) */
  userMemory: number;
  /** MB held by isolates that run or are reserved */
  busyMemory: number;
  freeNamespaces: number;
}

// Contract:
// - run() never rejects for anything the function does: timeouts, memory bombs, thrown errors,
//   bad results all come back as an outcome with the matching status. When the runner cannot
//   serve (closed, limits it cannot honour, queue full) it answers an outcome with `refused` set;
//   it rejects only on a bug, which the caller records as a whisk internal error too.
// - run() may wait in a FIFO queue when capacity is exhausted.
// - warmSnapshot() keys are warmKey(invoking namespace, owner namespace, name), the identity the
//   runner shares warm isolates by (shared/store/warm-registry.ts).
// - onWarmChange() reports, shortly after the runner's warm isolates change (created, disposed,
//   another revision), the keys whose counts changed: counts, or null when none is warm any more.
//   Coalesced: one report per burst; idle/busy alone is left to the heartbeat's warmSnapshot().
export interface ActionRunner {
  run(request: RunRequest): Promise<RunOutcome>;
  stats(): RunnerStats;
  warmSnapshot(): Record<string, WarmCounts>;
  onWarmChange(listener: (changed: Record<string, WarmCounts | null>) => void): () => void;
}
