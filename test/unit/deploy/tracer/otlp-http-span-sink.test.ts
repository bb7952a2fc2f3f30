// The OTLP/HTTP sink: batches sealed at their size or their delay, one POST at a time, a full
// queue that drops and counts instead of waiting, failed exports counted, everything flushed at
// shutdown, and real requests a collector can read.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countOtlpSpans } from '../../../../bench/otlp-span-count.js';
import { LeanTracerProvider } from '../../../../deploy/tracer/lean-tracer-provider.js';
import { OtlpHttpSpanSink, type OtlpSinkOptions } from '../../../../deploy/tracer/otlp-http-span-sink.js';
import { encodeResource } from '../../../../deploy/tracer/otlp-span-encoder.js';
import { tracesUrl } from '../../../../deploy/tracer/start-lean-tracing.js';

function sinkWith(o: Partial<OtlpSinkOptions>): { sink: OtlpHttpSpanSink; end: (n: number) => void; logs: string[] } {
  const logs: string[] = [];
  const sink = new OtlpHttpSpanSink({
    url: new URL('http://127.0.0.1:1/v1/traces'), headers: {}, resource: encodeResource({ 'service.name': 't' }),
    scheduleDelayMs: 5000, maxBatch: 512, maxQueue: 2048, timeoutMs: 1000, gzip: false, log: (l) => logs.push(l), ...o,
  });
  const tracer = new LeanTracerProvider(() => true, sink, { attributes: 128, events: 128 }).getTracer('photon');
  return { sink, logs, end: (n) => { for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`, { attributes: { i } }, ROOT_CONTEXT).end(); } };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('OtlpHttpSpanSink', () => {
  it('drops and counts the spans that end while the queue is full, without waiting, and sends the rest', async () => {
    const bodies: Buffer[] = [];
    let release!: () => void;
    const stuck = new Promise<void>((r) => { release = r; });
    const { sink, end } = sinkWith({ maxBatch: 2, maxQueue: 4, post: async (b) => { bodies.push(b); await stuck; } });
    end(10);
    // Two batches of two are held (one in flight, one sealed): the other six were dropped.
    expect(sink.stats).toMatchObject({ dropped: 6, exported: 0 });
    release();
    await sink.forceFlush();
    expect(sink.stats).toMatchObject({ dropped: 6, exported: 4, failed: 0, batches: 2 });
    expect(bodies.map(countOtlpSpans)).toEqual([2, 2]);
    // The queue has room again.
    end(1);
    await sink.shutdown();
    expect(sink.stats).toMatchObject({ dropped: 6, exported: 5, batches: 3 });
  });

  it('seals a batch at its size at once, and a smaller one after the schedule delay', async () => {
    vi.useFakeTimers();
    const sizes: number[] = [];
    const { sink, end } = sinkWith({ maxBatch: 3, scheduleDelayMs: 1000, post: async (b) => { sizes.push(countOtlpSpans(b)); } });
    end(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(sizes).toEqual([3]);
    await vi.advanceTimersByTimeAsync(999);
    expect(sizes).toEqual([3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sizes).toEqual([3, 1]);
    expect(sink.stats.exported).toBe(4);
  });

  it('counts the spans of a failed export as lost, says so once per outage, and goes on', async () => {
    let fail = true;
    const { sink, end, logs } = sinkWith({ maxBatch: 1, post: async () => { if (fail) throw new Error('HTTP 503'); } });
    end(3);
    await sink.forceFlush();
    fail = false;
    end(1);
    await sink.forceFlush();
    expect(sink.stats).toMatchObject({ failed: 3, exported: 1, dropped: 0 });
    expect(logs).toEqual([expect.stringContaining('HTTP 503')]);
  });

  it('POSTs protobuf to the collector, with the configured headers, over one kept-alive connection', async () => {
    const got: Array<{ url: string; headers: IncomingHttpHeaders; spans: number }> = [];
    let connections = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        got.push({ url: req.url ?? '', headers: req.headers, spans: countOtlpSpans(Buffer.concat(chunks)) });
        res.writeHead(200).end();
      });
    });
    server.on('connection', () => { connections++; });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
      const { sink, end } = sinkWith({ url, headers: { 'x-key': 'k' }, maxBatch: 5 });
      end(12);
      await sink.shutdown();
      expect(got.map((g) => g.spans)).toEqual([5, 5, 2]);
      expect(got[0]!.url).toBe('/v1/traces');
      expect(got[0]!.headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-key': 'k' });
      expect(connections).toBe(1);
      expect(sink.stats).toMatchObject({ exported: 12, failed: 0 });
    } finally {
      server.close();
    }
  });
});

describe('tracesUrl', () => {
  it('takes the traces endpoint as it is, or appends /v1/traces to the base one', () => {
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' }).href).toBe('http://c:4318/custom');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).href).toBe('http://c:4318/v1/traces');
    expect(tracesUrl({}).href).toBe('http://localhost:4318/v1/traces');
  });
});
