// The one activation path of the controller. Every caller (the invoke API, the trigger firer, the
// steps of sequences and conductor actions; next web actions) starts an activation here, whatever
// the action's kind, and every one goes through the same steps:
//
//   resolve  the action from the store, through its package or binding (packages/package-resolver.ts),
//            after the one entitlement check (EntityNotFoundError, NotAuthorizedError)
//   admit    the namespace's throttles: invocations per minute and a concurrent-activation slot
//            (ThrottledError), the same for every caller
//   schedule placement and publication by the LoadBalancer (NoInvokersError, NotScheduledError),
//            with an activation-scoped key for `provide-api-key` actions (action-api-key.ts)
//   await    optional: wait for the record up to a limit (awaitRecord)
//   release  the concurrency slot, once, when the activation finishes (completed or swept) or
//            when a step after admit fails
//
// A sequence or a conductor action (isComposition) is resolved and admitted here like any action,
// then handed to the CompositionRunner (compositions/composition-engine.ts), which runs its steps
// through start() again; it holds no concurrency slot of its own, its components each take one.
//
// Errors are domain errors (activation-errors.ts); HTTP statuses are made at the REST edge.
import { LIMIT_RANGES, type Action } from '../../shared/model/action.js';
import { mergeParameters } from '../../shared/model/parameters.js';
import type { Stores } from '../../shared/store/stores.js';
import { warmKey, type WarmCounts } from '../../shared/store/warm-registry.js';
import { PHASE } from '../../shared/tracing/attributes.js';
import { inPhase } from '../../shared/tracing/in-phase.js';
import { ROOT } from '../../shared/tracing/root-context.js';
import { newActivationId } from '../activation-json.js';
import { Entitlement } from '../entitlement.js';
import { resolveAction } from '../packages/package-resolver.js';
import type { LoadBalancer } from '../load-balancer.js';
import type { Throttler } from '../throttler.js';
import { ActivationError, EntityNotFoundError, NotScheduledError } from './activation-errors.js';
import type { FinishedRecord } from './finished-record.js';
import { isComposition, type ActivationRequest, type CompositionRunner, type StartedActivation } from './activation-request.js';
import type { ActionApiKeys } from './action-api-key.js';

export interface ActivationServiceDeps {
  stores: Stores;
  balancer: LoadBalancer;
  throttler: Throttler;
  /** How long a concurrency slot outlives a controller that dies holding it. */
  slotTtlMs: number;
  /** The authorisation check; default one over stores.packages. */
  entitlement?: Entitlement;
  /** Mints __OW_API_KEY for `provide-api-key` actions; without it no function gets a key. */
  apiKeys?: ActionApiKeys;
}

export type { ActivationRequest, StartedActivation, CompositionRunner };

export class ActivationService {
  readonly #d: ActivationServiceDeps;
  readonly #entitlement: Entitlement;
  #compositions: CompositionRunner | undefined;

  constructor(deps: ActivationServiceDeps) {
    this.#d = deps;
    this.#entitlement = deps.entitlement ?? new Entitlement(deps.stores.packages);
  }

  /** Who runs sequences and conductor actions; without one they are refused as not scheduled. */
  useCompositions(runner: CompositionRunner): void {
    this.#compositions = runner;
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
    const trace = req.trace ?? ROOT;
    // resolve: the package or binding the caller names, and whether the caller may use it.
    const ref = req.resolved?.ref ?? await resolveAction(stores.packages, this.#entitlement, caller, req.action);
    const key = `${ref.namespace}/${ref.name}`;

    // resolve + admit. Independent store calls run in parallel: this is the hot path of every
    // invoke. The slot is taken before the action's timeout is known, hence slotTtlMs.
    const [got, rate, warm, slot] = await inPhase(trace, PHASE.admission, () => Promise.all([
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
    const params = mergeParameters(...ref.packageLayers, action.parameters, req.params);

    if (!req.primitive && isComposition(action)) {
      throttler.release(caller, activationId);
      if (!this.#compositions) throw new NotScheduledError(activationId, new Error('this controller runs no compositions'));
      return this.#compositions.start({ ...req, activationId }, action, params, { acceptedAt, ...(ref.binding ? { binding: ref.binding } : {}) });
    }

    // schedule; release is the balancer's onFinished from here on.
    try {
      const apiKey = await this.#d.apiKeys?.forActivation(caller, action);
      const scheduled = await balancer.schedule({
        activationId, action, caller, params, blocking: req.blocking,
        acceptedAt, warm, trace, ...(req.cause ? { cause: req.cause } : {}), ...(req.causedBy ? { causedBy: req.causedBy } : {}), ...(ref.binding ? { binding: ref.binding } : {}),
        ...(apiKey ? { apiKey } : {}),
        // The invoker releases the slot with the record when it can (CompletionMessage.slotReleased).
        onFinished: (slotReleased) => { if (!slotReleased) throttler.release(caller, activationId); },
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
  async awaitRecord(started: StartedActivation, waitMs: number): Promise<FinishedRecord | undefined> {
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
