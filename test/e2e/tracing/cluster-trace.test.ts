// One trace per activation across processes: a controller and two invokers over Kafka, each
// exporting its spans to a file the test reads (the multi-process form of an in-memory exporter).
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
      return named(s, 'controller.completion') && named(s, 'POST /api/v1') && named(s, 'invoker.activation') ? s : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    return { traceId, record: res.json as Rec, spans };
  }

  it('gives one invocation one trace whose spans come from both processes, correctly parented', async () => {
    const { traceId, record, spans } = await invokeTraced('traced', { n: 1 });
    expect(record.annotations.find((a) => a.key === 'traceId')?.value).toBe(traceId);
    for (const name of ['POST /api/v1', 'controller.auth', 'controller.admission', 'controller.placement', 'kafka.wait', 'invoker.activation',
      'invoker.dequeue', 'isolate.acquire', 'function.run', 'activation.record.store', 'controller.completion']) {
      expect(named(spans, name), `span ${name} in ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
    }
    expect(spans.some((s) => s.name.startsWith('publish ') && s.name.includes('photon.invoker.'))).toBe(true);
    expect(spans.some((s) => s.name.startsWith('publish ') && s.name.includes('photon.completed.'))).toBe(true);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['photon-controller', 'photon-invoker']));
    // One root (the HTTP request); every other span's parent is in the trace.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots.map((s) => s.name)).toEqual(['POST /api/v1']);
    // The invoker's span hangs below the controller's publish; the run's logs are its events.
    const publish = spans.find((s) => s.name.startsWith('publish ') && s.name.includes('photon.invoker.'))!;
    expect(named(spans, 'invoker.activation')!.parentSpanId).toBe(publish.spanId);
    expect(named(spans, 'function.run')!.events.map((e) => String(e.attributes?.['log.record']))).toEqual([expect.stringMatching(/stdout: tracing 1$/)]);
    const acquire = named(spans, 'isolate.acquire')!;
    expect(['cold', 'prewarm']).toContain(acquire.attributes['photon.isolate.start']);
    expect(typeof acquire.attributes['photon.netns.id']).toBe('number');
    expect(named(spans, 'isolate.compile')).toBeDefined();
    // A cold start (not a prewarmed isolate) shows how the isolate and its namespace were had.
    if (acquire.attributes['photon.isolate.start'] === 'cold') {
      expect(named(spans, 'isolate.create')).toBeDefined();
      expect(named(spans, 'netns.acquire')!.parentSpanId).toBe(named(spans, 'isolate.create')!.spanId);
    }
  });

  it('shows a cold start with a new isolate: its creation and the namespace taken from the cache', async () => {
    // Prewarmed isolates are 256 MB ones: an action with another memory limit always starts cold.
    await cluster.api('PUT', 'namespaces/_/actions/big', { exec: { kind: 'nodejs:20', code: 'function main() { return {}; }' }, limits: { memory: 512 } });
    const { spans } = await invokeTraced('big', {});
    const acquire = named(spans, 'isolate.acquire')!;
    expect(acquire.attributes['photon.isolate.start']).toBe('cold');
    const create = named(spans, 'isolate.create')!;
    expect(create.parentSpanId).toBe(acquire.spanId);
    expect(named(spans, 'netns.acquire')!.parentSpanId).toBe(create.spanId);
    expect(named(spans, 'isolate.compile')!.parentSpanId).toBe(acquire.spanId);
  });

  it('tells a warm invocation from a cold one by attribute', async () => {
    const { spans } = await invokeTraced('traced', { n: 2 });
    expect(named(spans, 'isolate.acquire')!.attributes['photon.isolate.start']).toBe('warm');
    expect(named(spans, 'isolate.compile')).toBeUndefined();
  });

  it('marks a failed activation with error status and the error message', async () => {
    const { spans } = await invokeTraced('broken', {});
    const activation = named(spans, 'invoker.activation')!;
    expect(activation.status.code).toBe(2);
    expect(activation.status.message).toContain('kaputt');
    expect(named(spans, 'function.run')!.status.code).toBe(2);
  });
});
