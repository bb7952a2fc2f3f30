// Which implementation of the OpenTelemetry API an entry point gets: photon's tracer for traces
// (alone, or beside the SDK's metrics), the SDK's tracer when asked or for what photon's does not
// serve, and a refused PHOTON_TRACER value.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, context, metrics, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startTelemetry } from '../../../deploy/telemetry.js';
import { LeanTracerProvider } from '../../../deploy/tracer/lean-tracer-provider.js';

const delegate = (): unknown => (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();

describe('startTelemetry', () => {
  it('starts photon\'s tracer for the traces file, beside the SDK\'s metrics, with the synchronous context manager', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'photon-telemetry-')), 'spans.jsonl');
    const telemetry = await startTelemetry('photon-test', { PHOTON_TRACES_FILE: file, OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: '0' });
    try {
      expect(delegate()).toBeInstanceOf(LeanTracerProvider);
      expect(metrics.getMeterProvider().constructor.name).toBe('MeterProvider');
      const span = trace.getTracer('photon').startSpan('s', {}, ROOT_CONTEXT);
      // context.with makes a context active for its synchronous call only (SyncContextManager).
      const inside = context.with(trace.setSpan(ROOT_CONTEXT, span), () => trace.getSpan(context.active()));
      expect(inside).toBe(span);
      expect(trace.getSpan(context.active())).toBeUndefined();
      span.end();
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 's', service: 'photon-test', spanId: span.spanContext().spanId });
    } finally {
      await telemetry.shutdown();
    }
  });

  it('uses the SDK for traces with PHOTON_TRACER=sdk or a protocol photon\'s tracer does not speak', async () => {
    for (const env of [{ PHOTON_TRACER: 'sdk' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }]) {
      const telemetry = await startTelemetry('photon-test', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', ...env });
      try {
        expect(delegate(), JSON.stringify(env)).toBeDefined();
        expect(delegate(), JSON.stringify(env)).not.toBeInstanceOf(LeanTracerProvider);
      } finally {
        await telemetry.shutdown();
        // The SDK's shutdown leaves its provider registered: the next start must register its own.
        trace.disable();
      }
    }
  });

  it('refuses a PHOTON_TRACER it does not know', async () => {
    await expect(startTelemetry('photon-test', { OTEL_TRACES_EXPORTER: 'otlp', PHOTON_TRACER: 'fast' })).rejects.toThrow(/PHOTON_TRACER=fast/);
  });
});
