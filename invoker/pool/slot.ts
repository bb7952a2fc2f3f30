// The pool's bookkeeping for one isolate, from the moment its memory is reserved (before the
// isolate exists) until it is gone. Kept apart from PooledIsolate so that capacity and placement
// decisions stay synchronous while creation is asynchronous.
import { warmKey } from '../../shared/store/warm-registry.js';
import type { Action } from '../../shared/model/action.js';
import type { ActivationResponse } from '../../shared/model/activation-record.js';
import type { ActivationLog } from './activation-log.js';
import type { StartKind } from './activation-outcome.js';
import type { DisposeReason } from '../isolate/isolate-runtime.js';
import type { IsolateState } from './isolate-lifecycle.js';
import type { PooledIsolate } from './pooled-isolate.js';

/** initStart: epoch ms the code init began (after the isolate existed). */
export type Readiness =
  | { ok: true; isolate: PooledIsolate; initMs: number; initStart: number; createMs: number }
  | { ok: false; response: ActivationResponse; initMs?: number; initStart?: number; timedOut?: boolean };

export interface Slot {
  readonly id: string;
  readonly memoryMb: number;
  /** Resolves when the isolate exists (bound to its namespace, blank context ready). */
  readonly created: Promise<PooledIsolate>;
  isolate: PooledIsolate | null;
  /** null: a blank prewarm. */
  key: string | null;
  /** The invoking namespace it is bound to (tenant-shares.ts); null: a blank prewarm. */
  tenant: string | null;
  startKind: 'prewarm' | 'cold';
  concurrency: number;
  /** Activations placed on it and not yet released (reserved synchronously at placement). */
  inFlight: number;
  lastUsed: number;
  /** Greedy-dual priority, set when it last became idle. */
  priority: number;
  /** Settles when the action is installed (or failed to); set when the slot is bound to an action. */
  ready: Promise<Readiness> | null;
  /** Where it is in its life (isolate-lifecycle.ts); changed only through the pool's transition(). */
  state: IsolateState;
  /** The first reason it was disposed for. */
  cause: DisposeReason | null;
  /** Its isolate starts from the built-in layer's startup snapshot (layer-choice.ts). */
  readonly layer: boolean;
}

/** An activation waiting to be placed; `resolve(null)` means the pool closed. */
export interface Pending {
  action: Action;
  key: string;
  /** The invoking namespace (its share of the pool: tenant-shares.ts). */
  tenant: string;
  log: ActivationLog;
  activationId: string;
  /** Set by IsolatePool.withdraw() before resolve(null). */
  withdrawn?: boolean;
  resolve(placement: Placement | null): void;
}

/** Where an activation runs; `owner` when it brought the isolate up (it pays and reports the init). */
export interface Placement {
  slot: Slot;
  kind: StartKind;
  owner: boolean;
}

/**
 * Warm isolates are shared only by the same action revision invoked from the same namespace
 * (OpenWhisk matches on the invocation namespace too: warm state must not leak across callers).
 */
export function actionKey(action: Action, invokingNamespace: string): string {
  return `${warmKey(invokingNamespace, action.namespace, action.name)}@${action.revision}`;
}

export function newSlot(id: string, memoryMb: number, created: Promise<PooledIsolate>, layer: boolean): Slot {
  return {
    id, memoryMb, created, isolate: null, key: null, tenant: null, startKind: 'cold', concurrency: 1, inFlight: 0, lastUsed: Date.now(),
    priority: 0, ready: null, state: 'creating', cause: null, layer,
  };
}
