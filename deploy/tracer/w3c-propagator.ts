// W3C Trace Context (traceparent, tracestate) in and out of carriers, registered with the API's
// propagation by photon's tracer: the same headers and parsing rules as the SDK's
// W3CTraceContextPropagator (version ff refused, version 00 with extra fields refused, all-zero
// ids refused, an extracted context remote), without the SDK. Baggage is not carried: photon
// passes only traceparent and tracestate on (controller/http-server.ts, the bus's headers).
import { createTraceState, trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { LeanSpan } from './lean-span.js';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const PARSE = /^\s?((?!ff)[\da-f]{2})-((?![0]{32})[\da-f]{32})-((?![0]{16})[\da-f]{16})-([\da-f]{2})(-.*)?\s?$/;

export class W3CPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpan(ctx);
    if (span instanceof LeanSpan) {
      // photon's own recording span (both hops of every sampled activation): its traceparent is
      // made once per span, its ids need no check.
      setter.set(carrier, TRACEPARENT, span.traceparent());
      if (span.traceState) setter.set(carrier, TRACESTATE, span.traceState.serialize());
      return;
    }
    const sc = span?.spanContext();
    if (sc === undefined || !trace.isSpanContextValid(sc)) return;
    const flags = sc.traceFlags & 0xff;
    setter.set(carrier, TRACEPARENT, `00-${sc.traceId}-${sc.spanId}-${flags < 16 ? '0' : ''}${flags.toString(16)}`);
    if (sc.traceState) setter.set(carrier, TRACESTATE, sc.traceState.serialize());
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, TRACEPARENT);
    const value = Array.isArray(header) ? header[0] : header;
    if (typeof value !== 'string') return ctx;
    const m = PARSE.exec(value);
    if (m === null || (m[1] === '00' && m[5])) return ctx;
    const state = getter.get(carrier, TRACESTATE);
    const joined = Array.isArray(state) ? state.join(',') : state;
    return trace.setSpanContext(ctx, {
      traceId: m[2]!,
      spanId: m[3]!,
      traceFlags: parseInt(m[4]!, 16),
      isRemote: true,
      ...(joined ? { traceState: createTraceState(joined) } : {}),
    });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}
