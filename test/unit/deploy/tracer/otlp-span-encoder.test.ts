// photon's OTLP encoder against the SDK's own serializer (@opentelemetry/otlp-transformer): the
// same spans made through both tracers (the same ids, times, attributes, events, status and
// resource) give requests that decode to the same fields, and the same bytes.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Span, type Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resources, tracing } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { LeanTracerProvider } from '../../../../deploy/tracer/lean-tracer-provider.js';
import type { LeanSpan, SpanSink } from '../../../../deploy/tracer/lean-span.js';
import { OtlpBatchEncoder, encodeResource } from '../../../../deploy/tracer/otlp-span-encoder.js';
import { ProtobufWriter } from '../../../../deploy/tracer/protobuf-writer.js';

// --- a protobuf decoder driven by the OTLP trace schema: every field, in order, exact numbers ---

type Kind = 'varint' | 'fixed64' | 'fixed32' | 'double' | 'string' | 'bytes' | Schema;
interface Schema { [field: number]: Kind }
type Value = bigint | number | string | Decoded;
interface Decoded { [field: number]: Value[] }

const anyValue: Schema = { 1: 'string', 2: 'varint', 3: 'varint', 4: 'double', 7: 'bytes' };
const keyValue: Schema = { 1: 'string', 2: anyValue };
anyValue[5] = { 1: anyValue };
anyValue[6] = { 1: keyValue };
const event: Schema = { 1: 'fixed64', 2: 'string', 3: keyValue, 4: 'varint' };
const status: Schema = { 2: 'string', 3: 'varint' };
const span: Schema = { 1: 'bytes', 2: 'bytes', 3: 'string', 4: 'bytes', 5: 'string', 6: 'varint', 7: 'fixed64', 8: 'fixed64', 9: keyValue, 10: 'varint', 11: event, 12: 'varint', 14: 'varint', 15: status, 16: 'fixed32' };
const scope: Schema = { 1: 'string', 2: 'string', 3: keyValue, 4: 'varint' };
const request: Schema = { 1: { 1: { 1: keyValue, 2: 'varint' }, 2: { 1: scope, 2: span, 3: 'string' }, 3: 'string' } };

function decode(buf: Uint8Array, schema: Schema): Decoded {
  const out: Decoded = {};
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    const kind = schema[field];
    if (kind === undefined) throw new Error(`field ${field} (wire ${wire}) is not in the schema`);
    let value: Value;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      const dv = new DataView(buf.buffer, buf.byteOffset + pos, 8);
      value = kind === 'double' ? dv.getFloat64(0, true) : dv.getBigUint64(0, true);
      pos += 8;
    } else if (wire === 5) {
      value = new DataView(buf.buffer, buf.byteOffset + pos, 4).getUint32(0, true);
      pos += 4;
    } else if (wire === 2) {
      const n = Number(varint());
      const bytes = buf.subarray(pos, pos + n);
      pos += n;
      value = typeof kind === 'object' ? decode(bytes, kind) : kind === 'string' ? Buffer.from(bytes).toString('utf8') : Buffer.from(bytes).toString('hex');
    } else throw new Error(`wire type ${wire}`);
    (out[field] ??= []).push(value);
  }
  return out;
}

// --- the same spans through both tracers ---

const RESOURCE = { 'service.name': 'photon-test', 'host.name': 'h', 'process.pid': 4242 };
const T0 = 1_764_415_520_123.25; // epoch ms, a quarter-µs fraction
const REMOTE = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true });

/** photon's spans: a root SERVER span, a CONSUMER child of a remote parent, a local child; every value type. */
function makeSpans(tracer: Tracer): void {
  const root = tracer.startSpan('POST /api/v1', { kind: SpanKind.SERVER, startTime: T0, attributes: { 'http.request.method': 'POST', 'url.path': '/api/v1/namespaces/_/actions/hello' } }, ROOT_CONTEXT);
  root.setAttribute('photon.phase.auth_ms', 0.042);
  root.setAttribute('photon.activation.id', 'a'.repeat(32));
  root.setAttribute('photon.netns.id', 50_123);
  root.setAttribute('photon.big', -7);
  root.setAttribute('photon.huge', 2 ** 40);
  root.setAttribute('photon.ok', true);
  root.setAttribute('photon.list', ['a', 'b']);
  root.setAttribute('photon.unicode', 'grüße ✓ '.repeat(20));
  root.setAttribute('photon.long', 'x'.repeat(300));
  // Set again: the value changes, the attribute keeps its first place (the SDK's object order).
  root.setAttribute('photon.phase.auth_ms', 0.043);
  root.setAttribute('http.request.method', 'PUT');
  root.setStatus({ code: SpanStatusCode.OK });
  const child = tracer.startSpan('invoker.activation', { kind: SpanKind.CONSUMER, startTime: T0 + 1.5 }, REMOTE);
  child.addEvent('log', { 'log.record': '2026-01-01T00:00:00.000Z stdout: tracing 1' }, T0 + 2.125);
  child.addEvent('bare', T0 + 2.5);
  child.recordException({ name: 'Error', message: 'kaputt', stack: 'Error: kaputt\n    at main' }, T0 + 3);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'kaputt' });
  const local = tracer.startSpan('controller.completion', { startTime: T0 + 4 }, trace.setSpan(ROOT_CONTEXT, root));
  local.end(T0 + 5.75);
  child.end(T0 + 6);
  root.end(T0 + 7.001);
}

/**
 * More distinct attribute keys than the encoder's key cache holds (512), some of them not ASCII;
 * and keys whose values repeat or not, more of them than it keeps per key (8), long and short.
 */
function makeManyKeys(tracer: Tracer): void {
  const root = tracer.startSpan('many', { startTime: T0 }, ROOT_CONTEXT);
  for (let j = 0; j < 12; j++) {
    const child = tracer.startSpan(`many.${j}`, { startTime: T0 + 1 + j }, trace.setSpan(ROOT_CONTEXT, root));
    child.setAttribute('photon.repeated', j % 3 === 0 ? 'warm' : 'prewärm');
    child.setAttribute('photon.distinct', `value-${j}`);
    child.setAttribute('photon.length', 'y'.repeat(60 + j));
    child.setAttribute('photon.flag', j % 2 === 0);
    child.setAttribute('photon.phase.x_ms', j + 0.25);
    for (let i = 0; i < 60; i++) child.setAttribute(i % 3 === 0 ? `schlüssel.${j}.${i}` : `key.${j}.${i}`, i % 4 === 1 ? `v${i % 10}` : i);
    child.end(T0 + 10);
  }
  root.end(T0 + 11);
}

/**
 * Photon's spans as a server makes them, many times: attributes whose values repeat (copied whole
 * from the encoder's value cache), rotate among more values than it keeps per key, change every
 * span (the key turns volatile after 32 misses), or repeat with the same text in new strings; and
 * a key whose value is a double on one span and an integer or a string on others.
 */
function makeRepeats(tracer: Tracer): void {
  const root = tracer.startSpan('POST /api/v1', { startTime: T0 }, ROOT_CONTEXT);
  for (let j = 0; j < 80; j++) {
    const child = tracer.startSpan('invoker.activation', { startTime: T0 + 1 + j, attributes: { 'photon.invoker': 'invoker0', 'messaging.system': 'in-process' } }, trace.setSpan(ROOT_CONTEXT, root));
    child.setAttribute('photon.activation.id', `${j.toString(16).padStart(4, '0')}${'b'.repeat(28)}`);
    child.setAttribute('photon.action', `guest/${['hello', 'world'][j % 2]}`);
    child.setAttribute('photon.isolate.id', `iso-${j % 7}`);
    child.setAttribute('photon.record.first', j % 5 !== 0);
    child.setAttribute('photon.netns.id', 34_100 + (j % 3));
    child.setAttribute('photon.phase.bus_wait_ms', j % 4 === 0 ? 0 : j / 7);
    child.setAttribute('photon.mixed', j % 3 === 0 ? 'text' : j % 3 === 1 ? 12 : 1.5);
    child.setAttribute('photon.unicode.value', j % 2 === 0 ? 'grüße' : 'grüße ✓');
    child.end(T0 + 2 + j);
  }
  root.end(T0 + 100);
}

function lean(make = makeSpans): { bytes: Buffer; ids: Array<{ traceId: string; spanId: string }> } {
  const ended: LeanSpan[] = [];
  const encoder = new OtlpBatchEncoder(encodeResource(RESOURCE));
  const sink: SpanSink = { onEnd: (s) => { ended.push(s); encoder.add(s); }, forceFlush: async () => undefined, shutdown: async () => undefined };
  const provider = new LeanTracerProvider(() => true, sink, { attributes: 128, events: 128 });
  make(provider.getTracer('photon', '1.2.3'));
  // In creation order (root, child, local): what the SDK's id generator is to hand out.
  const byStart = [...ended].sort((a, b) => a.startMs - b.startMs);
  return { bytes: encoder.finish(), ids: byStart.map((s) => ({ traceId: s.traceId, spanId: s.spanId })) };
}

function sdk(ids: Array<{ traceId: string; spanId: string }>, make = makeSpans): Buffer {
  const exporter = new tracing.InMemorySpanExporter();
  let next = 0;
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes(RESOURCE),
    sampler: new tracing.AlwaysOnSampler(),
    // Only the root asks for a trace id (its children take their parent's).
    idGenerator: { generateTraceId: () => ids[0]!.traceId, generateSpanId: () => ids[next++]!.spanId },
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  make(provider.getTracer('photon', '1.2.3'));
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe('the OTLP span encoder', () => {
  it('encodes what the SDK\'s serializer encodes: field by field, then byte for byte', () => {
    const mine = lean();
    const theirs = sdk(mine.ids);
    const a = decode(mine.bytes, request);
    const b = decode(theirs, request);
    expect(a).toEqual(b);
    const spans = ((a[1]![0] as Decoded)[2]![0] as Decoded)[2] as Decoded[];
    expect(spans.map((s) => s[5]![0])).toEqual(['controller.completion', 'invoker.activation', 'POST /api/v1']);
    expect(spans[1]![4]).toEqual(['00f067aa0ba902b7']);
    expect(spans[1]![16]).toEqual([0x301]); // sampled, parent is remote
    expect(spans[2]![7]).toEqual([1_764_415_520_123_250_000n]);
    expect(mine.bytes.equals(theirs)).toBe(true);
  });

  it('writes keys past its key cache\'s bound as the SDK does', () => {
    const mine = lean(makeManyKeys);
    const theirs = sdk(mine.ids, makeManyKeys);
    expect(decode(mine.bytes, request)).toEqual(decode(theirs, request));
    expect(mine.bytes.equals(theirs)).toBe(true);
  });

  it('copies repeated attributes from its value cache as the SDK writes them, batch after batch', () => {
    for (let batch = 0; batch < 3; batch++) {
      const mine = lean(makeRepeats);
      const theirs = sdk(mine.ids, makeRepeats);
      expect(decode(mine.bytes, request)).toEqual(decode(theirs, request));
      expect(mine.bytes.equals(theirs)).toBe(true);
    }
  });

  it('writes a length that needs more than the one byte it reserved, moving the message', () => {
    const w = new ProtobufWriter(4);
    const at = w.startMessage();
    w.string('y'.repeat(20_000));
    w.endMessage(at);
    const bytes = w.take();
    const n = 20_000 + 3; // the string's own varint length takes 3 bytes
    expect([...bytes.subarray(0, 3)]).toEqual([(n & 0x7f) | 0x80, ((n >>> 7) & 0x7f) | 0x80, n >>> 14]);
    expect(bytes.length).toBe(3 + n);
  });

  it('hands a one-scope batch over as it was written (framed in place), and writes the next one elsewhere', () => {
    const encoder = new OtlpBatchEncoder(encodeResource(RESOURCE));
    const sink: SpanSink = { onEnd: (s) => encoder.add(s), forceFlush: async () => undefined, shutdown: async () => undefined };
    const tracer = new LeanTracerProvider(() => true, sink, { attributes: 128, events: 128 }).getTracer('photon');
    const batch = (names: string[]): Buffer => {
      for (const name of names) tracer.startSpan(name, { attributes: { 'photon.action': `guest/${name}` } }, ROOT_CONTEXT).end();
      return encoder.finish();
    };
    const names = (bytes: Buffer): unknown[] => (((decode(bytes, request)[1]![0] as Decoded)[2] as Decoded[])[0]![2] as Decoded[]).map((span) => span[5]![0]);
    const first = batch(['a', 'b']);
    const copy = Buffer.from(first);
    const second = batch(['c', 'd', 'e']);
    expect(first.equals(copy)).toBe(true);
    expect(names(first)).toEqual(['a', 'b']);
    expect(names(second)).toEqual(['c', 'd', 'e']);
    expect(encoder.finish().length).toBe(encodeResource(RESOURCE).length + 2);
    // A batch past the first buffer's 64 KiB (it grows while written), then a small one in a new buffer.
    const big = Array.from({ length: 200 }, (_, i) => `${i}${'x'.repeat(600)}`);
    const large = batch(big);
    expect(large.length).toBeGreaterThan(128 * 1024);
    const small = batch(['f']);
    expect(names(large)).toEqual(big);
    expect(names(small)).toEqual(['f']);
  });

  it('frames spans of several scopes in one ResourceSpans, and starts empty after finish', () => {
    const encoder = new OtlpBatchEncoder(encodeResource(RESOURCE));
    const sink: SpanSink = { onEnd: (s) => encoder.add(s), forceFlush: async () => undefined, shutdown: async () => undefined };
    const provider = new LeanTracerProvider(() => true, sink, { attributes: 128, events: 128 });
    const spanOf = (t: Tracer): Span => t.startSpan('s', {}, ROOT_CONTEXT);
    spanOf(provider.getTracer('one')).end();
    spanOf(provider.getTracer('two')).end();
    spanOf(provider.getTracer('one')).end();
    const first = decode(encoder.finish(), request);
    const scopes = (first[1]![0] as Decoded)[2] as Decoded[];
    expect(scopes.map((s) => [(s[1]![0] as Decoded)[1]![0], s[2]!.length])).toEqual([['one', 2], ['two', 1]]);
    expect(encoder.count).toBe(0);
    spanOf(provider.getTracer('two')).end();
    const second = decode(encoder.finish(), request);
    expect(((second[1]![0] as Decoded)[2] as Decoded[]).map((s) => (s[1]![0] as Decoded)[1]![0])).toEqual(['two']);
  });
});
