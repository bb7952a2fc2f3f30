// What a controller publishes to an invoker's topic: a reference to the action, never its code
// (OpenWhisk's ActivationMessage, openwhisk-notes §1.2). Versioned so that mixed versions of
// controllers and invokers can tell what they are reading.
import { encodeJson, fail, handOnly, handedOver, isRecord, parseVersioned, wrongField, type Decoded } from './message-codec.js';

export const ACTIVATION_MESSAGE_VERSION = 1;

export interface ActivationMessage {
  v: typeof ACTIVATION_MESSAGE_VERSION;
  activationId: string;
  /** Fully qualified action: the namespace that owns it and its name. */
  action: { namespace: string; name: string; version: string };
  /** Action revision: the invoker's code cache key. */
  revision: string;
  /** Namespace of the caller (may differ from the action's for published actions). */
  namespace: string;
  /** The caller's subject (auth uuid). */
  subject: string;
  /** Parameters after merging the action's defaults under the request's. */
  params: Record<string, unknown>;
  blocking: boolean;
  /** Completion topic / controller id that waits for the result. */
  controller: string;
  /** epoch ms when the controller accepted the request: waitTime is measured from here. */
  acceptedAt: number;
  /** Activation that caused this one (trigger fires). */
  cause?: string;
  /** Why the controller ran it: 'sequence' for a component of a sequence or conductor action (the record's causedBy annotation). */
  causedBy?: string;
  /** The package binding the action was invoked through (`ns/binding`): the record's `binding` annotation. */
  binding?: string;
  /** W3C trace context; also carried in Kafka headers. */
  traceContext?: Record<string, string>;
  /**
   * Only for actions annotated `provide-api-key`: an activation-scoped `uuid:key` the controller
   * minted for the caller (controller/activation/action-api-key.ts), which the function sees as
   * __OW_API_KEY. Optional, so version 1 still describes the message: an invoker that predates
   * it ignores it, and a message without it gives the function no key.
   */
  apiKey?: string;
}

/** The one encoder, used by the controller; `handOver`: for a bus that hands the Buffer itself over (no bytes, MessageBus.handsOver). */
export function encodeActivationMessage(m: ActivationMessage, handOver = false): Buffer {
  return handOver ? handOnly(m) : encodeJson(m);
}

/** The one validating decoder, used by the invoker (and tests). */
export function decodeActivationMessage(value: Buffer): Decoded<ActivationMessage> {
  // This process's own encoder made it (typed, nothing to check): its object, handed over.
  const own = handedOver(value, ACTIVATION_MESSAGE_VERSION);
  if (own) return { ok: true, value: own as unknown as ActivationMessage };
  const p = parseVersioned(value, ACTIVATION_MESSAGE_VERSION, 'activation message');
  if (!p.ok) return p;
  const m = p.value;
  const bad = wrongField(m, 'string', ['activationId', 'revision', 'namespace', 'subject', 'controller']) ?? wrongField(m, 'number', ['acceptedAt']) ?? wrongField(m, 'boolean', ['blocking']);
  if (bad) return fail(`activation message: '${bad}' is missing or of the wrong type`);
  if (!isRecord(m.action) || wrongField(m.action, 'string', ['namespace', 'name', 'version'])) return fail("activation message: 'action' must be {namespace, name, version}");
  if (!isRecord(m.params)) return fail("activation message: 'params' must be an object");
  if (m.cause !== undefined && typeof m.cause !== 'string') return fail("activation message: 'cause' must be a string");
  if (m.binding !== undefined && typeof m.binding !== 'string') return fail("activation message: 'binding' must be a string");
  if (m.causedBy !== undefined && typeof m.causedBy !== 'string') return fail("activation message: 'causedBy' must be a string");
  if (m.apiKey !== undefined && (typeof m.apiKey !== 'string' || !/^[^:\s]+:[^\s]+$/.test(m.apiKey))) return fail("activation message: 'apiKey' must be a 'uuid:key' string");
  if (m.traceContext !== undefined && (!isRecord(m.traceContext) || Object.values(m.traceContext).some((x) => typeof x !== 'string'))) return fail("activation message: 'traceContext' must map names to strings");
  return { ok: true, value: m as unknown as ActivationMessage };
}
