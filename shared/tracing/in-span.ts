// Runs work inside an active span that ends with it and records a thrown error on it. Without an
// SDK the span is a no-op, so the hot path pays one closure.
import { SpanStatusCode, trace, type Attributes, type Span, type SpanKind } from '@opentelemetry/api';
import { TRACER_NAME } from './attributes.js';

export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, kind?: SpanKind): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes, ...(kind !== undefined ? { kind } : {}) }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The W3C traceparent of a span, for a response header; undefined when tracing is off. */
export function traceparentOf(span: Span): string | undefined {
  const c = span.spanContext();
  if (/^0+$/.test(c.traceId)) return undefined;
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 1) === 1 ? '01' : '00'}`;
}
