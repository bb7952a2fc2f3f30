// What a trace's shape costs the OpenTelemetry SDK and its OTLP/HTTP exporter, per activation,
// export included (to a local sink that drops the batches), in one process: the figures
// shared/tracing/README.md chose photon's trace shape with. The queue is unbounded here so no span
// is dropped (a full BatchSpanProcessor queue drops spans, which would make a shape look cheap).
//
//   node --import tsx bench/tracing-shapes.ts [activations=10000]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const N = Number(process.argv[2] ?? 10_000);
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
Object.assign(process.env, {
  OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
  OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_BSP_MAX_QUEUE_SIZE: '1000000',
});
const { startTelemetry } = await import('../deploy/telemetry.js');
const telemetry = await startTelemetry('bench');
const { ROOT_CONTEXT, propagation, trace } = await import('@opentelemetry/api');
const tracer = trace.getTracer('photon');

/** Two spans (the controller's, the invoker's below it), with the phases in `phases`. */
function twoSpans(phases: (controller: ReturnType<typeof tracer.startSpan>, invoker: ReturnType<typeof tracer.startSpan>) => void): () => void {
  return () => {
    const a = tracer.startSpan('POST /api/v1', { attributes: { 'photon.action': 'guest/hello', 'photon.namespace': 'guest' } }, ROOT_CONTEXT);
    const b = tracer.startSpan('invoker.activation', {}, trace.setSpan(ROOT_CONTEXT, a));
    phases(a, b);
    b.end();
    a.end();
  };
}
const shapes: Record<string, () => void> = {
  '2 spans': twoSpans(() => undefined),
  '2 spans + 12 attributes': twoSpans((a, b) => {
    for (let i = 0; i < 6; i++) {
      a.setAttribute(`photon.phase.c${i}_ms`, 0.123);
      b.setAttribute(`photon.phase.i${i}_ms`, 0.2);
    }
  }),
  '2 spans + 12 events': twoSpans((a, b) => {
    for (let i = 0; i < 6; i++) {
      a.addEvent(`controller.phase${i}`, { 'photon.phase.duration_ms': 0.123 }, performance.now());
      b.addEvent(`invoker.phase${i}`, { 'photon.phase.duration_ms': 0.2 }, performance.now());
    }
  }),
  '12 spans': () => {
    const a = tracer.startSpan('POST /api/v1', {}, ROOT_CONTEXT);
    const ctx = trace.setSpan(ROOT_CONTEXT, a);
    for (let i = 0; i < 11; i++) tracer.startSpan(`phase${i}`, {}, ctx).end();
    a.end();
  },
  '2 × W3C inject + extract': () => {
    const carrier: Record<string, string> = {};
    const a = tracer.startSpan('a', {}, ROOT_CONTEXT);
    for (let i = 0; i < 2; i++) {
      propagation.inject(trace.setSpan(ROOT_CONTEXT, a), carrier);
      propagation.extract(ROOT_CONTEXT, carrier);
    }
    a.end();
  },
};

console.log(`bench:tracing-shapes — ${N} activations per shape, third of three rounds, CPU µs per activation with the export`);
for (let round = 0; round < 3; round++) {
  for (const [name, activation] of Object.entries(shapes)) {
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      activation();
      // Let the exporter's requests and timers run, as a server's event loop would.
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 300));
    const used = process.cpuUsage(before);
    if (round === 2) console.log(`  ${name.padEnd(26)} ${((used.user + used.system) / N).toFixed(1).padStart(6)} µs`);
  }
}
await telemetry.shutdown();
sink.close();
