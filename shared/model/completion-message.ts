// What an invoker publishes to the scheduling controller's completion topic once the record is
// durable: the record itself for blocking calls (so the HTTP answer needs no store read), or just
// the id for non-blocking ones. `systemError` feeds the controller's view of invoker health.
//
// A record whose answers' places are known (record-json.ts) goes framed, version 2: the message
// without the record as one line of JSON, a newline, then the record's JSON text as the store has
// it. The controller parses the small first line only; the record stays bytes (`recordBytes`) that
// answer a blocking invoke as they are, and are parsed only by a reader of the record object.
import { STATUS_CODES, type ActivationRecord } from './activation-record.js';
import { encodeJson, fail, handOnly, handedOver, isRecord, parseVersioned, wrongField, type Decoded } from './message-codec.js';
import type { RecordJson, RecordSpans } from './record-json.js';

export const COMPLETION_MESSAGE_VERSION = 1;
/** The framed form: JSON line (with `record` the spans), newline, the record's JSON text. */
export const FRAMED_COMPLETION_VERSION = 2;
const NEWLINE = 0x0a;

/** A record as the bytes of its JSON text (exactly what the store keeps), with its answers' places. */
export interface RecordBytes extends RecordSpans {
  bytes: Buffer;
}

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
  /** Decoded from the framed form instead of `record`: the record's bytes, not parsed. */
  recordBytes?: RecordBytes;
}

/**
 * The one encoder, used by the invoker. `recordJson`, when given, is the record's JSON text the
 * invoker already made for the store (record-json.ts): with its spans the message goes framed
 * (version 2), else the text is spliced in as it is instead of stringifying the record again.
 * `handOver`: for a bus that hands the Buffer itself over (MessageBus.handsOver): the object, no bytes.
 */
export function encodeCompletionMessage(m: CompletionMessage, recordJson?: RecordJson, handOver = false): Buffer {
  if (handOver) return handOnly(m);
  if (m.record === undefined || recordJson === undefined) return encodeJson(m);
  // Every field but the record (slotReleased included), in the message's own order, the record
  // last as the invoker builds it (a unit test compares the bytes with a whole stringify); the
  // object has fields, so its text ends in "}" after a member.
  const rest: Partial<CompletionMessage> = { ...m };
  delete rest.record;
  const { spans } = recordJson;
  if (spans !== undefined) {
    // JSON.stringify writes no raw newline, so the first one ends the line.
    const line = JSON.stringify({ ...rest, v: FRAMED_COMPLETION_VERSION, record: spans });
    return encodeJson(m, `${line}\n${recordJson.text}`);
  }
  const text = JSON.stringify(rest);
  return encodeJson(m, `${text.slice(0, -1)},"record":${recordJson.text}}`);
}

/** The one validating decoder, used by the controller. */
export function decodeCompletionMessage(value: Buffer): Decoded<CompletionMessage> {
  // This process's own encoder made it (typed, nothing to check): its object, handed over.
  const own = handedOver(value, COMPLETION_MESSAGE_VERSION);
  if (own) return { ok: true, value: own as unknown as CompletionMessage };
  const newline = value.indexOf(NEWLINE);
  if (newline >= 0) return decodeFramed(value, newline);
  const p = parseVersioned(value, COMPLETION_MESSAGE_VERSION, 'completion');
  if (!p.ok) return p;
  const m = p.value;
  const bad = wrongEnvelope(m);
  if (bad) return fail(bad);
  if (m.record !== undefined) {
    const r = m.record;
    if (!isRecord(r) || r.activationId !== m.activationId || !isRecord(r.response) || typeof r.response.status !== 'string' || !Array.isArray(r.logs) || !Array.isArray(r.annotations)) {
      return fail('completion: its record is not an activation record of the same id');
    }
  }
  return { ok: true, value: m as unknown as CompletionMessage };
}

/** Why the fields every completion has are wrong, or undefined. */
function wrongEnvelope(m: Record<string, unknown>): string | undefined {
  const bad = wrongField(m, 'string', ['activationId', 'invoker']) ?? wrongField(m, 'boolean', ['systemError']);
  if (bad) return `completion: '${bad}' is missing or of the wrong type`;
  if (m.slotReleased !== undefined && m.slotReleased !== true) return 'completion: \'slotReleased\' is not true';
  return undefined;
}

/**
 * The framed form: its first line is checked like any completion, and its spans against the
 * record's bytes. The record text itself is checked by whoever parses it (the controller's
 * FinishedRecord): an answer from the bytes only needs the spans to lie inside them, in order.
 */
function decodeFramed(value: Buffer, newline: number): Decoded<CompletionMessage> {
  const p = parseVersioned(value.subarray(0, newline), FRAMED_COMPLETION_VERSION, 'completion');
  if (!p.ok) return p;
  const m = p.value;
  const bad = wrongEnvelope(m);
  if (bad) return fail(bad);
  const bytes = value.subarray(newline + 1);
  const spans = m.record;
  if (!isRecord(spans) || typeof spans.status !== 'string' || !Object.hasOwn(STATUS_CODES, spans.status)
    || !isSpan(spans.statusCode, 0, bytes.length) || !isSpan(spans.result, 0, bytes.length)
    || spans.statusCode[1] > spans.result[0] || bytes[0] !== 0x7b || bytes[bytes.length - 1] !== 0x7d) {
    return fail('completion: its record\'s spans do not fit its bytes');
  }
  const { record: _spans, v: _v, ...rest } = m;
  void _spans;
  void _v;
  const recordBytes: RecordBytes = { bytes, status: spans.status as RecordBytes['status'], result: spans.result, statusCode: spans.statusCode };
  return { ok: true, value: { ...(rest as Omit<CompletionMessage, 'v'>), v: COMPLETION_MESSAGE_VERSION, recordBytes } };
}

function isSpan(s: unknown, min: number, max: number): s is [number, number] {
  return Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]) && min <= s[0] && s[0] < s[1] && s[1] <= max;
}
