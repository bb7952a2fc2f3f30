// A phase of an activation (auth, admission, placement, publish, record store, ...) recorded as
// an attribute of the span of its process holding its duration, not as a span or an event of its
// own: an SDK span costs its ids, its processor's queue and its share of every OTLP batch, an event
// its timestamp conversion and a nested message in the batch, an attribute one key and one number
// (shared/tracing/README.md has the measurements). Under a span that records nothing (tracing off,
// unsampled) the work runs as it is: no clock read, no closure of our own.
import { trace, type AttributeValue, type Context, type Span } from '@opentelemetry/api';
import { PHASE_FAILED } from './attributes.js';

/** Adds an attribute to the phase's span (e.g. the invoker placement chose). */
export type PhaseNote = (key: string, value: AttributeValue) => void;

const ignore: PhaseNote = () => undefined;

/** The span of `ctx` when it records, else undefined: where a phase goes. */
export function recordingSpan(ctx: Context): Span | undefined {
  const span = trace.getSpan(ctx);
  return span !== undefined && span.isRecording() ? span : undefined;
}

/** Milliseconds with µs resolution: what a reader needs, and shorter in a trace UI. */
const ms = (x: number): number => Math.round(Math.max(0, x) * 1000) / 1000;

/** Runs `fn` as phase `key` (an attribute name of PHASE) of the span in `ctx`. */
export function inPhase<T>(ctx: Context, key: string, fn: (note: PhaseNote) => Promise<T>): Promise<T> {
  const span = recordingSpan(ctx);
  if (span === undefined) {
    try {
      return fn(ignore);
    } catch (err) {
      // A work that throws before its first await still rejects, as inSpan's.
      return Promise.reject(err as Error);
    }
  }
  return inRecordedPhase(span, key, fn);
}

async function inRecordedPhase<T>(span: Span, key: string, fn: (note: PhaseNote) => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn((k, v) => { span.setAttribute(k, v); });
  } catch (err) {
    throw failed(span, key, err);
  } finally {
    span.setAttribute(key, ms(performance.now() - start));
  }
}

/**
 * Runs synchronous `fn` as phase `key` of the span in `ctx` (placement: a choice among the
 * invokers in memory). No promise, no await: the caller goes on in the same turn, traced or not.
 */
export function inSyncPhase<T>(ctx: Context, key: string, fn: (note: PhaseNote) => T): T {
  const span = recordingSpan(ctx);
  if (span === undefined) return fn(ignore);
  const start = performance.now();
  try {
    return fn((k, v) => { span.setAttribute(k, v); });
  } catch (err) {
    throw failed(span, key, err);
  } finally {
    span.setAttribute(key, ms(performance.now() - start));
  }
}

/** Marks phase `key` of `span` as the one that failed, with `err`; gives `err` back to be rethrown. */
function failed(span: Span, key: string, err: unknown): unknown {
  span.setAttribute(PHASE_FAILED, key);
  span.recordException(err as Error);
  return err;
}

/** A phase that was timed elsewhere (the pool reports its own), on a recording span. */
export function addPhase(span: Span, key: string, startMs: number, endMs: number): void {
  span.setAttribute(key, ms(endMs - startMs));
}
