// The activation record, OpenWhisk's WhiskActivation shape (openwhisk-notes §2.5).
import type { KeyValue } from './action.js';

export type ActivationStatus = 'success' | 'application error' | 'action developer error' | 'whisk internal error';

/** statusCode by status, as OpenWhisk's ActivationResponse numbers them. */
export const STATUS_CODES: Readonly<Record<ActivationStatus, 0 | 1 | 2 | 3>> = Object.freeze({
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
});

export interface ActivationResponse {
  status: ActivationStatus;
  statusCode: 0 | 1 | 2 | 3;
  success: boolean;
  result: Record<string, unknown>;
  size?: number;
}

export interface ActivationRecord {
  namespace: string;
  name: string;
  version: string;
  subject: string;
  activationId: string;
  /** epoch ms; for cold starts start = run start - initTime, so duration includes init */
  start: number;
  end: number;
  duration: number;
  cause?: string;
  response: ActivationResponse;
  logs: string[];
  /** limits, path, kind, timeout, waitTime, initTime, traceId, invoker, isolate, namespaceId */
  annotations: KeyValue[];
  publish: boolean;
}
