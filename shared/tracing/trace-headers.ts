// W3C trace context in and out of message headers. Uses the globally registered propagator,
// which the entry points set up; without one both are no-ops, so tracing off costs nothing here.
import { propagation, type Context } from '@opentelemetry/api';
import { ROOT } from './root-context.js';

export function injectTraceHeaders(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a message's headers carry, rooted fresh: nothing is inherited from the caller. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT, headers);
}
