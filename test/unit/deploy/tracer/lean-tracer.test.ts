// photon's tracer behind the OpenTelemetry API: what photon's code (shared/tracing) sees of it,
// what reaches the sink, and the W3C propagator against the SDK's.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, createTraceState, defaultTextMapGetter, defaultTextMapSetter, propagation, trace } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LeanTracerProvider } from '../../../../deploy/tracer/lean-tracer-provider.js';
import type { LeanSpan, SpanSink } from '../../../../deploy/tracer/lean-span.js';
import { parentBased, samplerFromEnv } from '../../../../deploy/tracer/trace-sampler.js';
import { W3CPropagator } from '../../../../deploy/tracer/w3c-propagator.js';
import { SyncContextManager } from '../../../../deploy/sync-context-manager.js';
import { inSpan, startSpanIn, traceparentOf } from '../../../../shared/tracing/in-span.js';
import { addPhase, inPhase } from '../../../../shared/tracing/in-phase.js';
import { extractTraceContext, injectTraceHeaders } from '../../../../shared/tracing/trace-headers.js';

/** What the sink saw of each span at its end (the span lets go of its attributes afterwards). */
interface Seen { name: string; traceId: string; spanId: string; parent?: string; kind: number; attributes: Record<string, unknown>; events: string[]; status: { code: number; message?: string }; droppedAttributes: number; startMs: number; endMs: number }
const seen: Seen[] = [];
const sink: SpanSink = {
  onEnd: (s: LeanSpan) => {
    seen.push({ name: s.name, traceId: s.traceId, spanId: s.spanId, ...(s.parent ? { parent: s.parent.spanId } : {}), kind: s.kind, attributes: { ...s.attributes }, events: (s.events ?? []).map((e) => e.name), status: s.status, droppedAttributes: s.droppedAttributes, startMs: s.startMs, endMs: s.endMs });
  },
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};
let sampleRoots = true;
const provider = new LeanTracerProvider(parentBased(() => sampleRoots), sink, { attributes: 4, events: 2 });
context.setGlobalContextManager(new SyncContextManager());
propagation.setGlobalPropagator(new W3CPropagator());
trace.setGlobalTracerProvider(provider);
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});
beforeEach(() => {
  seen.length = 0;
  sampleRoots = true;
});

const remote = (flags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });

describe('photon\'s tracer through shared/tracing', () => {
  it('records a root, its phases as attributes, a child below it; the sink gets each span once at its end', async () => {
    const seenBefore = performance.timeOrigin + performance.now();
    await inSpan(ROOT_CONTEXT, 'outer', { a: 1 }, async (span, ctx) => {
      await inPhase(ctx, 'photon.phase.x_ms', async (note) => { note('photon.invoker', 'i0'); });
      addPhase(span, 'photon.phase.y_ms', 1, 3.5);
      startSpanIn(ctx, 'inner', { kind: SpanKind.CONSUMER }).end();
      expect(traceparentOf(span)).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    });
    const [inner, outer] = seen;
    expect(seen.map((s) => s.name)).toEqual(['inner', 'outer']);
    expect(outer!.parent).toBeUndefined();
    expect(inner!.parent).toBe(outer!.spanId);
    expect(inner!.traceId).toBe(outer!.traceId);
    expect(inner!.kind).toBe(SpanKind.CONSUMER);
    expect(outer!.attributes).toMatchObject({ a: 1, 'photon.invoker': 'i0', 'photon.phase.y_ms': 2.5 });
    expect(outer!.attributes['photon.phase.x_ms']).toBeGreaterThanOrEqual(0);
    expect(outer!.startMs).toBeGreaterThanOrEqual(seenBefore - 1);
    expect(outer!.endMs).toBeGreaterThanOrEqual(outer!.startMs);
    expect(outer!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(outer!.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('records a thrown error as the status and an exception event, and ignores what comes after end', async () => {
    let kept: ReturnType<typeof startSpanIn> | undefined;
    await expect(inSpan(ROOT_CONTEXT, 'failing', {}, async (span) => {
      kept = span;
      throw new Error('kaputt');
    })).rejects.toThrow('kaputt');
    kept!.setAttribute('late', 1);
    kept!.end();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: { code: SpanStatusCode.ERROR, message: 'kaputt' }, events: ['exception'], attributes: {} });
    expect(kept!.isRecording()).toBe(false);
  });

  it('keeps at most the limit of attributes and events, counting what it drops, and copies the attributes it is given', () => {
    const given = { a: 1, b: 2 };
    const span = trace.getTracer('photon').startSpan('limited', { attributes: given }, ROOT_CONTEXT);
    span.setAttributes({ c: 3, d: 4, e: 5 }).setAttribute('a', 10).setAttribute('f', 6);
    for (let i = 0; i < 3; i++) span.addEvent(`e${i}`);
    span.end();
    expect(given).toEqual({ a: 1, b: 2 });
    expect(seen[0]).toMatchObject({ attributes: { a: 10, b: 2, c: 3, d: 4 }, droppedAttributes: 2, events: ['e0', 'e1'] });
  });

  it('builds nothing for an unsampled root: a non-recording span carrying a valid, unsampled context', async () => {
    sampleRoots = false;
    const span = trace.getTracer('photon').startSpan('dropped', {}, ROOT_CONTEXT);
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    span.setAttribute('x', 1);
    span.end();
    const child = startSpanIn(trace.setSpan(ROOT_CONTEXT, span), 'child');
    expect(child.spanContext()).toEqual(span.spanContext());
    await inSpan(remote(TraceFlags.NONE), 'completion', {}, async (s) => { expect(s.isRecording()).toBe(false); });
    expect(seen).toEqual([]);
  });

  it('continues a remote parent\'s trace through the message headers, tracestate included', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true, traceState: createTraceState('vendor=x') });
    const span = startSpanIn(parent, 'invoker.activation');
    const headers = injectTraceHeaders(trace.setSpan(ROOT_CONTEXT, span));
    expect(headers).toEqual({ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`, tracestate: 'vendor=x' });
    const back = trace.getSpanContext(extractTraceContext(headers))!;
    expect(back).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: span.spanContext().spanId, traceFlags: 1, isRemote: true });
    span.end();
    expect(seen[0]!.parent).toBe('00f067aa0ba902b7');
  });
});

describe('the W3C propagator', () => {
  const sdk = new core.W3CTraceContextPropagator();
  const ours = new W3CPropagator();
  const carriers: Array<Record<string, string>> = [
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00', tracestate: 'a=1,b=2' },
    { traceparent: ' 01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-future ' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra' },
    { traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01' },
    { traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' },
    // The canonical form's shortcut (55 characters, version 00) must refuse what PARSE refuses.
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-FF' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bé-01' },
    { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0f' },
    { traceparent: '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    { traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0' },
    { traceparent: 'garbage' },
    {},
  ];

  it('extracts what the SDK\'s W3CTraceContextPropagator extracts, and injects the same headers', () => {
    for (const carrier of carriers) {
      const a = trace.getSpanContext(ours.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
      const b = trace.getSpanContext(sdk.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
      expect({ ...a, traceState: a?.traceState?.serialize() }, JSON.stringify(carrier)).toEqual({ ...b, traceState: b?.traceState?.serialize() });
      if (a === undefined) continue;
      const outA: Record<string, string> = {};
      const outB: Record<string, string> = {};
      ours.inject(trace.setSpanContext(ROOT_CONTEXT, a), outA, defaultTextMapSetter);
      sdk.inject(trace.setSpanContext(ROOT_CONTEXT, a), outB, defaultTextMapSetter);
      expect(outA).toEqual(outB);
    }
    expect(ours.fields()).toEqual(sdk.fields());
  });

  it('injects from a recording span of photon\'s tracer (its traceparent made once) what the SDK injects for its context', () => {
    const provider = new LeanTracerProvider(() => true, sink, { attributes: 128, events: 128 });
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true, traceState: createTraceState('vendor=x') });
    for (const ctx of [ROOT_CONTEXT, parent]) {
      const span = provider.getTracer('photon').startSpan('s', {}, ctx);
      for (let i = 0; i < 2; i++) {
        const outA: Record<string, string> = {};
        const outB: Record<string, string> = {};
        ours.inject(trace.setSpan(ROOT_CONTEXT, span), outA, defaultTextMapSetter);
        sdk.inject(trace.setSpanContext(ROOT_CONTEXT, span.spanContext()), outB, defaultTextMapSetter);
        expect(outA).toEqual(outB);
      }
      span.end();
    }
  });
});

describe('samplerFromEnv in the provider', () => {
  it('a ratio of 0 at the root leaves every span of the trace unrecorded', () => {
    const none = new LeanTracerProvider(samplerFromEnv('parentbased_traceidratio', '0', () => undefined), sink, { attributes: 128, events: 128 });
    const root = none.getTracer('t').startSpan('r', {}, ROOT_CONTEXT);
    none.getTracer('t').startSpan('c', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();
    expect(seen).toEqual([]);
  });
});
