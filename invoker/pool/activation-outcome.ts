// What pool.run() takes besides the action and what it answers: the raw material of an
// ActivationRecord (openwhisk-notes §2.5). The pipeline adds subject, cause, path, kind and
// stores the record; everything the execution layer alone knows is here.
import type { KeyValue } from '../../shared/model/action.js';
import type { ActivationResponse, ActivationStatus } from '../../shared/model/activation-record.js';
import { STATUS_CODES } from '../../shared/model/activation-record.js';

/** The per-activation facts a function sees as __OW_* variables. */
export interface ActivationInput {
  /** 32 hex characters, assigned by the controller. */
  activationId: string;
  /** The invoking namespace (the caller's, not necessarily the action's owner). */
  namespace: string;
  /** Fully qualified action name as OpenWhisk gives it to functions, e.g. `/guest/hello`. */
  actionName: string;
  /** Epoch ms the caller wants the activation done by; the pool also bounds it by the action's timeout. */
  deadline?: number;
  /** Extra process.env entries for this activation only (RunRequest.env). */
  env?: Readonly<Record<string, string>>;
  /**
   * Told, synchronously, when the activation starts waiting for capacity ('queued'), waits for an
   * init, its own or another's ('init', init runs under the action's timeout), and starts its run
   * ('run', under the timeout): a supervisor outside the process times its kill deadline by these.
   */
  onPhase?(phase: 'queued' | 'init' | 'run'): void;
  /**
   * Told each log line as the activation's log keeps it, in order: the outcome's `logs` start
   * with exactly these (a sandbox streams them, so a killed sandbox's activations keep theirs).
   */
  onLog?(line: string): void;
}

/** How the isolate that ran the activation was obtained. */
export type StartKind = 'warm' | 'prewarm' | 'cold';

/** Why a pool did not run an activation at all (no isolate was involved). */
/** 'withdrawn': taken back from the queue by its caller (a supervisor moving it to another sandbox), never run. */
export type PoolRefusal = 'limits' | 'unknown-kind' | 'closed' | 'queue-full' | 'withdrawn';

/**
 * The one result type from the isolate to the activation record: the pool produces it, the
 * ActionRunner hands it on unchanged, and the invoker's record is built from it with recordTimes()
 * (the only place start, duration, waitTime and initTime are computed).
 */
export interface ActivationOutcome {
  activationId: string;
  /** Set when the pool refused the activation (limits it cannot honour, closed, queue full): nothing ran; response says why. */
  refused?: PoolRefusal;
  response: ActivationResponse;
  /** `<ISO time> stdout|stderr: line`, truncated at the action's log limit with OpenWhisk's notice. */
  logs: string[];
  /** epoch ms the run itself (not the init) started */
  runStart: number;
  end: number;
  /** ms spent initialising the code (compile + top-level), present when init ran for this activation. */
  initTime?: number;
  /** ms inside the pool before init or run started: queueing for capacity and, for cold starts, creating the isolate. */
  poolWaitMs: number;
  startKind: StartKind;
  /** The isolate that ran it; null when the pool refused. */
  isolateId: string | null;
  namespaceId: number | null;
  /** Cold starts only: ms creating the isolate (namespace acquisition included) before init. */
  phases?: { createMs: number; namespaceMs: number };
  /** What only the pool knows: timeout (always), limits, isolateStart, isolate, namespaceId, freshContext. */
  annotations: KeyValue[];
}

/** The record's times, OpenWhisk's way, whole ms: for a cold start `start` is the run start minus initTime, so duration includes init; waitTime runs from the controller's acceptance to that start. */
export interface RecordTimes {
  start: number;
  end: number;
  duration: number;
  waitTime: number;
  initTime?: number;
}

export function recordTimes(o: Pick<ActivationOutcome, 'runStart' | 'end' | 'initTime'>, acceptedAt: number): RecordTimes {
  const start = Math.round(o.runStart - (o.initTime ?? 0));
  const end = Math.round(o.end);
  const t: RecordTimes = { start, end, duration: Math.max(0, end - start), waitTime: Math.max(0, start - acceptedAt) };
  if (o.initTime !== undefined) t.initTime = Math.round(o.initTime * 1000) / 1000;
  return t;
}

export const MESSAGES = {
  timeout: (ms: number): string => `The action exceeded its time limits of ${ms} milliseconds.`,
  timeoutInit: (ms: number): string => `The action exceeded its time limits of ${ms} milliseconds during initialization.`,
  memory: 'The action exhausted its memory and was aborted.',
  collateral: 'The isolate running this activation was disposed because another activation in it exceeded its limits.',
  sandboxCollateral: 'The sandbox process running this activation was killed because another activation in it exceeded its limits.',
  logsTruncated: (limit: number): string => `Logs were truncated because the total bytes size exceeds the limit of ${limit} bytes.`,
  tooLarge: (size: number, limit: number, truncated: string): string =>
    `The action produced a response that exceeded the allowed length: ${size} > ${limit} bytes. The truncated response was: ${truncated}`,
} as const;

export function response(status: ActivationStatus, result: Record<string, unknown>, size?: number): ActivationResponse {
  const r: ActivationResponse = { status, statusCode: STATUS_CODES[status], success: status === 'success', result };
  if (size !== undefined) r.size = size;
  return r;
}

export const developerError = (message: string): ActivationResponse => response('action developer error', { error: message });
export const internalError = (message: string): ActivationResponse => response('whisk internal error', { error: message });
export const applicationError = (error: unknown): ActivationResponse => response('application error', { error });
