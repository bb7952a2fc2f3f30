// The root every context of photon's trace path grows from: a Context whose setValue makes one
// small object (its parent, one key, one value) where the API's ROOT_CONTEXT (BaseContext) copies
// its Map and makes three closures for every context. A traced activation makes three of them
// (the request's span, the invoker's remote parent and its span): ≈1 µs and four objects each with
// BaseContext (shared/tracing/README.md, trace4). The API reads and writes contexts only through
// getValue/setValue/deleteValue, so the SDK, the API's helpers (trace.setSpan, getSpan) and
// photon's tracer work on it alike; a context chain here is two or three links deep.
import type { Context } from '@opentelemetry/api';

/** A key deleted below a context that had it. */
const DELETED: unique symbol = Symbol('deleted');

class LinkedContext implements Context {
  constructor(
    private readonly parent: LinkedContext | undefined,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    if (this.key === key) return this.value === DELETED ? undefined : this.value;
    return this.parent?.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, DELETED);
  }
}

/** The empty context: what ROOT_CONTEXT is, for every trace photon starts or continues. */
export const ROOT: Context = new LinkedContext(undefined, undefined, undefined);
