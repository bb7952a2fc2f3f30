// The life of one pooled isolate as a state machine: the pool's only record of where a slot is.
// Every change goes through TRANSITIONS; an event a state does not list is a bug in the pool. In a
// strict pool (tests) it throws IllegalTransitionError, otherwise it is logged and the state kept.
//
//   creating      the slot's memory is reserved, the isolate (and its namespace) being created
//   blank         a prewarm: isolate and guest runtime ready, no action
//   initialising  bound to an action, code being installed (cold: after creation finishes)
//   warm          serves activations of its action (idle or busy by inFlight)
//   retiring      took a developer error: no new work, disposed when its last activation ends
//   disposing     dispose() requested, waiting for the isolate to report it is gone
//   gone          forgotten by the pool; its namespace went back to the cache

export type IsolateState = 'creating' | 'blank' | 'initialising' | 'warm' | 'retiring' | 'disposing' | 'gone';

/**
 * created: the isolate exists; bind: an activation took it for an action (prewarm or cold);
 * installed: the action's code is in; retire: a developer error; dispose: the pool decided to
 * dispose it (any DisposeReason); gone: the isolate reported its end (or creation failed).
 */
export type IsolateEvent = 'created' | 'bind' | 'installed' | 'retire' | 'dispose' | 'gone';

export const TRANSITIONS: Readonly<Record<IsolateState, Readonly<Partial<Record<IsolateEvent, IsolateState>>>>> = {
  creating: { created: 'blank', bind: 'initialising', dispose: 'disposing', gone: 'gone' },
  blank: { bind: 'initialising', dispose: 'disposing', gone: 'gone' },
  // A cold start is bound while its isolate is still being created.
  initialising: { created: 'initialising', installed: 'warm', dispose: 'disposing', gone: 'gone' },
  warm: { retire: 'retiring', dispose: 'disposing', gone: 'gone' },
  // A second developer error of a concurrent activation changes nothing.
  retiring: { retire: 'retiring', dispose: 'disposing', gone: 'gone' },
  // Work in flight may still finish its install or report a developer error; a second reason is ignored.
  disposing: { installed: 'disposing', retire: 'disposing', dispose: 'disposing', gone: 'gone' },
  // An isolate whose creation finishes after its slot was given up is disposed on arrival; an
  // install or a developer error of work that was in flight changes nothing.
  gone: { created: 'gone', installed: 'gone', retire: 'gone' },
};

export class IllegalTransitionError extends Error {
  constructor(readonly slot: string, readonly state: IsolateState, readonly event: IsolateEvent) {
    super(`isolate ${slot}: event '${event}' is not allowed in state '${state}'`);
    this.name = 'IllegalTransitionError';
  }
}

/** The next state, or IllegalTransitionError. */
export function nextState(slot: string, state: IsolateState, event: IsolateEvent): IsolateState {
  const next = TRANSITIONS[state][event];
  if (next === undefined) throw new IllegalTransitionError(slot, state, event);
  return next;
}
