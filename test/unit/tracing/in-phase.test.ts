// Phases as attributes of the span of their process: timed, with their notes and errors, on a
// span that records; nothing at all on one that does not (unsampled, no span, ended).
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PHASE, PHASE_FAILED } from '../../../shared/tracing/attributes.js';
import { addPhase, inPhase, inSyncPhase } from '../../../shared/tracing/in-phase.js';
import { startSpanIn } from '../../../shared/tracing/in-span.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register({ contextManager: null });
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('inPhase', () => {
  it('puts the phase\'s duration (ms, µs resolution) and its notes on the recording span; no span or event of its own', async () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    const got = await inPhase(trace.setSpan(ROOT_CONTEXT, span), PHASE.auth, async (note) => {
      await sleep(20);
      note('photon.namespace', 'guest');
      return 42;
    });
    span.end();
    expect(got).toBe(42);
    const [root, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(root!.events).toEqual([]);
    expect(root!.attributes['photon.namespace']).toBe('guest');
    const duration = root!.attributes[PHASE.auth] as number;
    expect(duration).toBeGreaterThanOrEqual(15);
    expect(duration).toBeLessThan(1000);
    expect(Math.round(duration * 1000)).toBeCloseTo(duration * 1000, 6);
  });

  it('records a failed phase on the span (which phase, the exception) and rejects with its error', async () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    await expect(inPhase(trace.setSpan(ROOT_CONTEXT, span), PHASE.placement, async () => { throw new Error('no invokers'); })).rejects.toThrow('no invokers');
    span.end();
    const root = exporter.getFinishedSpans()[0]!;
    expect(root.attributes[PHASE_FAILED]).toBe(PHASE.placement);
    expect(root.attributes[PHASE.placement]).toBeTypeOf('number');
    expect(root.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toBe('no invokers');
  });

  it('under an unsampled parent or no span: runs the work, records nothing, notes go nowhere', async () => {
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE, isRemote: true });
    for (const ctx of [unsampled, ROOT_CONTEXT]) {
      expect(await inPhase(ctx, PHASE.auth, async (note) => { note('a', 1); return 'ran'; })).toBe('ran');
      await expect(inPhase(ctx, PHASE.auth, () => { throw new Error('at once'); })).rejects.toThrow('at once');
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('does not add to a span that has ended (a phase after the request answered)', async () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    span.end();
    await inPhase(trace.setSpan(ROOT_CONTEXT, span), PHASE.publish, async (note) => { note('late', true); });
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({});
  });
});

describe('inSyncPhase', () => {
  it('returns the work\'s value in the same turn, with the phase\'s duration and notes on the recording span', () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    const got = inSyncPhase(trace.setSpan(ROOT_CONTEXT, span), PHASE.placement, (note) => {
      note('photon.invoker', 'invoker0');
      return 7;
    });
    span.end();
    expect(got).toBe(7);
    const root = exporter.getFinishedSpans()[0]!;
    expect(root.attributes['photon.invoker']).toBe('invoker0');
    expect(root.attributes[PHASE.placement]).toBeTypeOf('number');
  });

  it('records a throw on the span (which phase, the exception) and throws it on; under no span, only throws', () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    expect(() => inSyncPhase(trace.setSpan(ROOT_CONTEXT, span), PHASE.placement, () => { throw new Error('no invokers'); })).toThrow('no invokers');
    span.end();
    const root = exporter.getFinishedSpans()[0]!;
    expect(root.attributes[PHASE_FAILED]).toBe(PHASE.placement);
    expect(root.attributes[PHASE.placement]).toBeTypeOf('number');
    expect(root.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toBe('no invokers');
    exporter.reset();
    expect(() => inSyncPhase(ROOT_CONTEXT, PHASE.placement, () => { throw new Error('at once'); })).toThrow('at once');
    expect(inSyncPhase(ROOT_CONTEXT, PHASE.placement, (note) => { note('a', 1); return 'ran'; })).toBe('ran');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('addPhase', () => {
  it('adds a phase timed elsewhere (epoch ms), never negative', () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    const t = Date.now();
    addPhase(span, PHASE.run, t, t + 3.25);
    addPhase(span, PHASE.dequeue, t, t - 1);
    span.end();
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({ [PHASE.run]: 3.25, [PHASE.dequeue]: 0 });
  });
});
