// photon's tracer started from the environment, the OpenTelemetry way: OTEL_TRACES_SAMPLER[_ARG],
// OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS, _TIMEOUT, _COMPRESSION, OTEL_BSP_SCHEDULE_DELAY,
// OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_MAX_QUEUE_SIZE, OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
// OTEL_SPAN_EVENT_COUNT_LIMIT, OTEL_RESOURCE_ATTRIBUTES; or PHOTON_TRACES_FILE (tests: JSON
// lines). Registers the provider, the W3C propagator and the synchronous context manager with
// the API; nothing of the SDK is loaded.
import { hostname } from 'node:os';
import { context, propagation, trace, type Attributes } from '@opentelemetry/api';
import { FileSpanExporter } from '../file-span-exporter.js';
import { SyncContextManager } from '../sync-context-manager.js';
import type { SpanSink } from './lean-span.js';
import { LeanTracerProvider } from './lean-tracer-provider.js';
import { OtlpHttpSpanSink } from './otlp-http-span-sink.js';
import { encodeResource } from './otlp-span-encoder.js';
import { samplerFromEnv } from './trace-sampler.js';
import { W3CPropagator } from './w3c-propagator.js';

type Env = Record<string, string | undefined>;

const positive = (v: string | undefined, fallback: number): number => {
  const n = Number(v);
  return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
};

/** `k=v,k2=v2` with percent-encoded parts (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS). */
export function keyValueList(v: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (v ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A malformed escape: the pair is left out, as the SDK does.
    }
  }
  return out;
}

/** The traces endpoint: the signal's own variable as it is, or the base one with /v1/traces. */
export function tracesUrl(env: Env): URL {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (own) return new URL(own);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return new URL(`${base.replace(/\/+$/, '')}/v1/traces`);
}

export interface LeanTracing {
  readonly provider: LeanTracerProvider;
  shutdown(): Promise<void>;
}

/** `contextManager`: whether to register the synchronous context manager (false when the SDK, started for metrics, has). */
export function startLeanTracing(serviceName: string, env: Env, log: (line: string) => void, o: { contextManager: boolean }): LeanTracing {
  const resource: Attributes = {
    ...keyValueList(env.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': serviceName,
    'telemetry.sdk.name': 'photon',
    'telemetry.sdk.language': 'nodejs',
    'host.name': hostname(),
    'process.pid': process.pid,
  };
  const maxQueue = positive(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048);
  const file = env.PHOTON_TRACES_FILE;
  const sink: SpanSink = file
    ? new FileSpanExporter(file, serviceName)
    : new OtlpHttpSpanSink({
      url: tracesUrl(env),
      headers: { ...keyValueList(env.OTEL_EXPORTER_OTLP_HEADERS), ...keyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
      resource: encodeResource(resource),
      scheduleDelayMs: positive(env.OTEL_BSP_SCHEDULE_DELAY, 5000),
      maxBatch: Math.min(maxQueue, positive(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512)),
      maxQueue,
      timeoutMs: positive(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT, 10_000),
      gzip: (env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION ?? env.OTEL_EXPORTER_OTLP_COMPRESSION)?.trim() === 'gzip',
      log,
    });
  const sampler = samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG, log);
  const limits = {
    attributes: positive(env.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT ?? env.OTEL_ATTRIBUTE_COUNT_LIMIT, 128),
    events: positive(env.OTEL_SPAN_EVENT_COUNT_LIMIT, 128),
  };
  const provider = new LeanTracerProvider(sampler, sink, limits);
  if (o.contextManager) context.setGlobalContextManager(new SyncContextManager());
  propagation.setGlobalPropagator(new W3CPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    provider,
    async shutdown() {
      await provider.shutdown();
      if (sink instanceof OtlpHttpSpanSink && (sink.stats.dropped > 0 || sink.stats.failed > 0)) {
        log(`traces: ${sink.stats.exported} spans exported, ${sink.stats.dropped} dropped (queue full), ${sink.stats.failed} lost to failed exports`);
      }
      trace.disable();
      propagation.disable();
      if (o.contextManager) context.disable();
    },
  };
}
