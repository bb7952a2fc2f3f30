// W3C trace context in and out of message headers. Uses the globally registered propagator,
// which the entry points set up; without one both are no-ops, so tracing off costs nothing here.
import { ROOT_CONTEXT, propagation, type Context } from '@opentelemetry/api';

export function injectTraceHeaders(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a message's headers carry, rooted fresh: nothing is inherited from the caller. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}
