// What an invoker publishes to the scheduling controller's completion topic once the record is
// durable: the record itself for blocking calls (so the HTTP answer needs no store read), or just
// the id for non-blocking ones. `systemError` feeds the controller's view of invoker health.
import type { ActivationRecord } from './activation-record.js';
import { encodeJson, fail, handOnly, handedOver, isRecord, parseVersioned, wrongField, type Decoded } from './message-codec.js';

export const COMPLETION_MESSAGE_VERSION = 1;

export interface CompletionMessage {
  v: typeof COMPLETION_MESSAGE_VERSION;
  activationId: string;
  invoker: string;
  systemError: boolean;
  /** Present for blocking activations whose record fits the message limit. */
  record?: ActivationRecord;
  /**
   * The invoker released the activation's concurrency slot in the throttle store, written with
   * the record: the controller then does not release it again. Absent: the controller releases it.
   */
  slotReleased?: true;
}

/**
 * The one encoder, used by the invoker. `recordJson`, when given, is JSON.stringify(m.record) the
 * invoker already made for the store: spliced in as it is instead of stringifying the record again.
 * `handOver`: for a bus that hands the Buffer itself over (MessageBus.handsOver): the object, no bytes.
 */
export function encodeCompletionMessage(m: CompletionMessage, recordJson?: string, handOver = false): Buffer {
  if (handOver) return handOnly(m);
  if (m.record === undefined || recordJson === undefined) return encodeJson(m);
  // Every field but the record (slotReleased included), in the message's own order, the record
  // last as the invoker builds it (a unit test compares the bytes with a whole stringify); the
  // object has fields, so its text ends in "}" after a member.
  const rest: Partial<CompletionMessage> = { ...m };
  delete rest.record;
  const text = JSON.stringify(rest);
  return encodeJson(m, `${text.slice(0, -1)},"record":${recordJson}}`);
}

/** The one validating decoder, used by the controller. */
export function decodeCompletionMessage(value: Buffer): Decoded<CompletionMessage> {
  // This process's own encoder made it (typed, nothing to check): its object, handed over.
  const own = handedOver(value, COMPLETION_MESSAGE_VERSION);
  if (own) return { ok: true, value: own as unknown as CompletionMessage };
  const p = parseVersioned(value, COMPLETION_MESSAGE_VERSION, 'completion');
  if (!p.ok) return p;
  const m = p.value;
  const bad = wrongField(m, 'string', ['activationId', 'invoker']) ?? wrongField(m, 'boolean', ['systemError']);
  if (bad) return fail(`completion: '${bad}' is missing or of the wrong type`);
  if (m.slotReleased !== undefined && m.slotReleased !== true) return fail('completion: \'slotReleased\' is not true');
  if (m.record !== undefined) {
    const r = m.record;
    if (!isRecord(r) || r.activationId !== m.activationId || !isRecord(r.response) || typeof r.response.status !== 'string' || !Array.isArray(r.logs) || !Array.isArray(r.annotations)) {
      return fail('completion: its record is not an activation record of the same id');
    }
  }
  return { ok: true, value: m as unknown as CompletionMessage };
}
