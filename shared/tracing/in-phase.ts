// A phase of an activation (auth, admission, placement, record store, publish, ...) recorded as a
// timed event on the span of its process, not as a span of its own: an SDK span costs its ids, its
// processor's queue and its share of every OTLP batch, and ten of them per activation cost a third
// of photon's throughput (shared/tracing/README.md). An event is an entry in its span's array.
// Under a span that records nothing (tracing off, unsampled) the work runs as it is: no clock
// read, no attributes, no closure of our own.
import { trace, type AttributeValue, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** Adds an attribute to the phase's event (e.g. the invoker placement chose). */
export type PhaseNote = (key: string, value: AttributeValue) => void;

/** Attribute of a phase event: how long the phase took, in milliseconds (the event is stamped at its start). */
export const PHASE_DURATION = 'photon.phase.duration_ms';
/** Attribute of a phase event whose work threw: the error's message (the span also records the exception). */
export const PHASE_ERROR = 'photon.phase.error';

const ignore: PhaseNote = () => undefined;

/** The span of `ctx` when it records, else undefined: where a phase's event goes. */
export function recordingSpan(ctx: Context): Span | undefined {
  const span = trace.getSpan(ctx);
  return span !== undefined && span.isRecording() ? span : undefined;
}

export function inPhase<T>(ctx: Context, name: string, fn: (note: PhaseNote) => Promise<T>): Promise<T> {
  const span = recordingSpan(ctx);
  if (span === undefined) {
    try {
      return fn(ignore);
    } catch (err) {
      // A work that throws before its first await still rejects, as inSpan's.
      return Promise.reject(err as Error);
    }
  }
  return inRecordedPhase(span, name, fn);
}

async function inRecordedPhase<T>(span: Span, name: string, fn: (note: PhaseNote) => Promise<T>): Promise<T> {
  const attributes: Attributes = {};
  // performance.now(), not Date.now(): sub-millisecond phases keep their order and length (the SDK
  // reads a number below the time origin as a performance timestamp).
  const start = performance.now();
  try {
    return await fn((key, value) => { attributes[key] = value; });
  } catch (err) {
    attributes[PHASE_ERROR] = err instanceof Error ? err.message : String(err);
    span.recordException(err as Error);
    throw err;
  } finally {
    attributes[PHASE_DURATION] = performance.now() - start;
    span.addEvent(name, attributes, start);
  }
}

/** A phase that was timed elsewhere (the pool reports its own), as an event on a recording span. */
export function addPhase(span: Span, name: string, startMs: number, endMs: number, attributes: Attributes = {}): void {
  span.addEvent(name, { ...attributes, [PHASE_DURATION]: Math.max(0, endMs - startMs) }, startMs);
}
