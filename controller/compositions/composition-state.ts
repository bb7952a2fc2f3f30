// A composition's progress (a sequence's or a conductor action's) and what happens after each of
// its steps, as pure functions: the engine (composition-engine.ts) keeps the state in the
// ProgressStore and does the I/O. OpenWhisk's semantics (SequenceActions.scala, PrimitiveActions.scala):
//
//   kind        event                        next
//   sequence    start                        component 0 with the sequence's input
//   sequence    component record, error      end with that record's response (the first error ends it)
//   sequence    component record, ok         next component with its result; after the last, end with its response
//   sequence    component not startable      end: "Sequence component does not exist." / whisk error "Sequence failed."
//   conductor   start                        the conductor action with the input
//   conductor   conductor record, action     the named component with `params` (state kept for the next conductor run)
//   conductor   conductor record, no action  end with `params` (or the whole result) and the conductor's status
//   conductor   component record             the conductor with the component's result plus the kept state
//   conductor   component not startable      the conductor with {error: "Failed to resolve action ..."}
//   both        over the step budget         end: "Too many actions in the sequence/composition."
import { STATUS_CODES, type ActivationRecord, type ActivationResponse, type ActivationStatus } from '../../shared/model/activation-record.js';
import type { Identity } from '../../shared/store/auth-store.js';
import { EntityNotFoundError, NotAuthorizedError } from '../activation/activation-errors.js';
import { SEQUENCE_MESSAGES } from '../kinds/sequence-kind.js';
import { componentName, parseActionName } from './action-name.js';

export const COMPOSITION_MESSAGES = Object.freeze({
  tooLong: 'Too many actions in the composition.',
  activationFailure: 'Activation failure during composition.',
  sequenceFailure: 'Sequence failed.',
  componentInvalid: (value: unknown) => `Failed to parse action name from json value ${JSON.stringify(value)} during composition.`,
  componentNotFound: (name: string) => `Failed to resolve action with name '${name}' during composition.`,
  componentNotAccessible: (name: string) => `Failed entitlement check for action with name '${name}' during composition.`,
});

export interface Step {
  /** The step's activation id: derived from the composition's id and the step number, so a step started twice is one activation. */
  id: string;
  phase: 'component' | 'conductor';
  /** The component's fully qualified name; for a conductor run, the conductor action as the caller named it. */
  target: string;
  params: Record<string, unknown>;
  /** When it was started and the longest it may run: past both (and a grace), the owner looks at it again. */
  startedAt: number;
  timeoutMs: number;
}

export interface CompositionState {
  kind: 'sequence' | 'conductor';
  caller: Identity;
  /** The composition's action: where it is stored, and what its record shows. */
  action: { namespace: string; name: string; version: string; timeout: number; memory: number; logs: number; concurrency: number };
  /** The action as the caller named it (the conductor is run through this name, binding included). */
  named: { namespace: string; name: string };
  binding?: string;
  components: string[];
  /** Steps started so far; the current one is number steps - 1. */
  steps: number;
  current?: Step;
  /** Set once the composition has ended; its record is written next. */
  result?: { response: ActivationResponse; end: number };
  logs: string[];
  duration: number;
  maxMemory: number;
  start: number;
  waitTime: number;
  topmost: boolean;
  cause?: string;
  /** The composition this one is a step of, and how deep it is nested. */
  parent?: string;
  depth: number;
  blocking: boolean;
  /** Conductor: state kept between conductor runs, and the budget spent. */
  conductorState?: Record<string, unknown>;
  componentRuns: number;
  conductorRuns: number;
  maxLength: number;
}

/** What to do next: start a step (phase, target, params) or end with a response. */
export type Next = { kind: 'step'; phase: Step['phase']; target: string; params: Record<string, unknown> } | { kind: 'end'; response: ActivationResponse };

export function responseOf(status: ActivationStatus, result: Record<string, unknown>): ActivationResponse {
  return { status, statusCode: STATUS_CODES[status], success: status === 'success', result };
}

const STATUS_BY_CODE: Record<number, ActivationStatus> = { 0: 'success', 1: 'application error', 2: 'action developer error', 3: 'whisk internal error' };

/** The first step of a composition given its input. */
export function firstStep(s: CompositionState, input: Record<string, unknown>): Next {
  return s.kind === 'sequence' ? sequenceComponent(s, 0, input) : conductorRun(s, input);
}

/** After a step's record: folds it into the accounting and says what comes next. */
export function afterRecord(s: CompositionState, step: Step, record: ActivationRecord): Next {
  s.logs.push(record.activationId);
  s.duration += record.duration;
  const limits = record.annotations.find((a) => a.key === 'limits')?.value as { memory?: unknown } | undefined;
  if (limits && typeof limits.memory === 'number') s.maxMemory = Math.max(s.maxMemory, limits.memory);
  const result = record.response.result;
  if (s.kind === 'sequence') {
    if (result.error !== undefined || !record.response.success) return { kind: 'end', response: record.response };
    // The step that ended was component steps - 1; the next one is component steps.
    return s.steps < s.components.length ? sequenceComponent(s, s.steps, result) : { kind: 'end', response: record.response };
  }
  if (step.phase === 'component') return conductorRun(s, result);
  // The conductor answered: params and state are boxed when they are not dictionaries.
  const params = result.params === undefined ? undefined : box(result.params, 'value');
  s.conductorState = result.state === undefined ? undefined : box(result.state, 'state');
  if (result.action === undefined) {
    return { kind: 'end', response: { ...responseOf(STATUS_BY_CODE[record.response.statusCode] ?? 'whisk internal error', params ?? result) } };
  }
  const ref = typeof result.action === 'string' ? parseActionName(result.action, s.caller.namespace) : undefined;
  if (!ref) return conductorRun(s, { error: COMPOSITION_MESSAGES.componentInvalid(result.action) });
  if (s.componentRuns >= s.maxLength) return conductorRun(s, { error: COMPOSITION_MESSAGES.tooLong });
  s.componentRuns++;
  return { kind: 'step', phase: 'component', target: componentName(ref), params: params ?? {} };
}

/** After a step could not be started (the activation service refused it). */
export function afterRefusal(s: CompositionState, step: { phase: Step['phase']; target: string }, err: unknown): Next {
  const reason = err instanceof Error ? err.message : String(err);
  if (s.kind === 'sequence') {
    if (err instanceof EntityNotFoundError || err instanceof NotAuthorizedError) return { kind: 'end', response: responseOf('application error', { error: SEQUENCE_MESSAGES.componentNotFound }) };
    if (err instanceof TooDeepError) return { kind: 'end', response: responseOf('application error', { error: SEQUENCE_MESSAGES.tooLong }) };
    return { kind: 'end', response: responseOf('whisk internal error', { error: COMPOSITION_MESSAGES.sequenceFailure, reason }) };
  }
  if (step.phase === 'component') {
    if (err instanceof EntityNotFoundError) return conductorRun(s, { error: COMPOSITION_MESSAGES.componentNotFound(step.target) });
    if (err instanceof NotAuthorizedError) return conductorRun(s, { error: COMPOSITION_MESSAGES.componentNotAccessible(step.target) });
    if (err instanceof TooDeepError) return conductorRun(s, { error: COMPOSITION_MESSAGES.tooLong });
  }
  return { kind: 'end', response: responseOf('whisk internal error', { error: COMPOSITION_MESSAGES.activationFailure, reason }) };
}

/** A composition nested deeper than the maximum length (a runaway recursion through conductors or sequences). */
export class TooDeepError extends Error {
  constructor(depth: number) {
    super(`compositions nested ${depth} deep`);
    this.name = 'TooDeepError';
  }
}

function sequenceComponent(s: CompositionState, index: number, params: Record<string, unknown>): Next {
  if (index >= s.maxLength) return { kind: 'end', response: responseOf('application error', { error: SEQUENCE_MESSAGES.tooLong }) };
  return { kind: 'step', phase: 'component', target: s.components[index]!, params };
}

/** Runs the conductor with `payload` plus the kept state; past 2n+1 conductor runs the composition ends. */
function conductorRun(s: CompositionState, payload: Record<string, unknown>): Next {
  if (s.conductorRuns > 2 * s.maxLength) return { kind: 'end', response: responseOf('application error', { error: COMPOSITION_MESSAGES.tooLong }) };
  s.conductorRuns++;
  return { kind: 'step', phase: 'conductor', target: `/${s.named.namespace}/${s.named.name}`, params: { ...payload, ...(s.conductorState ?? {}) } };
}

function box(value: unknown, key: string): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { [key]: value };
}
