// One trace per activation across processes: a controller and two invokers over Kafka, each
// exporting its spans to a file the test reads (the multi-process form of an in-memory exporter).
// The shape (shared/tracing/README.md): one span per process per activation — the HTTP request's
// on the controller, `invoker.activation` below it on the invoker — with the phases as attributes
// (photon.phase.*_ms) of them and the function's log lines as events; the completion is a phase
// of the request's span while it waits, a span of its own below the invoker's once the request
// has answered (non-blocking).
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanLine } from '../../../deploy/file-span-exporter.js';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { waitFor } from '../../harness/wait-for.js';

const file = join(mkdtempSync(join(tmpdir(), 'photon-trace-')), 'spans.jsonl');
const spansOf = (traceId: string): SpanLine[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SpanLine).filter((s) => s.traceId === traceId) : [];
const named = (spans: SpanLine[], name: string): SpanLine | undefined => spans.find((s) => s.name === name);
const phase = (span: SpanLine, name: string): number | undefined => {
  const v = span.attributes[`photon.phase.${name}_ms`];
  return typeof v === 'number' ? v : undefined;
};
/** The phases a span has, for a failure message. */
const phases = (span: SpanLine): string => Object.keys(span.attributes).filter((k) => k.startsWith('photon.phase.')).join(', ');
type Rec = { activationId: string; annotations: Array<{ key: string; value: unknown }> };

describe('tracing across controller, Kafka and invokers', () => {
  const cluster = new ProcessCluster({ label: 'trace', invokers: 2, isolation: 'on', idBase: 58368, env: { PHOTON_TRACES_FILE: file, OTEL_TRACES_SAMPLER: 'always_on' } });
  beforeAll(async () => {
    await cluster.start();
    await cluster.api('PUT', 'namespaces/_/actions/traced', { exec: { kind: 'nodejs:20', code: "function main(p) { console.log('tracing ' + p.n); return { n: p.n }; }" } });
    await cluster.api('PUT', 'namespaces/_/actions/broken', { exec: { kind: 'nodejs:20', code: "function main() { throw new Error('kaputt'); }" } });
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  async function invokeTraced(action: string, params: unknown): Promise<{ traceId: string; record: Rec; spans: SpanLine[] }> {
    const res = await cluster.api('POST', `namespaces/_/actions/${action}?blocking=true`, params);
    const traceparent = res.headers.get('traceparent');
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const traceId = traceparent!.split('-')[1]!;
    // The invoker's own span ends after its completion is published, so it may reach the file
    // after the controller's: wait for both ends of the trace.
    const spans = await waitFor('the controller and invoker spans of the trace', () => {
      const s = spansOf(traceId);
      return named(s, 'POST /api/v1') && named(s, 'invoker.activation') ? s : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    return { traceId, record: res.json as Rec, spans };
  }

  /** The two spans of a blocking invoke, after checking there are no others and how they hang together. */
  function shape(spans: SpanLine[]): { request: SpanLine; activation: SpanLine } {
    expect(spans.map((s) => s.name).sort()).toEqual(['POST /api/v1', 'invoker.activation']);
    const request = named(spans, 'POST /api/v1')!;
    const activation = named(spans, 'invoker.activation')!;
    expect(request.service).toBe('photon-controller');
    expect(activation.service).toBe('photon-invoker');
    expect(request.parentSpanId).toBeUndefined();
    expect(activation.parentSpanId).toBe(request.spanId);
    return { request, activation };
  }

  it('gives one invocation one trace: the request span on the controller, the activation span below it on the invoker, every phase timed', async () => {
    const { traceId, record, spans } = await invokeTraced('traced', { n: 1 });
    expect(record.annotations.find((a) => a.key === 'traceId')?.value).toBe(traceId);
    const { request, activation } = shape(spans);
    for (const name of ['auth', 'admission', 'placement', 'publish', 'completion']) {
      expect(phase(request, name), `phase ${name} on the request span: ${phases(request)}`).toBeGreaterThanOrEqual(0);
    }
    // The phases lie within the request, and the completion (the wait for the invoker) within them.
    const controllerTotal = ['auth', 'admission', 'placement', 'publish', 'completion'].reduce((sum, n) => sum + phase(request, n)!, 0);
    expect(controllerTotal).toBeLessThanOrEqual(request.end - request.start + 1);
    expect(phase(request, 'completion')!).toBeGreaterThanOrEqual(phase(activation, 'run')!);
    // The publish names the activation, the invoker placement chose and the controller.
    expect(request.attributes['photon.activation.id']).toBe(record.activationId);
    expect(request.attributes['photon.invoker']).toBe(activation.attributes['photon.invoker']);
    expect(request.attributes['photon.controller']).toMatch(/-c0$/);
    expect(request.attributes['photon.namespace']).toBeTypeOf('string');
    // The invoker's phases, from the wait in Kafka to the completion's publish.
    for (const name of ['bus_wait', 'dequeue', 'acquire', 'compile', 'run', 'record_store', 'publish']) {
      expect(phase(activation, name), `phase ${name} on invoker.activation: ${phases(activation)}`).toBeGreaterThanOrEqual(0);
    }
    expect(activation.attributes['messaging.destination.name']).toContain('photon.completed.');
    expect(activation.attributes['photon.activation.id']).toBe(record.activationId);
    // The span starts when Kafka took the message: the wait is its first phase.
    const invokerTotal = ['bus_wait', 'dequeue', 'acquire', 'run', 'record_store', 'publish'].reduce((sum, n) => sum + phase(activation, n)!, 0);
    expect(invokerTotal).toBeLessThanOrEqual(activation.end - activation.start + 1);
    expect(activation.events.filter((e) => e.name === 'log').map((e) => String(e.attributes?.['log.record']))).toEqual([expect.stringMatching(/stdout: tracing 1$/)]);
    expect(['cold', 'prewarm']).toContain(activation.attributes['photon.isolate.start']);
    expect(activation.attributes['photon.netns.id']).toBeTypeOf('number');
    if (activation.attributes['photon.isolate.start'] === 'cold') {
      expect(phase(activation, 'create')).toBeGreaterThanOrEqual(0);
      expect(phase(activation, 'netns')).toBeGreaterThanOrEqual(0);
    }
  });

  it('shows a cold start with a new isolate: its creation and the namespace taken from the cache, within the acquire', async () => {
    // Prewarmed isolates are 256 MB ones: an action with another memory limit always starts cold.
    await cluster.api('PUT', 'namespaces/_/actions/big', { exec: { kind: 'nodejs:20', code: 'function main() { return {}; }' }, limits: { memory: 512 } });
    const { spans } = await invokeTraced('big', {});
    const { activation } = shape(spans);
    expect(activation.attributes['photon.isolate.start']).toBe('cold');
    const [acquire, create, netns, compile] = ['acquire', 'create', 'netns', 'compile'].map((n) => phase(activation, n));
    expect(create, phases(activation)).toBeGreaterThan(0);
    expect(netns!).toBeLessThanOrEqual(create!);
    expect(create! + compile!).toBeCloseTo(acquire!, 2);
  });

  it('tells a warm invocation from a cold one by attribute', async () => {
    const { spans } = await invokeTraced('traced', { n: 2 });
    const { activation } = shape(spans);
    expect(activation.attributes['photon.isolate.start']).toBe('warm');
    expect(phase(activation, 'compile')).toBeUndefined();
    expect(phase(activation, 'create')).toBeUndefined();
  });

  it('marks a failed activation with error status and the error message', async () => {
    const { spans } = await invokeTraced('broken', {});
    const { activation } = shape(spans);
    expect(activation.status.code).toBe(2);
    expect(activation.status.message).toContain('kaputt');
    expect(activation.attributes['photon.activation.status']).toBe('action developer error');
  });

  it('a non-blocking invoke: the completion, after the request answered, is a span below the invoker\'s', async () => {
    const res = await cluster.api('POST', 'namespaces/_/actions/traced', { n: 3 });
    expect(res.status).toBe(202);
    const traceId = res.headers.get('traceparent')!.split('-')[1]!;
    const spans = await waitFor('the completion span', () => {
      const s = spansOf(traceId);
      return named(s, 'controller.completion') && named(s, 'invoker.activation') && named(s, 'POST /api/v1') ? s : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect(named(spans, 'controller.completion')!.parentSpanId).toBe(named(spans, 'invoker.activation')!.spanId);
    expect(named(spans, 'invoker.activation')!.parentSpanId).toBe(named(spans, 'POST /api/v1')!.spanId);
    expect(phase(named(spans, 'POST /api/v1')!, 'completion')).toBeUndefined();
  });
});
