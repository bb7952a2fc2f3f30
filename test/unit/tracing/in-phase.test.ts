// Phases as events on the span of their process: timed, with their notes and errors, on a span
// that records; nothing at all on one that does not (unsampled, or no span).
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, NodeTracerProvider, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PHASE_DURATION, PHASE_ERROR, addPhase, inPhase } from '../../../shared/tracing/in-phase.js';
import { startSpanIn } from '../../../shared/tracing/in-span.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register({ contextManager: null });
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const hrTimeToMilliseconds = (t: [number, number]): number => t[0] * 1000 + t[1] / 1e6;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('inPhase', () => {
  it('adds one event to the recording span, stamped at the phase start, with its duration and notes; no span of its own', async () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    const before = Date.now();
    const got = await inPhase(ctx, 'controller.auth', async (note) => {
      await sleep(20);
      note('photon.namespace', 'guest');
      return 42;
    });
    span.end();
    expect(got).toBe(42);
    const [root, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    const event = root!.events.find((e) => e.name === 'controller.auth')!;
    expect(event.attributes?.['photon.namespace']).toBe('guest');
    expect(event.attributes?.[PHASE_DURATION]).toBeGreaterThanOrEqual(15);
    // Stamped at the start (a performance.now() reading the SDK converts), not the end.
    expect(Math.abs(hrTimeToMilliseconds(event.time) - before)).toBeLessThan(10);
  });

  it('records a failed phase on the span and rejects with its error', async () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    await expect(inPhase(trace.setSpan(ROOT_CONTEXT, span), 'controller.placement', async () => { throw new Error('no invokers'); })).rejects.toThrow('no invokers');
    span.end();
    const events = exporter.getFinishedSpans()[0]!.events;
    expect(events.find((e) => e.name === 'controller.placement')?.attributes?.[PHASE_ERROR]).toBe('no invokers');
    expect(events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toBe('no invokers');
  });

  it('under an unsampled parent or no span: runs the work, records nothing, notes go nowhere', async () => {
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE, isRemote: true });
    for (const ctx of [unsampled, ROOT_CONTEXT]) {
      expect(await inPhase(ctx, 'phase', async (note) => { note('a', 1); return 'ran'; })).toBe('ran');
      await expect(inPhase(ctx, 'throws', () => { throw new Error('at once'); })).rejects.toThrow('at once');
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('does not add to a span that has ended (a phase after the request answered)', async () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    span.end();
    await inPhase(trace.setSpan(ROOT_CONTEXT, span), 'late', async () => undefined);
    expect(exporter.getFinishedSpans()[0]!.events).toEqual([]);
  });
});

describe('addPhase', () => {
  it('adds a phase timed elsewhere (epoch ms) with its duration, never negative', () => {
    const span = startSpanIn(ROOT_CONTEXT, 'root');
    const t = Date.now();
    addPhase(span, 'function.run', t, t + 3, { 'photon.activation.status': 'success' });
    addPhase(span, 'invoker.dequeue', t, t - 1);
    span.end();
    const [run, dequeue] = exporter.getFinishedSpans()[0]!.events;
    expect(run).toMatchObject({ name: 'function.run', attributes: { 'photon.activation.status': 'success', [PHASE_DURATION]: 3 } });
    expect(hrTimeToMilliseconds(run!.time)).toBeCloseTo(t, 0);
    expect(dequeue!.attributes?.[PHASE_DURATION]).toBe(0);
  });
});
