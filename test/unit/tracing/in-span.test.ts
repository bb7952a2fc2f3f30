// Spans below explicit parents: recorded under sampled ones, not even created under unsampled ones.
import { ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { inSpan, startSpanIn, traceparentOf } from '../../../shared/tracing/in-span.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
// No async context manager, as in photon's processes: parents are only what is passed.
provider.register({ contextManager: null });
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const remote = (flags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });

describe('startSpanIn', () => {
  it('starts a root span when there is no parent, and the sampler decides', () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    span.end();
    expect(span.isRecording()).toBe(false); // ended
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['root']);
    expect(traceparentOf(span)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('records a child of a sampled remote parent in the parent\'s trace', () => {
    startSpanIn(remote(TraceFlags.SAMPLED), 'child').end();
    const [child] = exporter.getFinishedSpans();
    expect(child?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('creates nothing under an unsampled parent and carries the parent\'s context on', () => {
    const span = startSpanIn(remote(TraceFlags.NONE), 'child');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
    span.end();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('inSpan', () => {
  it('parents the work\'s own spans on the span it passes, and records a thrown error', async () => {
    await expect(inSpan(ROOT_CONTEXT, 'outer', { a: 1 }, async (_span, ctx) => {
      await Promise.resolve();
      startSpanIn(ctx, 'inner').end();
      throw new Error('kaputt');
    })).rejects.toThrow('kaputt');
    const spans = exporter.getFinishedSpans();
    const outer = spans.find((s) => s.name === 'outer')!;
    expect(spans.find((s) => s.name === 'inner')!.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(outer.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'kaputt' });
    expect(outer.attributes).toMatchObject({ a: 1 });
  });

  it('runs the work under an unsampled parent as it is: the parent\'s span and context, nothing recorded', async () => {
    const parent = remote(TraceFlags.NONE);
    const seen = await inSpan(parent, 'child', { a: 1 }, async (span, ctx) => {
      await Promise.resolve();
      startSpanIn(ctx, 'inner').end();
      return { span, ctx };
    });
    // The same objects, not a new context wrapping an equal span context: nothing was built.
    expect(seen.ctx).toBe(parent);
    expect(seen.span).toBe(trace.getSpan(parent));
    expect(exporter.getFinishedSpans()).toEqual([]);
    await expect(inSpan(parent, 'child', {}, () => { throw new Error('early'); })).rejects.toThrow('early');
  });
});
