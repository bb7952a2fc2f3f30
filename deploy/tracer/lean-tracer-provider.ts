// photon's TracerProvider (registered with trace.setGlobalTracerProvider by deploy/telemetry.ts):
// what the OpenTelemetry SDK's would do for photon's spans, at a fraction of its cost per span.
// Ids come from the pooled CSPRNG (shared/ids/random-hex.ts: one getrandom() per 4 KiB), the
// sampler decides from the parent and the trace id before anything is built, an unsampled span is
// the API's non-recording span carrying its context, and a recorded one is a LeanSpan whose sink
// encodes it when it ends. Callers use only @opentelemetry/api and do not know which tracer runs.
import { ROOT_CONTEXT, SpanKind, TraceFlags, context as api, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { randomHex } from '../../shared/ids/random-hex.js';
import { LeanSpan, epochMs, nowMs, type InstrumentationScope, type SpanLimits, type SpanSink } from './lean-span.js';
import type { Sampler } from './trace-sampler.js';

export class LeanTracer implements Tracer {
  readonly scope: InstrumentationScope;

  constructor(name: string, version: string | undefined, private readonly sampler: Sampler, private readonly sink: SpanSink, private readonly limits: SpanLimits) {
    this.scope = version ? { name, version } : { name };
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = api.active()): Span {
    const parentSpan = options.root ? undefined : trace.getSpan(ctx);
    // A parent of this tracer's own (the controller's span below which it publishes) has ids made
    // here and valid by construction: its fields as they are, no context object, no hex check.
    if (parentSpan instanceof LeanSpan) return this.#below(name, options, parentSpan);
    const p = parentSpan?.spanContext();
    const parent = p !== undefined && trace.isSpanContextValid(p) ? p : undefined;
    const traceId = parent?.traceId ?? randomHex(16);
    const spanId = randomHex(8);
    if (!this.sampler(parent, traceId)) {
      return trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.NONE, ...(parent?.traceState ? { traceState: parent.traceState } : {}) });
    }
    const span = new LeanSpan(
      this.scope, this.sink, this.limits, traceId, spanId,
      parent === undefined ? undefined : { spanId: parent.spanId, isRemote: parent.isRemote === true },
      parent?.traceState, name, options.kind ?? SpanKind.INTERNAL, options.attributes,
      options.startTime === undefined ? nowMs() : epochMs(options.startTime),
    );
    if (options.links) span.addLinks(options.links);
    return span;
  }

  /** startSpan below a recording LeanSpan: the same decision and fields, from the parent's own. */
  #below(name: string, options: SpanOptions, parent: LeanSpan): Span {
    const spanId = randomHex(8);
    if (!this.sampler(parent.spanContext(), parent.traceId)) {
      return trace.wrapSpanContext({ traceId: parent.traceId, spanId, traceFlags: TraceFlags.NONE, ...(parent.traceState ? { traceState: parent.traceState } : {}) });
    }
    const span = new LeanSpan(
      this.scope, this.sink, this.limits, parent.traceId, spanId, { spanId: parent.spanId, isRemote: false },
      parent.traceState, name, options.kind ?? SpanKind.INTERNAL, options.attributes,
      options.startTime === undefined ? nowMs() : epochMs(options.startTime),
    );
    if (options.links) span.addLinks(options.links);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (typeof a === 'function' ? a : typeof b === 'function' ? b : c) as F;
    const options = typeof a === 'function' ? {} : a;
    const parent = typeof b === 'object' ? b : api.active();
    const span = this.startSpan(name, options, parent);
    return api.with(trace.setSpan(parent ?? ROOT_CONTEXT, span), () => fn(span)) as ReturnType<F>;
  }
}

export class LeanTracerProvider implements TracerProvider {
  #tracers = new Map<string, LeanTracer>();

  constructor(private readonly sampler: Sampler, readonly sink: SpanSink, private readonly limits: SpanLimits) {}

  getTracer(name: string, version?: string): Tracer {
    // Asked on every span through the API's proxy tracer: the name alone is the usual key.
    const key = version ? `${name}@${version}` : name;
    let tracer = this.#tracers.get(key);
    if (tracer === undefined) {
      tracer = new LeanTracer(name, version, this.sampler, this.sink, this.limits);
      this.#tracers.set(key, tracer);
    }
    return tracer;
  }

  forceFlush(): Promise<void> {
    return this.sink.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.sink.shutdown();
  }
}
