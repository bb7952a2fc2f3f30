// What the invoker's service layer needs from the execution layer (invoker/pool): run one
// activation of an action and report how it went, and describe its capacity and warm isolates
// for heartbeats and the warm-isolate registry.
import type { Action, KeyValue } from '../../shared/model/action.js';
import type { ActivationResponse } from '../../shared/model/activation-record.js';
import type { WarmCounts } from '../../shared/store/warm-registry.js';

export interface RunRequest {
  action: Action;
  params: Record<string, unknown>;
  activationId: string;
  /** The caller's namespace: what the function sees as __OW_NAMESPACE. */
  namespace: string;
  /** epoch ms by which the run must end: start + the action's timeout. */
  deadline: number;
}

export interface RunOutcome {
  response: Omit<ActivationResponse, 'statusCode' | 'success'>;
  logs: string[];
  /** epoch ms the run (not the init) started and ended */
  runStart: number;
  end: number;
  /** ms initialising the code (compile and top level) when this activation did; absent for warm starts */
  initTime?: number;
  /** cold starts: ms creating the isolate before init, of which namespaceTime getting its namespace */
  createTime?: number;
  namespaceTime?: number;
  start: 'warm' | 'prewarm' | 'cold';
  isolateId?: string;
  namespaceId?: number;
  /** e.g. `timeout: true` when the time limit stopped the run */
  annotations: KeyValue[];
}

export interface RunnerStats {
  /** MB budget for isolates (OpenWhisk's userMemory) */
  userMemory: number;
  /** MB held by isolates that run or are reserved */
  busyMemory: number;
  freeNamespaces: number;
}

// Contract:
// - run() never rejects for anything the function does: timeouts, memory bombs, thrown errors,
//   bad results all come back as an outcome with the matching status. It rejects only when the
//   runner itself cannot serve (closed, no namespace can be had), which the caller records as a
//   whisk internal error.
// - run() may wait in a FIFO queue when capacity is exhausted.
// - warmSnapshot() keys are actionKey(owner namespace, name).
export interface ActionRunner {
  run(request: RunRequest): Promise<RunOutcome>;
  stats(): RunnerStats;
  warmSnapshot(): Record<string, WarmCounts>;
}
