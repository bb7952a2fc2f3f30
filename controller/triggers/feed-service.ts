// The system feed actions, answered by the controller itself: a blocking POST to
// /whisk.system/messaging/kafkaFeed or /whisk.system/alarms/{alarm,interval,once} (what the
// openwhisk client's feeds.create/get/update/delete send, with lifecycleEvent, authKey and
// triggerName) creates, reads, updates, pauses or deletes the trigger's feed binding. Also the
// alarms' tick handler: an alarm tick fires its trigger once per tick id.
import { createHash } from 'node:crypto';
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import type { AlarmFeedConfig, FeedBinding } from '../../shared/model/trigger.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { Stores } from '../../shared/store/stores.js';
import { extendedRecord, newActivationId } from '../activation-json.js';
import { ApiError, MESSAGES, apiErrorOf } from '../api-error.js';
import { AlarmConfigError, type AlarmScheduler, type AlarmTick } from '../alarms/alarm-scheduler.js';
import { feedConfig, type FeedActionName } from './feed-validation.js';
import { identityOfFeed } from './feed-identity.js';
import { feedId, isKafkaBinding, type KafkaFeedManager } from './kafka-feed-manager.js';
import type { TriggerFirer } from './trigger-firer.js';
import { entityRef } from './trigger-validation.js';

const EVENTS = ['CREATE', 'READ', 'UPDATE', 'DELETE', 'PAUSE', 'UNPAUSE'] as const;
type LifecycleEvent = (typeof EVENTS)[number];

export interface FeedServiceDeps {
  stores: Stores;
  firer: TriggerFirer;
  kafka: KafkaFeedManager;
  /** Absent (standalone without Redis): the alarms feeds answer 503. */
  alarms?: AlarmScheduler;
  authenticate(apiKey: string): Promise<Identity | undefined>;
  /**
   * How many invokers this controller can schedule on now. A controller that just started (all of
   * them replaced after a crash) learns of invokers from their next heartbeat; an alarm tick it
   * fired before that would record its rule activations as not scheduled. Absent: fire at once.
   */
  usableInvokers?: () => number;
}

/** How long a tick waits for this controller to know an invoker (heartbeats come every second or so). */
const TICK_WAIT_FOR_INVOKERS_MS = 15_000;

export class FeedService {
  readonly #d: FeedServiceDeps;

  constructor(deps: FeedServiceDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    await this.#d.kafka.start();
    await this.#d.alarms?.start((tick) => this.#onTick(tick));
  }

  async close(): Promise<void> {
    await this.#d.alarms?.close();
    await this.#d.kafka.close();
  }

  /** The intercepted blocking invoke of a system feed action. */
  async invoke(caller: Identity, action: FeedActionName, params: Record<string, unknown>, resultOnly: boolean): Promise<{ status: number; body: unknown }> {
    const event = String(params.lifecycleEvent ?? 'CREATE').toUpperCase() as LifecycleEvent;
    if (!EVENTS.includes(event)) throw new ApiError(400, `'lifecycleEvent' must be one of ${EVENTS.join(', ')}.`);
    let identity = caller;
    if (typeof params.authKey === 'string' && params.authKey.length > 0) {
      const id = await this.#d.authenticate(params.authKey);
      if (!id) throw new ApiError(401, `'authKey' is not a valid key. ${MESSAGES.authInvalid}`);
      identity = id;
    }
    const trigger = entityRef(params.triggerName, 'triggerName', identity.namespace);
    if (trigger.namespace !== identity.namespace) throw new ApiError(403, `${MESSAGES.notAuthorized} The trigger '/${trigger.namespace}/${trigger.name}' is not in the namespace of the key.`);
    const started = Date.now();
    const result = await this.#lifecycle(identity, action, event, trigger.name, params);
    const record: ActivationRecord = {
      namespace: caller.namespace, name: action.split('/')[1]!, version: '0.0.1', subject: caller.subject, activationId: newActivationId(),
      start: started, end: Date.now(), duration: Date.now() - started,
      response: { status: 'success', statusCode: 0, success: true, result },
      logs: [], annotations: [{ key: 'path', value: `whisk.system/${action}` }, { key: 'kind', value: 'photon:feed' }], publish: false,
    };
    await this.#d.stores.activations.putIfAbsent(record);
    return { status: 200, body: resultOnly ? result : extendedRecord(record) };
  }

  /** The trigger is gone: its feed stops (consumer, schedule) and its fire positions are dropped. */
  async deleteFeedOf(namespace: string, trigger: string): Promise<void> {
    const b = await this.#d.stores.feeds.get(namespace, trigger);
    if (!b) return;
    await this.#d.stores.feeds.delete(namespace, trigger);
    await this.#unbind(b);
  }

  async #unbind(b: FeedBinding): Promise<void> {
    if (isKafkaBinding(b)) {
      await this.#d.kafka.reconcile();
      await this.#d.stores.feeds.clearFired(feedId(b));
    } else {
      await this.#d.alarms?.unschedule(b.namespace, b.trigger);
    }
  }

  async #lifecycle(identity: Identity, action: FeedActionName, event: LifecycleEvent, trigger: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { stores } = this.#d;
    const existing = await stores.feeds.get(identity.namespace, trigger);
    switch (event) {
      case 'CREATE': {
        if (!(await stores.triggers.get(identity.namespace, trigger))) throw new ApiError(404, `The trigger '/${identity.namespace}/${trigger}' does not exist; create it before its feed.`);
        if (existing) throw new ApiError(409, `The trigger '/${identity.namespace}/${trigger}' already has a feed; delete it first (lifecycleEvent DELETE).`);
        const binding: FeedBinding = { namespace: identity.namespace, trigger, subject: identity.subject, config: feedConfig(action, params), active: true, created: Date.now() };
        await this.#bind(binding);
        return { triggerName: `/${identity.namespace}/${trigger}`, status: 'created' };
      }
      case 'READ': {
        if (!existing) throw new ApiError(404, `The trigger '/${identity.namespace}/${trigger}' has no feed.`);
        const lag = isKafkaBinding(existing) ? await this.#d.kafka.lag(existing).catch(() => undefined) : undefined;
        return {
          config: { ...existing.config, triggerName: `/${identity.namespace}/${trigger}` },
          status: { active: existing.active, dateChanged: existing.created, dateChangedISO: new Date(existing.created).toISOString(), ...(existing.reason ? { reason: { kind: 'AUTO', message: existing.reason } } : {}) },
          ...(lag !== undefined ? { lag } : {}),
        };
      }
      case 'UPDATE': {
        if (!existing) throw new ApiError(404, `The trigger '/${identity.namespace}/${trigger}' has no feed.`);
        const c = existing.config;
        const base: Record<string, unknown> = c.kind === 'kafka' ? { ...c } : { ...c, trigger_payload: c.payload };
        const config = feedConfig(action, { ...base, ...params });
        // A Kafka feed keeps its topic and brokers (OpenWhisk updates only the decoding flags).
        if (config.kind === 'kafka' && c.kind === 'kafka' && (config.topic !== c.topic || config.brokers.join() !== c.brokers.join())) {
          throw new ApiError(400, 'A Kafka feed can update isJSONData, isBinaryKey and isBinaryValue; to change topic or brokers delete and create the feed.');
        }
        await this.#bind({ ...existing, config, active: true });
        return { triggerName: `/${identity.namespace}/${trigger}`, status: 'updated' };
      }
      case 'PAUSE':
      case 'UNPAUSE': {
        if (!existing) throw new ApiError(404, `The trigger '/${identity.namespace}/${trigger}' has no feed.`);
        const b = { ...existing, active: event === 'UNPAUSE' };
        delete b.reason;
        if (b.active) await this.#bind(b);
        else {
          await stores.feeds.put(b);
          if (isKafkaBinding(b)) await this.#d.kafka.reconcile();
          else await this.#d.alarms?.unschedule(b.namespace, b.trigger);
        }
        return { triggerName: `/${identity.namespace}/${trigger}`, status: b.active ? 'active' : 'paused' };
      }
      case 'DELETE': {
        if (!existing) throw new ApiError(404, `The trigger '/${identity.namespace}/${trigger}' has no feed.`);
        await stores.feeds.delete(identity.namespace, trigger);
        await this.#unbind(existing);
        return { triggerName: `/${identity.namespace}/${trigger}`, status: 'deleted' };
      }
    }
  }

  /** Checks the feed can run, stores it, and starts it (consumer or schedule). */
  async #bind(b: FeedBinding): Promise<void> {
    if (isKafkaBinding(b)) {
      const bus = this.#d.kafka.busOf(b.config);
      let exists: boolean;
      try {
        exists = await bus.hasTopic(b.config.topic);
      } catch (err) {
        throw new ApiError(400, `The Kafka brokers ${b.config.brokers.join(',') || "(photon's own)"} cannot be reached: ${(err as Error).message}`);
      }
      if (!exists) throw new ApiError(400, `The Kafka topic '${b.config.topic}' does not exist on ${b.config.brokers.length > 0 ? b.config.brokers.join(',') : "photon's Kafka"}; create it first.`);
      await this.#d.stores.feeds.put(b);
      await this.#d.kafka.reconcile();
      return;
    }
    const alarms = this.#d.alarms;
    if (!alarms) throw new ApiError(503, 'Alarms need the cluster\'s Redis (BullMQ); this photon runs without it.');
    await this.#d.stores.feeds.put(b);
    try {
      await alarms.schedule(b.namespace, b.trigger, b.config as AlarmFeedConfig);
    } catch (err) {
      await this.#d.stores.feeds.delete(b.namespace, b.trigger);
      if (err instanceof AlarmConfigError) throw new ApiError(400, err.message);
      throw err;
    }
  }

  /** Waits (bounded) until this controller knows an invoker; after the bound the tick fires anyway and records what happened. */
  async #untilSchedulable(): Promise<void> {
    const usable = this.#d.usableInvokers;
    if (!usable) return;
    const deadline = Date.now() + TICK_WAIT_FOR_INVOKERS_MS;
    while (usable() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  async #onTick(tick: AlarmTick): Promise<void> {
    const { stores, firer } = this.#d;
    const b = await stores.feeds.get(tick.namespace, tick.trigger);
    if (!b || b.config.kind !== 'alarm') {
      // A schedule whose feed is gone (deleted while this process was down): stop it.
      await this.#d.alarms?.unschedule(tick.namespace, tick.trigger);
      return;
    }
    if (!b.active) return;
    const config = b.config;
    const identity = await identityOfFeed(stores, b);
    await this.#untilSchedulable();
    // The tick's id names the fire: a tick handed out again (its controller died) fires once.
    const activationId = createHash('sha256').update(`${feedId(b)}|${tick.tickId}`).digest('hex').slice(0, 32);
    try {
      await firer.fire(identity, b.trigger, config.payload, { activationId, annotations: [{ key: 'tick', value: tick.tickId }] });
    } catch (caught) {
      // The feed's status says what OpenWhisk's provider would have seen: the fire's HTTP answer.
      const err = apiErrorOf(caught) ?? caught;
      if (err instanceof ApiError && err.status === 404) {
        await this.deleteFeedOf(b.namespace, b.trigger);
        return;
      }
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 409, 429].includes(err.status)) {
        await stores.feeds.put({ ...b, active: false, reason: `Automatically disabled: firing the trigger answered ${err.status}: ${err.message}` });
        await this.#d.alarms?.unschedule(b.namespace, b.trigger);
        return;
      }
      throw caught; // retried by the scheduler with the same tick id
    }
    if (config.feed !== 'once') return;
    if (config.deleteAfterFire === 'rules') {
      const rules = await stores.rules.list(b.namespace, { limit: 10_000, skip: 0 });
      for (const r of rules) if (r.trigger.namespace === b.namespace && r.trigger.name === b.trigger) await stores.rules.delete(r.namespace, r.name);
    }
    if (config.deleteAfterFire) {
      await stores.triggers.delete(b.namespace, b.trigger);
      await stores.feeds.delete(b.namespace, b.trigger);
    } else {
      await stores.feeds.put({ ...b, active: false, reason: 'Automatically disabled after firing once' });
    }
  }
}
