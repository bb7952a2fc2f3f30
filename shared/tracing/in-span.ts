// Runs work inside a span that ends with it and records a thrown error on it. Parents are passed
// explicitly, never read from an async context: photon's processes run without an
// AsyncLocalStorage context manager, whose promise hooks cost every await in the process (see
// deploy/telemetry.ts). Without an SDK the span is a no-op and the hot path pays one closure.
import { SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanKind } from '@opentelemetry/api';
import { TRACER_NAME } from './attributes.js';

export async function inSpan<T>(parent: Context, name: string, attributes: Attributes, fn: (span: Span, ctx: Context) => Promise<T>, kind?: SpanKind): Promise<T> {
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { attributes, ...(kind !== undefined ? { kind } : {}) }, parent);
  try {
    return await fn(span, trace.setSpan(parent, span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** The W3C traceparent of a span, for a response header; undefined when tracing is off. */
export function traceparentOf(span: Span): string | undefined {
  const c = span.spanContext();
  if (!trace.isSpanContextValid(c)) return undefined;
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 1) === 1 ? '01' : '00'}`;
}
