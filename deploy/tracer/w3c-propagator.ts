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

/** Lowercase hex digits' values; -1 for any other character below 128 (PARSE takes lowercase only). */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) HEX['0123456789abcdef'.charCodeAt(d)] = d;
const DASH = 0x2d;

/** Whether `s[from, to)` is lowercase hex and not all zeros. */
function hexNotZero(s: string, from: number, to: number): boolean {
  let any = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? HEX[c]! : -1;
    if (d < 0) return false;
    any |= d;
  }
  return any !== 0;
}

/**
 * `00-<32 hex>-<16 hex>-<2 hex>` exactly: the form PARSE accepts most often, checked without the
 * regular expression and its match array; anything else (padding, other versions, extra fields,
 * what is refused) goes to PARSE.
 */
function canonical(v: string): boolean {
  return v.length === 55 && v.charCodeAt(0) === 0x30 && v.charCodeAt(1) === 0x30 && v.charCodeAt(2) === DASH
    && v.charCodeAt(35) === DASH && v.charCodeAt(52) === DASH
    && hexNotZero(v, 3, 35) && hexNotZero(v, 36, 52) && (HEX[v.charCodeAt(53)] ?? -1) >= 0 && (HEX[v.charCodeAt(54)] ?? -1) >= 0;
}

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
    let traceId: string;
    let spanId: string;
    let flags: number;
    if (canonical(value)) {
      // What photon itself sends (every bus message): version 00, no padding, no extra field.
      traceId = value.slice(3, 35);
      spanId = value.slice(36, 52);
      flags = (HEX[value.charCodeAt(53)]! << 4) | HEX[value.charCodeAt(54)]!;
    } else {
      const m = PARSE.exec(value);
      if (m === null || (m[1] === '00' && m[5])) return ctx;
      traceId = m[2]!;
      spanId = m[3]!;
      flags = parseInt(m[4]!, 16);
    }
    const state = getter.get(carrier, TRACESTATE);
    const joined = Array.isArray(state) ? state.join(',') : state;
    return trace.setSpanContext(ctx, {
      traceId,
      spanId,
      traceFlags: flags,
      isRemote: true,
      ...(joined ? { traceState: createTraceState(joined) } : {}),
    });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}
