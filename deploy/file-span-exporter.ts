// Spans as JSON lines appended to a file: the in-memory exporter of a multi-process test, where
// every photon process writes to a file the test reads back (PHOTON_TRACES_FILE).
import { appendFileSync } from 'node:fs';
import { core, type tracing } from '@opentelemetry/sdk-node';

export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  /** epoch ms */
  start: number;
  end: number;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
  /** The phases of photon's spans are events (shared/tracing/in-phase.ts); time in epoch ms. */
  events: Array<{ name: string; time: number; attributes?: Record<string, unknown> }>;
}

const hrToMs = (t: [number, number]): number => t[0] * 1000 + t[1] / 1e6;

export class FileSpanExporter implements tracing.SpanExporter {
  constructor(private readonly path: string) {}

  export(spans: tracing.ReadableSpan[], done: (result: { code: number }) => void): void {
    try {
      const lines = spans.map((s): SpanLine => ({
        traceId: s.spanContext().traceId,
        spanId: s.spanContext().spanId,
        ...(s.parentSpanContext ? { parentSpanId: s.parentSpanContext.spanId } : {}),
        name: s.name,
        kind: s.kind,
        service: String(s.resource.attributes['service.name'] ?? ''),
        start: hrToMs(s.startTime),
        end: hrToMs(s.endTime),
        status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
        attributes: { ...s.attributes },
        events: s.events.map((e) => ({ name: e.name, time: hrToMs(e.time), ...(e.attributes ? { attributes: { ...e.attributes } } : {}) })),
      }));
      appendFileSync(this.path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      done({ code: core.ExportResultCode.SUCCESS });
    } catch {
      done({ code: core.ExportResultCode.FAILED });
    }
  }

  async shutdown(): Promise<void> {}
}
