// OTLP protobuf (opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest) written span by
// span as spans end, into a buffer per instrumentation scope that grows with the batch: no span
// object waits for its batch, and sealing a batch is framing around bytes already written. The
// fields, their order and which ones are left out when empty are those of
// @opentelemetry/otlp-transformer's serializer (trace-serializer.js), so a collector sees what the
// SDK would send; test/unit/deploy/otlp-span-encoder.test.ts decodes both and compares them.
// Links are not encoded (photon's spans have none; they are counted in dropped_links_count).
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { InstrumentationScope, LeanSpan } from './lean-span.js';
import { ProtobufWriter } from './protobuf-writer.js';

const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;
const INT64_MIN = -(2 ** 63);
const INT64_MAX = 2 ** 63;

// Tags of the fields below 16 as the one byte each is: (field << 3) | wire type.
const T1_LEN = (1 << 3) | LEN;
const T2_LEN = (2 << 3) | LEN;
const T3_LEN = (3 << 3) | LEN;
const T4_LEN = (4 << 3) | LEN;
const T5_LEN = (5 << 3) | LEN;
const T6_VARINT = (6 << 3) | VARINT;
const T7_I64 = (7 << 3) | I64;
const T8_I64 = (8 << 3) | I64;
const T9_LEN = (9 << 3) | LEN;
const T10_VARINT = (10 << 3) | VARINT;
const T11_LEN = (11 << 3) | LEN;
const T12_VARINT = (12 << 3) | VARINT;
const T14_VARINT = (14 << 3) | VARINT;
const T15_LEN = (15 << 3) | LEN;
const T1_I64 = (1 << 3) | I64;
const T2_VARINT = (2 << 3) | VARINT;
const T3_VARINT = (3 << 3) | VARINT;
const T4_I64 = (4 << 3) | I64;
const T4_VARINT = (4 << 3) | VARINT;
// Span.flags is field 16: its tag takes two bytes.
const T16_I32 = [((16 << 3) | I32) & 0x7f | 0x80, (16 << 3) >>> 7] as const;

/**
 * What is encoded once per span attribute key and copied from then on: photon's keys are a small
 * fixed set (shared/tracing/attributes.ts), written on every span, and most of their values repeat
 * from span to span (the method, the invoker's and controller's ids, the action, the messaging
 * names, `warm`, the status): such a KeyValue, tag and all, is one copy of bytes instead of ≈10
 * calls (tags, two nested lengths, the key, the value's UTF-8). Bounded: at most KEY_CACHE_MAX keys
 * (keys made up at run time cannot grow it without end; past the bound a key is written field by
 * field each time), VALUES_PER_KEY values per key (the last ones seen, replaced in turn) and
 * MAX_CACHED_BYTES per KeyValue. A key whose values keep changing (an activation id) stops being
 * looked up after VOLATILE_AFTER misses with few hits: no compare, no copy kept. Values are compared
 * with `===`: a new string of the same text as a cached one (`ns/name` built per request) is
 * compared by content, never hashed (a Map keyed by value hashed every new string in full, and was
 * slower in a server than encoding: shared/tracing/README.md, trace3).
 */
const KEY_CACHE_MAX = 512;
const VALUES_PER_KEY = 4;
const MAX_CACHED_BYTES = 128;
const VOLATILE_AFTER = 32;

interface KeySlot {
  /** The KeyValue.key field: tag, length, UTF-8. */
  readonly field: Uint8Array;
  /**
   * A double attribute's KeyValue up to its 8 value bytes (span attribute tag, KeyValue length,
   * key field, AnyValue tag and length, double_value tag); undefined when its length takes 2 bytes.
   */
  readonly double: Uint8Array | undefined;
  /** The last string, boolean or integer values seen, and their whole KeyValues (span attribute tag included). */
  readonly values: AttributeValue[];
  readonly encoded: Uint8Array[];
  next: number;
  hits: number;
  misses: number;
  volatile: boolean;
}

const keyCache = new Map<string, KeySlot>();
const keyWriter = new ProtobufWriter(256);

function keySlot(key: string): KeySlot | undefined {
  let slot = keyCache.get(key);
  if (slot === undefined && keyCache.size < KEY_CACHE_MAX) {
    keyWriter.byte(T1_LEN);
    keyWriter.string(key);
    const field = keyWriter.take();
    let double: Uint8Array | undefined;
    if (field.length + 11 < 0x80) {
      keyWriter.byte(T9_LEN);
      keyWriter.byte(field.length + 11);
      keyWriter.raw(field);
      keyWriter.byte(T2_LEN);
      keyWriter.byte(9);
      keyWriter.byte(T4_I64);
      double = keyWriter.take();
    }
    slot = { field, double, values: [], encoded: [], next: 0, hits: 0, misses: 0, volatile: false };
    keyCache.set(key, slot);
  }
  return slot;
}

function encodedKey(key: string): Uint8Array | undefined {
  return keySlot(key)?.field;
}

const isDouble = (value: number): boolean => !(Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX);

/** A span's attribute (field 9 of Span): copied whole when its key and value were seen before. */
function writeSpanAttribute(w: ProtobufWriter, key: string, value: AttributeValue | undefined): void {
  const slot = keySlot(key);
  if (slot === undefined) {
    writeKeyValueFields(w, T9_LEN, undefined, key, value);
    return;
  }
  if (typeof value === 'number' && isDouble(value)) {
    // A phase's ms (most of a span's attributes): never the same twice, its prefix is.
    if (slot.double !== undefined) {
      w.raw(slot.double);
      w.double(value);
    } else {
      writeKeyValueFields(w, T9_LEN, slot.field, key, value);
    }
    return;
  }
  if (slot.volatile || !(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    writeKeyValueFields(w, T9_LEN, slot.field, key, value);
    return;
  }
  const values = slot.values;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === value) {
      slot.hits++;
      w.raw(slot.encoded[i]!);
      return;
    }
  }
  const start = w.pos;
  writeKeyValueFields(w, T9_LEN, slot.field, key, value);
  if (++slot.misses >= VOLATILE_AFTER && slot.hits < slot.misses) {
    // Keeps changing: no more lookups or copies for it (its cached values are let go).
    slot.volatile = true;
    slot.values.length = 0;
    slot.encoded.length = 0;
    return;
  }
  if (w.pos - start > MAX_CACHED_BYTES) return;
  const at = slot.next;
  slot.values[at] = value;
  // A copy: the batch's buffer is handed over when it is sealed.
  slot.encoded[at] = new Uint8Array(w.buf.subarray(start, w.pos));
  slot.next = (at + 1) % VALUES_PER_KEY;
}

/** One KeyValue per attribute, each under the field whose one-byte tag is `tag`. */
function writeAttributes(w: ProtobufWriter, tag: number, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) writeKeyValueFields(w, tag, encodedKey(key), key, value);
  }
}

/** A span's attributes, kept as two arrays (lean-span.ts): the same KeyValues, walked by index. */
function writeAttributeArrays(w: ProtobufWriter, keys: readonly string[], values: readonly AttributeValue[]): void {
  for (let i = 0; i < keys.length; i++) writeSpanAttribute(w, keys[i]!, values[i]);
}

/**
 * A KeyValue written field by field (`cached`: the key field, when known): the reference the
 * copies above are made from.
 */
function writeKeyValueFields(w: ProtobufWriter, tag: number, cached: Uint8Array | undefined, key: string, value: AttributeValue | undefined): void {
  w.byte(tag);
  const kv = w.startMessage();
  if (cached === undefined) {
    w.byte(T1_LEN);
    w.string(key);
  } else {
    w.raw(cached);
  }
  w.byte(T2_LEN);
  const any = w.startMessage();
  writeAnyValue(w, value);
  w.endMessage(any);
  w.endMessage(kv);
}

function writeAnyValue(w: ProtobufWriter, value: AttributeValue | null | undefined): void {
  if (typeof value === 'string') {
    w.byte(T1_LEN);
    w.string(value);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX) {
      w.byte(T3_VARINT);
      w.int64(value);
    } else {
      w.byte(T4_I64);
      w.double(value);
    }
  } else if (typeof value === 'boolean') {
    w.byte(T2_VARINT);
    w.byte(value ? 1 : 0);
  } else if (Array.isArray(value)) {
    w.byte(T5_LEN);
    const array = w.startMessage();
    for (const item of value as ReadonlyArray<string | number | boolean | null | undefined>) {
      w.byte(T1_LEN);
      const any = w.startMessage();
      writeAnyValue(w, item);
      w.endMessage(any);
    }
    w.endMessage(array);
  }
  // null, undefined: an empty AnyValue, as the SDK writes it.
}

/** Resource { attributes, dropped_attributes_count }, with its own tag (field 1 of ResourceSpans). */
export function encodeResource(attributes: Attributes): Buffer {
  const w = new ProtobufWriter(1024);
  w.tag(1, LEN);
  const at = w.startMessage();
  writeAttributes(w, T1_LEN, attributes);
  w.tag(2, VARINT);
  w.varint(0);
  w.endMessage(at);
  return w.take();
}

/** InstrumentationScope { name, version }, with its own tag (field 1 of ScopeSpans). */
export function encodeScope(scope: InstrumentationScope): Buffer {
  const w = new ProtobufWriter(256);
  w.tag(1, LEN);
  const at = w.startMessage();
  w.tag(1, LEN);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, LEN);
    w.string(scope.version);
  }
  w.endMessage(at);
  return w.take();
}

/** One Span message (field 2 of ScopeSpans), tag included. */
export function writeSpan(w: ProtobufWriter, s: LeanSpan): void {
  w.byte(T2_LEN);
  const at = w.startMessage();
  w.byte(T1_LEN);
  w.hexBytes(s.traceId);
  w.byte(T2_LEN);
  w.hexBytes(s.spanId);
  const traceState = s.traceState?.serialize();
  if (traceState) {
    w.byte(T3_LEN);
    w.string(traceState);
  }
  if (s.parent !== undefined) {
    w.byte(T4_LEN);
    w.hexBytes(s.parent.spanId);
  }
  w.byte(T5_LEN);
  w.string(s.name);
  // OTLP's SpanKind is the API's plus one (0 is UNSPECIFIED).
  w.byte(T6_VARINT);
  w.varint(s.kind + 1);
  w.byte(T7_I64);
  w.epochNanos(s.startMs);
  w.byte(T8_I64);
  w.epochNanos(s.endMs);
  writeAttributeArrays(w, s.keys, s.values);
  w.byte(T10_VARINT);
  w.varint(s.droppedAttributes);
  if (s.events !== undefined) {
    for (const e of s.events) {
      w.byte(T11_LEN);
      const event = w.startMessage();
      w.byte(T1_I64);
      w.epochNanos(e.timeMs);
      w.byte(T2_LEN);
      w.string(e.name);
      writeAttributes(w, T3_LEN, e.attributes);
      w.byte(T4_VARINT);
      w.byte(0);
      w.endMessage(event);
    }
  }
  w.byte(T12_VARINT);
  w.varint(s.droppedEvents);
  w.byte(T14_VARINT);
  w.varint(s.droppedLinks);
  w.byte(T15_LEN);
  const status = w.startMessage();
  if (s.status.message) {
    w.byte(T2_LEN);
    w.string(s.status.message);
  }
  w.byte(T3_VARINT);
  w.varint(s.status.code);
  w.endMessage(status);
  // Span flags: the W3C flags (sampled: 1) and whether the parent came from another process.
  w.byte(T16_I32[0]);
  w.byte(T16_I32[1]);
  w.fixed32(1 | FLAG_HAS_IS_REMOTE | (s.parent?.isRemote ? FLAG_IS_REMOTE : 0));
  w.endMessage(at);
}

const varintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

/** One scope's spans of the batch being filled, written after room left for the request's framing. */
interface ScopeBatch {
  /** InstrumentationScope, tag included (encodeScope). */
  header: Buffer;
  spans: ProtobufWriter;
  /**
   * Where the spans begin: the bytes before are left for the framing of a request with this scope
   * alone (ResourceSpans' tag and length, the resource, ScopeSpans' tag and length, the scope),
   * written there by `finish` so the batch goes out without being copied.
   */
  start: number;
}

/** A tag, and the most bytes a length varint below 2^32 takes. */
const FRAME = 1 + 5;
/** The smallest buffer a batch starts in (the writer's own initial size). */
const MIN_BATCH_BYTES = 64 * 1024;

/**
 * The spans of one batch, encoded as they end, per scope; `finish` frames them as one request.
 * With one scope (photon has one tracer) the request is the buffer the spans were written into,
 * framed in place: no copy of the batch (Buffer.concat of ≈360 KB per 512 spans was ≈5% of the
 * tracer's time in one process); the next batch gets a new buffer of the size this one needed.
 */
export class OtlpBatchEncoder {
  #scopes = new Map<InstrumentationScope, ScopeBatch>();
  count = 0;

  constructor(private readonly resource: Buffer) {}

  add(span: LeanSpan): void {
    let scope = this.#scopes.get(span.scope);
    if (scope === undefined) {
      const header = encodeScope(span.scope);
      const start = FRAME + this.resource.length + FRAME + header.length;
      scope = { header, spans: new ProtobufWriter(), start };
      scope.spans.ensure(start);
      scope.spans.pos = start;
      this.#scopes.set(span.scope, scope);
    }
    writeSpan(scope.spans, span);
    this.count++;
  }

  /**
   * The ExportTraceServiceRequest of the spans added since the last finish (one ResourceSpans,
   * one ScopeSpans per scope); the encoder is empty again.
   */
  finish(): Buffer {
    const scopes = [...this.#scopes.values()].filter((scope) => scope.spans.pos > scope.start);
    const scopeLength = (scope: ScopeBatch): number => scope.header.length + scope.spans.pos - scope.start;
    let resourceSpans = this.resource.length;
    for (const scope of scopes) resourceSpans += 1 + varintSize(scopeLength(scope)) + scopeLength(scope);
    this.count = 0;
    const only = scopes.length === 1 ? scopes[0]! : undefined;
    if (only !== undefined) {
      // The framing, written backwards into the room before the spans: the request is then the
      // writer's own buffer from there, handed over as it is.
      const w = only.spans;
      const end = w.pos;
      const length = scopeLength(only);
      const at = only.start - (1 + varintSize(resourceSpans) + this.resource.length + 1 + varintSize(length) + only.header.length);
      w.pos = at;
      w.byte(T1_LEN);
      w.varint(resourceSpans);
      w.raw(this.resource);
      w.byte(T2_LEN);
      w.varint(length);
      w.raw(only.header);
      const out = w.buf.subarray(at, end);
      // The next batch's buffer: the power of two this batch needed, so a steady batch size is
      // written without growing (each growth copies), and one large batch (spans with many log
      // events) does not make every later buffer, held while its batch waits, as large.
      let size = MIN_BATCH_BYTES;
      while (size < end) size *= 2;
      w.buf = Buffer.allocUnsafe(size);
      w.pos = only.start;
      return out;
    }
    // Several scopes: one copy of the spans' bytes, the frames and every piece joined by Buffer.concat.
    const pieces: Buffer[] = [];
    const frame = new ProtobufWriter(16);
    frame.byte(T1_LEN);
    frame.varint(resourceSpans);
    pieces.push(frame.take(), this.resource);
    for (const scope of scopes) {
      frame.byte(T2_LEN);
      frame.varint(scopeLength(scope));
      pieces.push(frame.take(), scope.header, scope.spans.buf.subarray(scope.start, scope.spans.pos));
    }
    const out = Buffer.concat(pieces);
    for (const scope of scopes) scope.spans.pos = scope.start;
    return out;
  }
}
