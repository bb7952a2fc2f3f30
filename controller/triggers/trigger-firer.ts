// Firing a trigger (REST POST, a Kafka feed batch, an alarm tick): every active rule's action is
// scheduled asynchronously with the trigger's parameters merged under the event's, and a trigger
// activation record lists the activations it caused (OpenWhisk's rule logs). Rule activations that
// do not succeed are retried by the trigger's retry policy and end in its dead-letter list.
import { createHash } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import type { KeyValue } from '../../shared/model/action.js';
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import type { DeadLetter, RetryPolicy, Rule, Trigger } from '../../shared/model/trigger.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { Stores } from '../../shared/store/stores.js';
import { ATTR } from '../../shared/tracing/attributes.js';
import { inSpan } from '../../shared/tracing/in-span.js';
import { ROOT } from '../../shared/tracing/root-context.js';
import { mergeParameters } from '../../shared/model/parameters.js';
import { EntityNotFoundError, ThrottledError } from '../activation/activation-errors.js';
import type { ActivationService } from '../activation/activation-service.js';
import { newActivationId } from '../activation-json.js';
import type { Throttler } from '../throttler.js';
import { retryPolicyOf } from './trigger-validation.js';

export interface TriggerFirerDeps {
  stores: Stores;
  /** Rule activations go the one activation path: admitted (both throttles), scheduled, released. */
  activations: ActivationService;
  /** Only for the fire's own throttle (firesPerMinute). */
  throttler: Throttler;
  /** Most dead letters kept per trigger. */
  deadLetterCap?: number;
}

export interface FireOptions {
  /** A feed re-firing a batch it may have fired before passes the same id: it fires at most once. */
  activationId?: string;
  /** Added to the trigger activation's annotations (e.g. the alarm tick that fired it). */
  annotations?: KeyValue[];
  /** The trace the fire continues: the HTTP request's, or a Kafka feed message's producer's. */
  trace?: Context;
}

/** One line of the trigger activation's logs, OpenWhisk's shape. */
interface RuleLog {
  statusCode: number;
  success: boolean;
  activationId?: string;
  rule: string;
  action: string;
  error?: string;
}

const MAX_RULES = 10_000;

export class TriggerFirer {
  readonly #d: TriggerFirerDeps;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(deps: TriggerFirerDeps) {
    this.#d = deps;
  }

  /** The trigger activation id, or undefined when the trigger has no active rule (the API's 204). EntityNotFoundError, ThrottledError. */
  async fire(identity: Identity, triggerName: string, event: Record<string, unknown>, options: FireOptions = {}): Promise<string | undefined> {
    const { stores, throttler } = this.#d;
    const namespace = identity.namespace;
    const activationId = options.activationId ?? newActivationId();
    return inSpan(options.trace ?? ROOT, 'controller.trigger.fire', { [ATTR.namespace]: namespace, [ATTR.trigger]: `${namespace}/${triggerName}`, [ATTR.activationId]: activationId }, async (_span, ctx) => {
      const trigger = await stores.triggers.get(namespace, triggerName);
      if (!trigger) throw new EntityNotFoundError('trigger', `${namespace}/${triggerName}`);
      if (options.activationId && (await stores.activations.get(activationId))) return activationId;
      await throttler.checkFireRate(identity);
      const rules = (await stores.rules.list(namespace, { limit: MAX_RULES, skip: 0 }))
        .filter((r) => r.status === 'active' && r.trigger.namespace === namespace && r.trigger.name === triggerName);
      if (rules.length === 0) return undefined;
      const start = Date.now();
      const params = mergeParameters(trigger.parameters, event);
      const policy = retryPolicyOf(trigger.annotations);
      const logs = await Promise.all(rules.map((rule) => this.#runRule(identity, trigger, rule, params, activationId, policy, Boolean(options.activationId), ctx)));
      const record: ActivationRecord = {
        namespace, name: trigger.name, version: trigger.version, subject: identity.subject, activationId,
        start, end: Date.now(), duration: Date.now() - start,
        response: { status: 'success', statusCode: 0, success: true, result: params },
        logs: logs.map((l) => JSON.stringify(l)),
        annotations: [{ key: 'path', value: `${namespace}/${trigger.name}` }, { key: 'kind', value: 'trigger' }, ...(options.annotations ?? [])],
        publish: false,
      };
      await stores.activations.putIfAbsent(record);
      return activationId;
    });
  }

  /** Stops pending retries (their activations are not retried by this controller any more). */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  async #runRule(identity: Identity, trigger: Trigger, rule: Rule, params: Record<string, unknown>, cause: string, policy: RetryPolicy, deterministic: boolean, ctx: Context): Promise<RuleLog> {
    const ruleName = `${rule.namespace}/${rule.name}`;
    const actionName = `${rule.action.namespace}/${rule.action.name}`;
    // A re-fired batch gets the same activation ids: the invoker runs a redelivered id only once.
    const id = deterministic ? createHash('sha256').update(`${cause}:${ruleName}`).digest('hex').slice(0, 32) : newActivationId();
    try {
      await this.#schedule(identity, rule, params, cause, [id], ctx, (ids, record) => this.#failed(identity, trigger, rule, params, cause, policy, ids, record, ctx));
      return { statusCode: 0, success: true, activationId: id, rule: ruleName, action: actionName };
    } catch (err) {
      if (err instanceof EntityNotFoundError) return { statusCode: 1, success: false, rule: ruleName, action: actionName, error: err.message };
      const message = err instanceof ThrottledError ? err.message : String(err);
      return { statusCode: 1, success: false, activationId: id, rule: ruleName, action: actionName, error: message };
    }
  }

  /** Starts the attempt whose id is last in `ids` (the activation service admits it like any invoke); follows its outcome. */
  async #schedule(identity: Identity, rule: Rule, params: Record<string, unknown>, cause: string, ids: string[], ctx: Context,
    onFailure: (ids: string[], record: ActivationRecord | undefined) => Promise<void>): Promise<void> {
    const activationId = ids[ids.length - 1]!;
    const started = await this.#d.activations.start({
      caller: identity, action: rule.action, params, blocking: false, activationId, cause, trace: ctx,
    });
    // Followed even without retries: a failed async activation ends in the dead-letter list, never silently.
    void started.finished.then(async () => {
      // Closing resolves every waiter without an outcome: this controller stops following, it does
      // not judge activations that are still running.
      if (this.#closed) return;
      const record = await this.#readRecord(activationId);
      if (record?.response.success) return;
      await onFailure(ids, record);
    }).catch((err: unknown) => console.error(`controller: following rule activation ${activationId} failed:`, err));
  }

  async #failed(identity: Identity, trigger: Trigger, rule: Rule, params: Record<string, unknown>, cause: string, policy: RetryPolicy, ids: string[], record: ActivationRecord | undefined, ctx: Context): Promise<void> {
    if (this.#closed) return;
    const attempt = ids.length; // attempts made so far
    if (attempt > policy.retries) {
      await this.#deadLetter(trigger, rule, params, cause, ids, record?.response.status ?? 'unknown', record?.response.result.error);
      return;
    }
    const delay = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const next = [...ids, newActivationId()];
      this.#schedule(identity, rule, params, cause, next, ctx, (later, record) => this.#failed(identity, trigger, rule, params, cause, policy, later, record, ctx)).catch(async (err: unknown) => {
        if (err instanceof EntityNotFoundError) {
          await this.#deadLetter(trigger, rule, params, cause, next, 'action missing', err.message);
          return;
        }
        // Throttled, no invoker or no bus right now: counts as a failed attempt.
        await this.#failed(identity, trigger, rule, params, cause, policy, [...ids, `unscheduled:${String(err)}`], undefined, ctx);
      }).catch((err: unknown) => console.error(`controller: retrying a rule activation of ${cause} failed:`, err));
    }, delay);
    timer.unref();
    this.#timers.add(timer);
  }

  async #deadLetter(trigger: Trigger, rule: Rule, params: Record<string, unknown>, cause: string, ids: string[], status: string, error: unknown): Promise<void> {
    const entry: DeadLetter = {
      triggerActivationId: cause, rule: `${rule.namespace}/${rule.name}`, action: `${rule.action.namespace}/${rule.action.name}`,
      activationIds: ids, status, ...(error !== undefined ? { error } : {}), params, failedAt: Date.now(),
    };
    await this.#d.stores.feeds.pushDeadLetter(trigger.namespace, trigger.name, entry, this.#d.deadLetterCap ?? 1_000);
  }

  async #readRecord(id: string): Promise<ActivationRecord | undefined> {
    for (const delay of [0, 100, 500, 2_000]) {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const r = await this.#d.stores.activations.get(id).catch(() => undefined);
      if (r) return r;
    }
    return undefined;
  }
}
