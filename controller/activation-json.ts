// Activation records as the REST API shows them: OpenWhisk's "extended" JSON (response.statusCode
// replaced by status + success) and the summaries of the list call.
import type { ActivationRecord, ActivationStatus } from '../shared/model/activation-record.js';
import { randomHex } from '../shared/ids/random-hex.js';

/** OpenWhisk's header naming the activation an answer belongs to (Entities.scala ActivationIdHeader). */
export const ACTIVATION_ID_HEADER = 'x-openwhisk-activation-id';

/** 32 lowercase hex characters, like OpenWhisk's ActivationId. */
export function newActivationId(): string {
  return randomHex(16);
}

export const ACTIVATION_ID = /^[0-9a-f]{32}$/;

export function extendedRecord(r: ActivationRecord): Record<string, unknown> {
  const { statusCode: _statusCode, ...response } = r.response;
  void _statusCode;
  return { ...r, response: { ...response, status: r.response.status, success: r.response.success } };
}

/** What `GET …/activations` lists without docs=true (WhiskActivation.summaryAsJson). */
export function summaryRecord(r: ActivationRecord): Record<string, unknown> {
  return {
    namespace: r.namespace,
    name: r.name,
    version: r.version,
    subject: r.subject,
    activationId: r.activationId,
    start: r.start,
    end: r.end,
    duration: r.duration,
    statusCode: r.response.statusCode,
    ...(r.cause ? { cause: r.cause } : {}),
    annotations: r.annotations,
    publish: r.publish,
  };
}

/** HTTP status of a finished blocking invoke, by its record's response.status (PrimitiveActions / Actions.scala). */
export function blockingStatus(status: ActivationStatus): number {
  switch (status) {
    case 'success': return 200;
    case 'application error':
    case 'action developer error': return 502;
    default: return 500;
  }
}
