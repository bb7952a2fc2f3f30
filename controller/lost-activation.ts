// The record of an activation whose completion never came back (its invoker died, or the message
// was lost): a whisk internal error, so that the activation is accounted for, never silently lost.
import type { Action } from '../shared/model/action.js';
import type { ActivationRecord } from '../shared/model/activation-record.js';
import type { ActivationMessage } from '../shared/model/activation-message.js';

export function lostActivationRecord(message: ActivationMessage, action: Action, invoker: string, waitedMs: number, now = Date.now()): ActivationRecord {
  return {
    namespace: message.namespace,
    name: action.name,
    version: action.version,
    subject: message.subject,
    activationId: message.activationId,
    start: message.acceptedAt,
    end: now,
    duration: now - message.acceptedAt,
    ...(message.cause ? { cause: message.cause } : {}),
    response: {
      status: 'whisk internal error',
      statusCode: 3,
      success: false,
      result: { error: `The activation was lost: invoker ${invoker} sent no completion within ${waitedMs} ms and stored no record.` },
    },
    logs: [],
    annotations: [
      { key: 'path', value: `${action.namespace}/${action.name}` },
      { key: 'kind', value: action.exec.kind },
      { key: 'limits', value: action.limits },
      { key: 'invoker', value: invoker },
      { key: 'lost', value: true },
    ],
    publish: false,
  };
}
