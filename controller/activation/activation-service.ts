// The one activation path of the controller. Every caller (the invoke API, the trigger firer; next
// sequences, conductor actions and web actions) starts an activation here, and every one goes
// through the same steps:
//
//   resolve  the action from the store, through its package or binding (packages/package-resolver.ts),
//            after the one entitlement check (EntityNotFoundError, NotAuthorizedError)
//   admit    the namespace's throttles: invocations per minute and a concurrent-activation slot
//            (ThrottledError), the same for every caller
//   schedule placement and publication by the LoadBalancer (NoInvokersError, NotScheduledError)
//   await    optional: wait for the record up to a limit (awaitRecord)
//   release  the concurrency slot, once, when the activation finishes (completed or swept) or
//            when a step after admit fails
//
// Errors are domain errors (activation-errors.ts); HTTP statuses are made at the REST edge.
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { LIMIT_RANGES, type Action } from '../../shared/model/action.js';
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import { mergeParameters } from '../../shared/model/parameters.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { Stores } from '../../shared/store/stores.js';
import { warmKey, type WarmCounts } from '../../shared/store/warm-registry.js';
import { inSpan } from '../../shared/tracing/in-span.js';
import { newActivationId } from '../activation-json.js';
import { Entitlement } from '../entitlement.js';
import { resolveAction, type ResolvedAction } from '../packages/package-resolver.js';
import type { LoadBalancer } from '../load-balancer.js';
import type { Throttler } from '../throttler.js';
import { ActivationError, EntityNotFoundError, NotScheduledError } from './activation-errors.js';

export interface ActivationServiceDeps {
  stores: Stores;
  balancer: LoadBalancer;
  throttler: Throttler;
  /** How long a concurrency slot outlives a controller that dies holding it. */
  slotTtlMs: number;
  /** The authorisation check; default one over stores.packages. */
  entitlement?: Entitlement;
}

export interface ActivationRequest {
  caller: Identity;
  /** The action to run as the caller names it: namespace path (`ns`, `ns/pkg` or `ns/binding`) and name. */
  action: { namespace: string; name: string };
  /** The invocation's parameters; the package's, the binding's and the action's defaults are merged under them here, once. */
  params: Record<string, unknown>;
  blocking: boolean;
  /** Given by callers that must be idempotent (a re-fired feed batch); default a fresh id. */
  activationId?: string;
  /** The activation that caused this one (a trigger's). */
  cause?: string;
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
  invoker: string;
  /** Resolves when the activation finishes (completed or swept), with its record when it was blocking; never rejects. */
  finished: Promise<ActivationRecord | undefined>;
}

export class ActivationService {
  readonly #d: ActivationServiceDeps;
  readonly #entitlement: Entitlement;

  constructor(deps: ActivationServiceDeps) {
    this.#d = deps;
    this.#entitlement = deps.entitlement ?? new Entitlement(deps.stores.packages);
  }

  /** The concurrency slot's TTL for a controller config: past the longest allowed run, its grace and a sweep. */
  static slotTtlMs(completionGraceMs: number, sweepIntervalMs: number): number {
    return LIMIT_RANGES.timeout[1] + completionGraceMs + sweepIntervalMs;
  }

  /** resolve → admit → schedule. Rejects with an ActivationError (or a store error) and then holds nothing. */
  async start(req: ActivationRequest): Promise<StartedActivation> {
    const { stores, throttler, balancer } = this.#d;
    const activationId = req.activationId ?? newActivationId();
    const acceptedAt = Date.now();
    const { caller } = req;
    const trace = req.trace ?? ROOT_CONTEXT;
    // resolve: the package or binding the caller names, and whether the caller may use it.
    const ref = req.resolved?.ref ?? await resolveAction(stores.packages, this.#entitlement, caller, req.action);
    const key = `${ref.namespace}/${ref.name}`;

    // resolve + admit. Independent store calls run in parallel: this is the hot path of every
    // invoke. The slot is taken before the action's timeout is known, hence slotTtlMs.
    const [got, rate, warm, slot] = await inSpan(trace, 'controller.admission', {}, () => Promise.all([
      req.resolved ? settle(Promise.resolve<Action | undefined>(req.resolved.action)) : settle(stores.actions.get(ref.namespace, ref.name)),
      settle(throttler.checkRate(caller)),
      // The registry only steers placement; without it, placement falls back to hashing.
      stores.warm.forAction(warmKey(caller.namespace, ref.namespace, ref.name)).catch((): Record<string, WarmCounts> => ({})),
      settle(throttler.acquire(caller, activationId, this.#d.slotTtlMs)),
    ]));
    if (!got.ok || !rate.ok || !slot.ok || !got.value) {
      if (slot.ok) throttler.release(caller, activationId);
      if (!rate.ok) throw rate.error;
      if (!slot.ok) throw slot.error;
      if (!got.ok) throw got.error;
      throw new EntityNotFoundError('action', key);
    }
    const action = got.value;

    // schedule; release is the balancer's onFinished from here on.
    try {
      const scheduled = await balancer.schedule({
        activationId, action, caller, params: mergeParameters(...ref.packageLayers, action.parameters, req.params), blocking: req.blocking,
        acceptedAt, warm, trace, ...(req.cause ? { cause: req.cause } : {}), ...(ref.binding ? { binding: ref.binding } : {}),
        onFinished: () => throttler.release(caller, activationId),
      });
      return { activationId, action, invoker: scheduled.invoker, finished: scheduled.finished };
    } catch (err) {
      throttler.release(caller, activationId);
      if (err instanceof ActivationError) throw err;
      console.error(`controller: publishing activation ${activationId} failed:`, err);
      throw new NotScheduledError(activationId, err);
    }
  }

  /** await: the record, or undefined when the activation is still running after waitMs (or is not blocking). */
  async awaitRecord(started: StartedActivation, waitMs: number): Promise<ActivationRecord | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const record = await Promise.race([
      started.finished,
      new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), waitMs); }),
    ]);
    clearTimeout(timer);
    return record;
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}
