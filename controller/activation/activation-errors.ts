// Why an activation could not be started, as domain facts. They say nothing about HTTP: the REST
// edge maps them to statuses and OpenWhisk's bodies (api-error.ts apiErrorOf), a trigger fire turns
// them into a rule log line, a feed decides from them whether to retry or disable itself.

/** Anything the activation service (or the trigger firer) refuses with. */
export abstract class ActivationError extends Error {
  abstract readonly reason: 'not-found' | 'forbidden' | 'throttled' | 'no-invokers' | 'not-scheduled';
  /** True when trying again later may succeed (a throttle, no invoker, a bus hiccup). */
  abstract readonly transient: boolean;
}

/** The action (or the trigger being fired) does not exist. */
export class EntityNotFoundError extends ActivationError {
  readonly reason = 'not-found' as const;
  readonly transient = false;
  constructor(readonly entity: 'action' | 'trigger', readonly path: string) {
    super(`The ${entity} '${path}' does not exist.`);
    this.name = 'EntityNotFoundError';
  }
}

/**
 * The caller may not use the entity: another namespace's private package, a binding of another
 * namespace, or anything of another namespace outside a shared package. OpenWhisk answers 403, not
 * 404, so that a key cannot probe which private entities exist elsewhere.
 */
export class NotAuthorizedError extends ActivationError {
  readonly reason = 'forbidden' as const;
  readonly transient = false;
  constructor(readonly path: string) {
    super(`The supplied authentication is not authorized to access '${path}'.`);
    this.name = 'NotAuthorizedError';
  }
}

export type ThrottleLimit = 'invocationsPerMinute' | 'concurrentInvocations' | 'firesPerMinute';

/** Over one of the namespace's throttles; the message is OpenWhisk's. */
export class ThrottledError extends ActivationError {
  readonly reason = 'throttled' as const;
  readonly transient = true;
  constructor(readonly limit: ThrottleLimit, readonly count: number, readonly allowed: number) {
    super(throttleMessage(limit, count, allowed));
    this.name = 'ThrottledError';
  }
}

function throttleMessage(limit: ThrottleLimit, count: number, allowed: number): string {
  switch (limit) {
    case 'invocationsPerMinute': return `Too many requests in the last minute (count: ${count}, allowed: ${allowed}).`;
    case 'concurrentInvocations': return `Too many concurrent requests in flight (count: ${count}, allowed: ${allowed}).`;
    case 'firesPerMinute': return `Too many trigger fires in the last minute (count: ${count}, allowed: ${allowed}).`;
  }
}

/** No invoker with a fresh heartbeat can take the activation. */
export class NoInvokersError extends ActivationError {
  readonly reason = 'no-invokers' as const;
  readonly transient = true;
  constructor() {
    super('no healthy invoker with a fresh heartbeat');
    this.name = 'NoInvokersError';
  }
}

/** Placement succeeded but the activation could not be handed to the bus. */
export class NotScheduledError extends ActivationError {
  readonly reason = 'not-scheduled' as const;
  readonly transient = true;
  constructor(readonly activationId: string, cause: unknown) {
    super(`The activation ${activationId} could not be handed to an invoker: ${String(cause)}`, { cause });
    this.name = 'NotScheduledError';
  }
}
