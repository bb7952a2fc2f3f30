// Tracing off (no SDK registered): inSpan and startSpanIn build nothing — the work runs under the
// very context it was given, with the parent's span (or a no-op one); and the check is made per
// call, so a provider registered later (an SDK that starts after photon's modules load) is used.
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inSpan, startSpanIn, tracingOff } from '../../../shared/tracing/in-span.js';

const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true });

describe('spans with tracing off', () => {
  beforeAll(() => trace.disable());
  afterAll(() => trace.disable());

  it('runs the work under the context it was given, with the parent\'s span, and passes results and errors through', async () => {
    expect(tracingOff()).toBe(true);
    const seen = await inSpan(remote, 'work', { a: 1 }, async (span, ctx) => ({ ctx, span }));
    // Without the fast path the no-op tracer's span is wrapped into a new context object.
    expect(seen.ctx).toBe(remote);
    expect(seen.span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(startSpanIn(remote, 'x').spanContext().spanId).toBe('00f067aa0ba902b7');
    const root = await inSpan(ROOT_CONTEXT, 'root', {}, async (span, ctx) => ({ valid: trace.isSpanContextValid(span.spanContext()), ctx }));
    expect(root).toEqual({ valid: false, ctx: ROOT_CONTEXT });
    await expect(inSpan(ROOT_CONTEXT, 'fails', {}, async () => { throw new Error('kaputt'); })).rejects.toThrow('kaputt');
    // A work that throws synchronously rejects too (inSpan is not async itself with tracing off).
    await expect(inSpan(ROOT_CONTEXT, 'throws', {}, () => { throw new Error('at once'); })).rejects.toThrow('at once');
  });

  it('records spans once a provider is registered after the fact', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register({ contextManager: null });
    try {
      expect(tracingOff()).toBe(false);
      await inSpan(ROOT_CONTEXT, 'late', {}, async () => undefined);
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['late']);
    } finally {
      trace.disable();
      await provider.shutdown();
    }
  });
});
