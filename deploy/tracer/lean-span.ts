// A recording span of photon's tracer: a plain object with its ids, one clock read at its start
// and one at its end, its attributes as two flat arrays (keys, values) in the order they were
// first set. At end() it goes to the sink, which encodes (or writes) it at once and keeps nothing
// of it; the span then lets go of its attributes and events, so nothing it recorded outlives the
// request that made it (the SDK's spans wait ≈250 activations in its batch queue, long enough to
// be promoted to old space). Flat arrays, not an object keyed by attribute name: a span's ~17
// keys added one by one to an object cost a keyed store through a megamorphic stub each (the
// keys differ per call site) and a `for … in` to encode; an array append and a scan of ≤ 20
// interned strings are cheaper, and the encoder walks them by index (shared/tracing/README.md).
import { SpanStatusCode, type Attributes, type AttributeValue, type Exception, type Link, type SpanContext, type SpanKind, type SpanStatus, type TimeInput, type TraceState, type Span } from '@opentelemetry/api';

/** Where a span goes when it ends. */
export interface SpanSink {
  /**
   * Takes an ended span, synchronously, on the request's path: encodes or writes it at once and
   * keeps no reference to it or its attributes. Never throws and never blocks (a full queue drops).
   */
  onEnd(span: LeanSpan): void;
  /** Sends what is buffered; resolves when it is sent or given up. */
  forceFlush(): Promise<void>;
  /** forceFlush, then releases the sink's resources. */
  shutdown(): Promise<void>;
}

/** A tracer's name and version, as OTLP groups spans by them (one object per tracer). */
export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
}

export interface SpanLimits {
  /** Attributes kept per span (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, 128); more are dropped and counted. */
  attributes: number;
  /** Events kept per span (OTEL_SPAN_EVENT_COUNT_LIMIT, 128); more are dropped and counted. */
  events: number;
}

export interface SpanEvent {
  name: string;
  /** epoch ms */
  timeMs: number;
  attributes: Attributes;
}

/** The span of a parent, as the span keeps it: the id, and whether it came from another process. */
export interface ParentRef {
  spanId: string;
  isRemote: boolean;
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});
/** An ended span's attributes: empty, and never written to (setAttribute returns first). */
const NO_KEYS: string[] = [];
const NO_VALUES: AttributeValue[] = [];
/** Every span's status until setStatus (most spans): one object for all, replaced, never changed. */
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/**
 * The attribute arrays of spans that ended, emptied, for the next spans: a span's ~17 attributes
 * pushed one by one into new arrays grow each array's store three or four times (a copy and
 * garbage each time); a reused array keeps the store it grew to. The sink has encoded the span
 * and kept nothing of it when they come back (SpanSink's contract). Bounded: spans open at once
 * beyond it take new arrays.
 */
const FREE_MAX = 256;
const freeKeys: string[][] = [];
const freeValues: AttributeValue[][] = [];
const ORIGIN = performance.timeOrigin;

/** Epoch ms now: one clock read. */
export const nowMs = (): number => ORIGIN + performance.now();

/** A TimeInput as epoch ms; numbers up to performance.now() are performance times (the SDK's rule). */
export function epochMs(t: TimeInput): number {
  if (typeof t === 'number') return t <= performance.now() ? ORIGIN + t : t;
  if (t instanceof Date) return t.getTime();
  return t[0] * 1000 + t[1] / 1e6;
}

const isTime = (x: unknown): x is TimeInput => typeof x === 'number' || x instanceof Date || (Array.isArray(x) && x.length === 2 && typeof x[0] === 'number');

export class LeanSpan implements Span {
  name: string;
  endMs = 0;
  /** Attribute keys, in the order first set; `values[i]` is `keys[i]`'s value. */
  keys: string[] = freeKeys.pop() ?? [];
  values: AttributeValue[] = freeValues.pop() ?? [];
  droppedAttributes = 0;
  events: SpanEvent[] | undefined;
  droppedEvents = 0;
  droppedLinks = 0;
  status: SpanStatus = UNSET;
  #ended = false;
  #context: SpanContext | undefined;
  #traceparent: string | undefined;

  constructor(
    readonly scope: InstrumentationScope,
    readonly sink: SpanSink,
    readonly limits: SpanLimits,
    readonly traceId: string,
    readonly spanId: string,
    readonly parent: ParentRef | undefined,
    readonly traceState: TraceState | undefined,
    name: string,
    readonly kind: SpanKind,
    attributes: Attributes | undefined,
    readonly startMs: number,
  ) {
    this.name = name;
    // A copy: the caller's object may be shared or changed later; undefined values are not kept.
    // Its keys are distinct, so no scan for an earlier one.
    const max = limits.attributes;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      if (this.keys.length >= max) {
        this.droppedAttributes++;
        continue;
      }
      this.keys.push(key);
      this.values.push(value);
    }
  }

  /** The attributes as one object (the file sink, tests); the encoder reads `keys`/`values`. */
  get attributes(): Attributes {
    const out: Attributes = {};
    for (let i = 0; i < this.keys.length; i++) out[this.keys[i]!] = this.values[i];
    return out;
  }

  spanContext(): SpanContext {
    // Made when asked (propagation, a response header), not for every span.
    this.#context ??= { traceId: this.traceId, spanId: this.spanId, traceFlags: 1, ...(this.traceState ? { traceState: this.traceState } : {}) };
    return this.#context;
  }

  /**
   * The W3C traceparent of this span (sampled), made once: the same string goes into the bus
   * message's headers and the HTTP answer's. Its ids are the tracer's own, valid by construction.
   */
  traceparent(): string {
    this.#traceparent ??= `00-${this.traceId}-${this.spanId}-01`;
    return this.#traceparent;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.#ended || value === undefined || value === null) return this;
    const keys = this.keys;
    const at = keys.indexOf(key);
    if (at >= 0) {
      this.values[at] = value;
      return this;
    }
    if (keys.length >= this.limits.attributes) {
      this.droppedAttributes++;
      return this;
    }
    keys.push(key);
    this.values.push(value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      const value = attributes[key];
      if (value !== undefined) this.setAttribute(key, value);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (this.#ended) return this;
    const events = (this.events ??= []);
    if (events.length >= this.limits.events) {
      this.droppedEvents++;
      return this;
    }
    let attributes: Attributes = NO_ATTRIBUTES;
    let time = startTime;
    if (isTime(attributesOrStartTime)) time ??= attributesOrStartTime;
    else if (attributesOrStartTime !== undefined) attributes = attributesOrStartTime;
    events.push({ name, timeMs: time === undefined ? nowMs() : epochMs(time), attributes });
    return this;
  }

  /** Links are not recorded (photon makes none): counted as dropped. */
  addLink(link: Link): this {
    return this.addLinks([link]);
  }

  addLinks(links: Link[]): this {
    if (!this.#ended) this.droppedLinks += links.length;
    return this;
  }

  /** The SDK's rules: UNSET changes nothing, OK is final, a message only with ERROR. */
  setStatus(status: SpanStatus): this {
    if (this.#ended || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status = status.code === SpanStatusCode.ERROR && typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.#ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.#ended) return;
    this.#ended = true;
    const end = endTime === undefined ? nowMs() : epochMs(endTime);
    this.endMs = end < this.startMs ? this.startMs : end;
    this.sink.onEnd(this);
    // Encoded: let go of what was recorded (the span itself may live on in a context a while),
    // and hand the emptied arrays to the next span.
    if (freeKeys.length < FREE_MAX) {
      this.keys.length = 0;
      this.values.length = 0;
      freeKeys.push(this.keys);
      freeValues.push(this.values);
    }
    this.keys = NO_KEYS;
    this.values = NO_VALUES;
    this.events = undefined;
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  /** An `exception` event with the semantic conventions' attributes, as the SDK records it. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else {
      if (exception.code) attributes['exception.type'] = String(exception.code);
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined) this.addEvent('exception', attributes, time);
  }
}
