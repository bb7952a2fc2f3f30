// What a caller of the activation service asks for and gets back, and the seam through which the
// service hands sequences and conductor actions to whoever runs them (compositions/). In a file of
// their own so that the composition engine and the service can both name them without importing
// each other.
import type { Context } from '@opentelemetry/api';
import { SEQUENCE_KIND } from '../../shared/model/action-kinds.js';
import type { Action } from '../../shared/model/action.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { ResolvedAction } from '../packages/package-resolver.js';
import type { FinishedRecord } from './finished-record.js';

export interface ActivationRequest {
  caller: Identity;
  /** The action to run as the caller names it: namespace path (`ns`, `ns/pkg` or `ns/binding`) and name. */
  action: { namespace: string; name: string };
  /** The invocation's parameters; the package's, the binding's and the action's defaults are merged under them here, once. */
  params: Record<string, unknown>;
  blocking: boolean;
  /** Given by callers that must be idempotent (a re-fired feed batch, a composition's step); default a fresh id. */
  activationId?: string;
  /** The activation that caused this one (a trigger's, or the composition a step belongs to). */
  cause?: string;
  /** 'sequence' for a step of a sequence or conductor action: the record's causedBy annotation. */
  causedBy?: string;
  /** Set by the composition engine on its steps: the composition they belong to and its nesting depth. */
  parent?: { id: string; depth: number };
  /** Run a conductor action's own code (a step of its composition), not the composition it drives. */
  primitive?: boolean;
  /** The trace this activation continues. */
  trace?: Context;
  /**
   * The action as a caller already resolved and read it (a web action checks its annotations
   * first): resolve is then not repeated. The caller must have made the entitlement check.
   */
  resolved?: { ref: ResolvedAction; action: Action };
}

export interface StartedActivation {
  activationId: string;
  action: Action;
  /** The invoker it was placed on; '' for a composition (its steps are placed one by one). */
  invoker: string;
  /** Resolves when the activation finishes (completed or swept), with its record when it was blocking; never rejects. */
  finished: Promise<FinishedRecord | undefined>;
}

/** Runs sequences and conductor actions; the activation service has resolved and admitted them. */
export interface CompositionRunner {
  /** `params`: the invocation's merged over the action's and its package's. Rejects only with the errors start() has. */
  start(req: ActivationRequest & { activationId: string }, action: Action, params: Record<string, unknown>, meta: { acceptedAt: number; binding?: string }): Promise<StartedActivation>;
}

/** True for the kinds the controller runs itself: a sequence, or an action annotated `conductor` (truthy, as OpenWhisk's isTruthy). */
export function isComposition(action: Action): boolean {
  return action.exec.kind === SEQUENCE_KIND || isConductor(action);
}

export function isConductor(action: Action): boolean {
  const a = action.annotations.find((kv) => kv.key === 'conductor');
  return a !== undefined && a.value !== false && a.value !== null && a.value !== undefined && a.value !== 0 && a.value !== '';
}
