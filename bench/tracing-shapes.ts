// What a trace's shape costs the tracer (photon's, or the SDK with PHOTON_TRACER=sdk) and its OTLP/HTTP exporter, per activation,
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
  // The spans photon really makes for a warm hello world (controller/http-server.ts,
  // controller/load-balancer.ts, invoker/service/activation-handler.ts): 17 attributes each, ids
  // and names as strings, plus the two hops' W3C inject + extract.
  "photon's 2 spans (34 attributes, 2 hops)": () => {
    const id = `${(Math.random() * 1e16).toString(16).padStart(14, '0')}${'a'.repeat(18)}`;
    const a = tracer.startSpan('POST /api/v1', { kind: 1, attributes: { 'http.request.method': 'POST', 'url.path': '/api/v1/namespaces/_/actions/hello' } }, ROOT_CONTEXT);
    for (const [k, v] of [['photon.phase.auth_ms', 0.012], ['photon.namespace', 'guest'], ['photon.phase.admission_ms', 0.031], ['photon.invoker', 'invoker0'], ['photon.phase.placement_ms', 0.02],
      ['photon.activation.id', id], ['photon.action', 'guest/hello'], ['photon.namespace', 'guest'], ['photon.invoker', 'invoker0'], ['photon.controller', 'controller0'], ['photon.activation.blocking', true],
      ['messaging.destination.name', 'invoker0'], ['photon.phase.publish_ms', 0.041]] as const) a.setAttribute(k, v);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, a), carrier);
    const b = tracer.startSpan('invoker.activation', { kind: 4, attributes: { 'photon.activation.id': id, 'photon.action': 'guest/hello', 'photon.namespace': 'guest', 'photon.invoker': 'invoker0', 'messaging.system': 'in-process', 'messaging.operation.type': 'process' } }, propagation.extract(ROOT_CONTEXT, carrier));
    for (const [k, v] of [['photon.phase.bus_wait_ms', 0], ['photon.phase.dequeue_ms', 0.003], ['photon.phase.acquire_ms', 0.011], ['photon.isolate.start', 'warm'], ['photon.isolate.id', 'iso-17'], ['photon.netns.id', 34101],
      ['photon.phase.run_ms', 0.061], ['photon.activation.status', 'success'], ['photon.phase.record_store_ms', 0.004], ['messaging.destination.name', 'completed0'], ['photon.phase.publish_ms', 0.012]] as const) b.setAttribute(k, v);
    const back: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, b), back);
    propagation.extract(ROOT_CONTEXT, back);
    b.end();
    a.setAttribute('photon.phase.completion_ms', 0.08);
    a.setAttribute('http.response.status_code', 200);
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
