// OpenTelemetry for photon's processes, configured the OpenTelemetry way (OTEL_* variables:
// OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER[_ARG],
// OTEL_METRICS_EXPORTER=prometheus with OTEL_EXPORTER_PROMETHEUS_PORT). Off by default: unless
// one of them asks for an exporter, or PHOTON_TRACES_FILE names a file for tests, no SDK starts
// and every span and instrument in photon is a no-op. The SDK is imported only then: loading it
// costs a process about 180 ms and 25 MB, which tracing off should not pay either.
import { SyncContextManager } from './sync-context-manager.js';

export interface Telemetry {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

const named = (v: string | undefined): boolean => v !== undefined && v.trim() !== '' && v.trim() !== 'none';

export async function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<Telemetry> {
  const file = env.PHOTON_TRACES_FILE;
  const traces = named(env.OTEL_TRACES_EXPORTER) || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT) || Boolean(file);
  const metrics = named(env.OTEL_METRICS_EXPORTER);
  if (!traces && !metrics) return { enabled: false, shutdown: async () => undefined };
  env.OTEL_SERVICE_NAME ??= serviceName;
  if (!traces) env.OTEL_TRACES_EXPORTER = 'none';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const { NodeSDK, tracing } = await import('@opentelemetry/sdk-node');
  const { FileSpanExporter } = await import('./file-span-exporter.js');
  const sdk = new NodeSDK({
    serviceName,
    // No auto-instrumentation: photon's own spans are the trace; http/kafka instrumentations
    // would double them and cost on the hot path.
    instrumentations: [],
    // No AsyncLocalStorage context manager either: photon passes parent contexts explicitly, and
    // the manager's promise hooks cost every await of the process (≈8% of an activation's CPU in
    // bench:pipeline on Node 20), traced or not.
    contextManager: new SyncContextManager(),
    ...(file ? { spanProcessors: [new tracing.SimpleSpanProcessor(new FileSpanExporter(file))] } : {}),
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
