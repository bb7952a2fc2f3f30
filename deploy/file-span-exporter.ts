// Spans as JSON lines appended to a file: the in-memory exporter of a multi-process test, where
// every photon process writes to a file the test reads back (PHOTON_TRACES_FILE). A sink of
// photon's tracer (deploy/tracer/): each span is written when it ends.
import { appendFileSync } from 'node:fs';
import type { LeanSpan, SpanSink } from './tracer/lean-span.js';

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
  /** The function's log lines and recorded exceptions; time in epoch ms. */
  events: Array<{ name: string; time: number; attributes?: Record<string, unknown> }>;
}

export class FileSpanExporter implements SpanSink {
  constructor(private readonly path: string, private readonly service: string) {}

  onEnd(s: LeanSpan): void {
    const line: SpanLine = {
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parent ? { parentSpanId: s.parent.spanId } : {}),
      name: s.name,
      kind: s.kind,
      service: this.service,
      start: s.startMs,
      end: s.endMs,
      status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
      attributes: { ...s.attributes },
      events: (s.events ?? []).map((e) => ({ name: e.name, time: e.timeMs, attributes: { ...e.attributes } })),
    };
    try {
      appendFileSync(this.path, JSON.stringify(line) + '\n');
    } catch {
      // A test's file that cannot be written: the test fails on the missing span, the process goes on.
    }
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
