// Runs work inside a span that ends with it and records a thrown error on it. Parents are passed
// explicitly, never read from an async context: photon's processes run without an
// AsyncLocalStorage context manager, whose promise hooks cost every await in the process (see
// deploy/telemetry.ts). Without an SDK nothing is built for a span: no span object, no context, no
// try/finally; the work runs under its parent's context and the parent's span (or a no-op one).
import { INVALID_SPAN_CONTEXT, ProxyTracerProvider, SpanStatusCode, TraceFlags, trace, type Attributes, type Context, type Span, type SpanKind, type SpanOptions } from '@opentelemetry/api';
import { TRACER_NAME } from './attributes.js';

/** The span every untraced piece of work gets: records nothing, carries no valid context. */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * True when no tracer provider is registered (no SDK: tracing off). Asked per span, not cached:
 * an SDK may register after this module loads (tests do), and the check is two property reads.
 */
export function tracingOff(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegateTracer(TRACER_NAME) === undefined;
}

export function inSpan<T>(parent: Context, name: string, attributes: Attributes, fn: (span: Span, ctx: Context) => Promise<T>, kind?: SpanKind): Promise<T> {
  // What the no-op tracer would answer (the parent's span context, or none), without building it;
  // not even an async frame of its own (hence two functions).
  // A work that throws before its first await still rejects, as the async version did (runUnder).
  if (tracingOff()) return runUnder(trace.getSpan(parent) ?? NO_SPAN, parent, fn);
  // Under a known unsampled parent (at 10% sampling, the `controller.completion` of 90% of the
  // activations: their request's span does not record) the span would record nothing and carry the parent's
  // context on (startSpanIn): the parent's span and context are that already, without the async
  // frame, the new context and the try/finally.
  const unsampled = unsampledParent(parent);
  if (unsampled !== undefined) return runUnder(unsampled, parent, fn);
  return inRecordedSpan(parent, name, attributes, fn, kind);
}

function runUnder<T>(span: Span, ctx: Context, fn: (span: Span, ctx: Context) => Promise<T>): Promise<T> {
  try {
    return fn(span, ctx);
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

/** The span of a parent that is valid and not sampled: what a child below it would be. */
function unsampledParent(parent: Context): Span | undefined {
  const p = trace.getSpanContext(parent);
  if (p === undefined || (p.traceFlags & TraceFlags.SAMPLED) !== 0 || !trace.isSpanContextValid(p)) return undefined;
  return trace.getSpan(parent);
}

async function inRecordedSpan<T>(parent: Context, name: string, attributes: Attributes, fn: (span: Span, ctx: Context) => Promise<T>, kind?: SpanKind): Promise<T> {
  const span = startSpanIn(parent, name, { attributes, ...(kind !== undefined ? { kind } : {}) });
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

/**
 * A span below `parent`, except under a parent that is known and not sampled: then the parent's
 * own context, as a span that records nothing. With a parent-based sampler (the SDK's default)
 * the SDK would decide the same, but only after generating ids and checking attributes for a
 * span nobody exports: the cost of every unsampled activation. A root (no parent) goes to the
 * sampler, which makes the decision the rest of the trace follows.
 */
export function startSpanIn(parent: Context, name: string, options: SpanOptions = {}): Span {
  if (tracingOff()) return trace.getSpan(parent) ?? NO_SPAN;
  const p = trace.getSpanContext(parent);
  if (p !== undefined && (p.traceFlags & TraceFlags.SAMPLED) === 0 && trace.isSpanContextValid(p)) return trace.wrapSpanContext(p);
  return trace.getTracer(TRACER_NAME).startSpan(name, options, parent);
}

/** The W3C traceparent of a span, for a response header; undefined when tracing is off. */
export function traceparentOf(span: Span): string | undefined {
  const c = span.spanContext();
  if (!trace.isSpanContextValid(c)) return undefined;
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 1) === 1 ? '01' : '00'}`;
}
