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
  actionVersion?: string;
  apiKey?: string;
  transactionId?: string;
}

/** How the isolate that ran the activation was obtained. */
export type StartKind = 'warm' | 'prewarm' | 'cold';

export interface ActivationOutcome {
  activationId: string;
  response: ActivationResponse;
  /** `<ISO time> stdout|stderr: line`, truncated at the action's log limit with OpenWhisk's notice. */
  logs: string[];
  /** epoch ms; when init ran, start = run start - initTime so that end - start includes init. */
  start: number;
  /** epoch ms the run itself (not the init) started */
  runStart: number;
  end: number;
  /** ms spent initialising the code (compile + top-level), present when init ran for this activation. */
  initTime?: number;
  /** ms between pool.run() and the start of init or run: queueing for capacity and, for cold starts, creating the isolate (OpenWhisk counts container creation there too). */
  waitTime: number;
  startKind: StartKind;
  isolateId: string;
  namespaceId: number | null;
  /** Cold starts only: ms creating the isolate (namespace acquisition included) before init. */
  phases?: { createMs: number; namespaceMs: number };
  /** timeout (always), limits, initTime, waitTime, isolateStart, isolate, namespaceId, freshContext. */
  annotations: KeyValue[];
}

export const MESSAGES = {
  timeout: (ms: number): string => `The action exceeded its time limits of ${ms} milliseconds.`,
  timeoutInit: (ms: number): string => `The action exceeded its time limits of ${ms} milliseconds during initialization.`,
  memory: 'The action exhausted its memory and was aborted.',
  collateral: 'The isolate running this activation was disposed because another activation in it exceeded its limits.',
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
