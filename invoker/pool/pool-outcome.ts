// The ActivationOutcome the pool answers: for an activation that ran (or failed to start) on an
// isolate, with OpenWhisk's annotations, and for one the pool refused before placing it.
import type { ActivationInput, ActivationOutcome, PoolRefusal, StartKind } from './activation-outcome.js';
import { internalError } from './activation-outcome.js';
import type { ActivationLog } from './activation-log.js';
import type { Slot } from './slot.js';

/** Times are epoch ms: `received` when the pool got it, `waitEnd` where OpenWhisk's waitTime ends. */
export interface OutcomeTimes {
  received: number;
  runStart: number;
  end: number;
  waitEnd: number;
  initTime?: number | undefined;
}

export function slotOutcome(a: ActivationInput, slot: Slot, kind: StartKind, response: ActivationOutcome['response'], log: ActivationLog, t: OutcomeTimes,
  timedOut: boolean, namespaceId: number | null, fresh = false): ActivationOutcome {
  const limits = slot.isolate?.action?.limits;
  const out: ActivationOutcome = {
    activationId: a.activationId, response, logs: log.lines(), runStart: t.runStart, end: t.end, poolWaitMs: Math.max(0, t.waitEnd - t.received), startKind: kind, isolateId: slot.id, namespaceId,
    annotations: [
      ...(limits ? [{ key: 'limits', value: limits }] : []),
      { key: 'timeout', value: timedOut },
      { key: 'isolateStart', value: kind },
      { key: 'isolate', value: slot.id },
      { key: 'namespaceId', value: namespaceId },
      ...(fresh ? [{ key: 'freshContext', value: true }] : []),
    ],
  };
  if (t.initTime !== undefined) out.initTime = t.initTime;
  return out;
}

/** Refused before placement (limits, closed, unknown kind, queue full, withdrawn): a whisk internal error. */
export function refusedOutcome(a: ActivationInput, reason: PoolRefusal, message: string, received: number, log: ActivationLog): ActivationOutcome {
  const now = Date.now();
  return { activationId: a.activationId, refused: reason, response: internalError(message), logs: log.lines(), runStart: now, end: now, poolWaitMs: now - received, startKind: 'cold', isolateId: null, namespaceId: null, annotations: [{ key: 'timeout', value: false }] };
}
