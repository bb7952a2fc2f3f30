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

/** One KeyValue per attribute, each under `field` of the enclosing message. */
function writeAttributes(w: ProtobufWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    w.tag(field, LEN);
    const kv = w.startMessage();
    w.tag(1, LEN);
    w.string(key);
    w.tag(2, LEN);
    const any = w.startMessage();
    writeAnyValue(w, value);
    w.endMessage(any);
    w.endMessage(kv);
  }
}

function writeAnyValue(w: ProtobufWriter, value: AttributeValue | null | undefined): void {
  if (typeof value === 'string') {
    w.tag(1, LEN);
    w.string(value);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX) {
      w.tag(3, VARINT);
      w.int64(value);
    } else {
      w.tag(4, I64);
      w.double(value);
    }
  } else if (typeof value === 'boolean') {
    w.tag(2, VARINT);
    w.varint(value ? 1 : 0);
  } else if (Array.isArray(value)) {
    w.tag(5, LEN);
    const array = w.startMessage();
    for (const item of value as ReadonlyArray<string | number | boolean | null | undefined>) {
      w.tag(1, LEN);
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
  writeAttributes(w, 1, attributes);
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
  w.tag(2, LEN);
  const at = w.startMessage();
  w.tag(1, LEN);
  w.hexBytes(s.traceId);
  w.tag(2, LEN);
  w.hexBytes(s.spanId);
  const traceState = s.traceState?.serialize();
  if (traceState) {
    w.tag(3, LEN);
    w.string(traceState);
  }
  if (s.parent !== undefined) {
    w.tag(4, LEN);
    w.hexBytes(s.parent.spanId);
  }
  w.tag(5, LEN);
  w.string(s.name);
  // OTLP's SpanKind is the API's plus one (0 is UNSPECIFIED).
  w.tag(6, VARINT);
  w.varint(s.kind + 1);
  w.tag(7, I64);
  w.epochNanos(s.startMs);
  w.tag(8, I64);
  w.epochNanos(s.endMs);
  writeAttributes(w, 9, s.attributes);
  w.tag(10, VARINT);
  w.varint(s.droppedAttributes);
  for (const e of s.events ?? []) {
    w.tag(11, LEN);
    const event = w.startMessage();
    w.tag(1, I64);
    w.epochNanos(e.timeMs);
    w.tag(2, LEN);
    w.string(e.name);
    writeAttributes(w, 3, e.attributes);
    w.tag(4, VARINT);
    w.varint(0);
    w.endMessage(event);
  }
  w.tag(12, VARINT);
  w.varint(s.droppedEvents);
  w.tag(14, VARINT);
  w.varint(s.droppedLinks);
  w.tag(15, LEN);
  const status = w.startMessage();
  if (s.status.message) {
    w.tag(2, LEN);
    w.string(s.status.message);
  }
  w.tag(3, VARINT);
  w.varint(s.status.code);
  w.endMessage(status);
  // Span flags: the W3C flags (sampled: 1) and whether the parent came from another process.
  w.tag(16, I32);
  w.fixed32(1 | FLAG_HAS_IS_REMOTE | (s.parent?.isRemote ? FLAG_IS_REMOTE : 0));
  w.endMessage(at);
}

const varintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

/** The spans of one batch, encoded as they end, per scope; `finish` frames them as one request. */
export class OtlpBatchEncoder {
  #scopes = new Map<InstrumentationScope, { header: Buffer; spans: ProtobufWriter }>();
  count = 0;

  constructor(private readonly resource: Buffer) {}

  add(span: LeanSpan): void {
    let scope = this.#scopes.get(span.scope);
    if (scope === undefined) {
      scope = { header: encodeScope(span.scope), spans: new ProtobufWriter() };
      this.#scopes.set(span.scope, scope);
    }
    writeSpan(scope.spans, span);
    this.count++;
  }

  /**
   * The ExportTraceServiceRequest of the spans added since the last finish (one ResourceSpans,
   * one ScopeSpans per scope); the encoder is empty again and keeps its buffers.
   */
  finish(): Buffer {
    const scopes = [...this.#scopes.values()].filter((scope) => scope.spans.pos > 0);
    let resourceSpans = this.resource.length;
    for (const scope of scopes) {
      const length = scope.header.length + scope.spans.pos;
      resourceSpans += 1 + varintSize(length) + length;
    }
    // One copy of the spans' bytes: the frames, then every piece, joined by Buffer.concat.
    const pieces: Buffer[] = [];
    const frame = new ProtobufWriter(16);
    frame.tag(1, LEN);
    frame.varint(resourceSpans);
    pieces.push(frame.take(), this.resource);
    for (const scope of scopes) {
      frame.tag(2, LEN);
      frame.varint(scope.header.length + scope.spans.pos);
      pieces.push(frame.take(), scope.header, scope.spans.buf.subarray(0, scope.spans.pos));
    }
    const out = Buffer.concat(pieces);
    for (const scope of scopes) scope.spans.pos = 0;
    this.count = 0;
    return out;
  }
}
