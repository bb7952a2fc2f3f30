// OpenTelemetry for photon's processes, configured the OpenTelemetry way (OTEL_* variables:
// OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER[_ARG],
// OTEL_METRICS_EXPORTER=prometheus with OTEL_EXPORTER_PROMETHEUS_PORT). Off by default: unless
// one of them asks for an exporter, or PHOTON_TRACES_FILE names a file for tests, nothing starts
// and every span and instrument in photon is a no-op.
// Traces go through photon's own tracer (deploy/tracer/, shared/tracing/README.md says why): OTLP
// over HTTP/protobuf, or the test file. The OpenTelemetry SDK is imported only for metrics, or for
// traces the tracer does not serve (another exporter or protocol, or PHOTON_TRACER=sdk): loading it
// costs a process about 180 ms and 25 MB, which neither tracing off nor tracing alone should pay.
import { StartupError } from './preflight.js';
import { SyncContextManager } from './sync-context-manager.js';
import { startLeanTracing } from './tracer/start-lean-tracing.js';

export interface Telemetry {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

const named = (v: string | undefined): boolean => v !== undefined && v.trim() !== '' && v.trim() !== 'none';

/** Whether photon's tracer serves the traces asked for: the file, or OTLP over HTTP/protobuf. */
function leanServes(env: NodeJS.ProcessEnv): boolean {
  const tracer = (env.PHOTON_TRACER ?? 'lean').trim();
  if (tracer !== 'lean' && tracer !== 'sdk') throw new StartupError(`PHOTON_TRACER=${tracer}: 'lean' (photon's tracer, the default) or 'sdk' (the OpenTelemetry SDK)`);
  if (env.PHOTON_TRACES_FILE) return true;
  if (tracer === 'sdk') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((e) => e.trim()).filter((e) => e !== '');
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  return exporters.length === 1 && exporters[0] === 'otlp' && protocol === 'http/protobuf';
}

export async function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<Telemetry> {
  const file = env.PHOTON_TRACES_FILE;
  const traces = named(env.OTEL_TRACES_EXPORTER) || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT) || Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || Boolean(file);
  const metrics = named(env.OTEL_METRICS_EXPORTER);
  if (!traces && !metrics) return { enabled: false, shutdown: async () => undefined };
  const lean = traces && leanServes(env);
  const log = (line: string): void => console.error(`photon: ${line}`);
  if (lean && !metrics) {
    const tracing = startLeanTracing(serviceName, env, log, { contextManager: true });
    return { enabled: true, shutdown: () => tracing.shutdown() };
  }
  env.OTEL_SERVICE_NAME ??= serviceName;
  if (!traces) env.OTEL_TRACES_EXPORTER = 'none';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName,
    // No auto-instrumentation: photon's own spans are the trace; http/kafka instrumentations
    // would double them and cost on the hot path.
    instrumentations: [],
    // No AsyncLocalStorage context manager either: photon passes parent contexts explicitly, and
    // the manager's promise hooks cost every await of the process (≈8% of an activation's CPU in
    // bench:pipeline on Node 20), traced or not.
    contextManager: new SyncContextManager(),
    // Metrics beside photon's tracer: the SDK registers no tracer provider (no span processor)
    // and no propagator; the tracer does, below.
    ...(lean ? { spanProcessors: [], textMapPropagator: null } : {}),
  });
  sdk.start();
  const tracing = lean ? startLeanTracing(serviceName, env, log, { contextManager: false }) : undefined;
  return {
    enabled: true,
    shutdown: async () => {
      await tracing?.shutdown();
      await sdk.shutdown();
    },
  };
}
