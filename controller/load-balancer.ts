// The controller's half of the activation pipeline over the MessageBus: reads invoker heartbeats,
// places and publishes ActivationMessages, matches completions to waiting HTTP calls, frees the
// capacity it accounted, and sweeps activations whose completion never arrives.
import { randomBytes } from 'node:crypto';
import { SpanKind, type Context, type Span } from '@opentelemetry/api';
import type { BusMessage, MessageBus, Subscription } from '../shared/bus/message-bus.js';
import { TOPIC_RETENTION_MS, topics as defaultTopics, type Topics } from '../shared/bus/topics.js';
import type { Action } from '../shared/model/action.js';
import { ACTIVATION_MESSAGE_VERSION, encodeActivationMessage, type ActivationMessage } from '../shared/model/activation-message.js';
import type { ActivationRecord } from '../shared/model/activation-record.js';
import { decodeCompletionMessage, type CompletionMessage } from '../shared/model/completion-message.js';
import { decodeHeartbeat } from '../shared/model/invoker-health.js';
import { setAside } from '../shared/bus/set-aside.js';
import type { ActivationStore } from '../shared/store/activation-store.js';
import type { Identity } from '../shared/store/auth-store.js';
import { actionKey, warmKey, type WarmCounts, type WarmRegistry } from '../shared/store/warm-registry.js';
import { ATTR, PHASE } from '../shared/tracing/attributes.js';
import { addPhase, inPhase, inSyncPhase, recordingSpan } from '../shared/tracing/in-phase.js';
import { inSpan, tracingOff } from '../shared/tracing/in-span.js';
import { ROOT } from '../shared/tracing/root-context.js';
import { extractTraceContext, injectTraceHeaders } from '../shared/tracing/trace-headers.js';
import { InvokerPool, type InvokerStatus, type Reservation } from './invoker-pool.js';
import { NoInvokersError } from './activation/activation-errors.js';
import { FinishedRecord } from './activation/finished-record.js';
import { lostActivationRecord } from './lost-activation.js';
import { place, type PlacementReason } from './placement.js';

export interface LoadBalancerOptions {
  bus: MessageBus;
  activations: ActivationStore;
  warm: WarmRegistry;
  controllerId: string;
  topics?: Topics;
  heartbeatStaleMs: number;
  invokerForgetMs: number;
  controllerShare: number;
  completionGraceMs: number;
  sweepIntervalMs: number;
  /** See InvokerPoolOptions.probationMs. */
  invokerProbationMs?: number;
}

export interface ScheduleRequest {
  activationId: string;
  action: Action;
  caller: Identity;
  params: Record<string, unknown>;
  blocking: boolean;
  acceptedAt: number;
  cause?: string;
  /** 'sequence' for a step of a composition (the record's causedBy). */
  causedBy?: string;
  /** The package binding the action was invoked through (`ns/binding`), for the record. */
  binding?: string;
  /** The trace this activation continues (the HTTP request's or the trigger fire's span). */
  trace?: Context;
  /** The activation-scoped key the function gets as __OW_API_KEY (provide-api-key actions only). */
  apiKey?: string;
  /** The warm registry's entry for the caller and action (warmKey), if the caller already read it (saves a round trip). */
  warm?: Record<string, WarmCounts>;
  /** Runs once when the activation finishes, completed or swept: releases throttles. */
  onFinished?: (slotReleased: boolean) => void;
}

export interface Scheduled {
  invoker: string;
  placement: PlacementReason;
  /** Resolves when the activation finishes, with its record for blocking calls; never rejects. */
  finished: Promise<FinishedRecord | undefined>;
}

export { NoInvokersError };

interface InFlight {
  message: ActivationMessage;
  action: Action;
  reservation: Reservation;
  sweepAt: number;
  sweeping: boolean;
  onFinished?: (slotReleased: boolean) => void;
  /** The recording span the activation was published under, and when the publish ended: the completion is its last phase while it is open. */
  traced?: { span: Span; publishedAt: number };
  resolve(record: FinishedRecord | undefined): void;
}

export class LoadBalancer {
  readonly #o: LoadBalancerOptions;
  readonly #topics: Topics;
  readonly #pool: InvokerPool;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #subscriptions: Subscription[] = [];
  #sweeper: NodeJS.Timeout | undefined;
  /** Activations recorded as lost by the sweeper, for operators and tests. */
  lostCount = 0;
  /** Heartbeats and completions that could not be decoded and were set aside (also metric photon.messages.set_aside). */
  setAsideCount = 0;

  constructor(options: LoadBalancerOptions) {
    this.#o = options;
    this.#topics = options.topics ?? defaultTopics('');
    this.#pool = new InvokerPool({ staleMs: options.heartbeatStaleMs, forgetMs: options.invokerForgetMs, controllerShare: options.controllerShare,
      ...(options.invokerProbationMs !== undefined ? { probationMs: options.invokerProbationMs } : {}),
    });
  }

  async start(): Promise<void> {
    const completed = this.#topics.completed(this.#o.controllerId);
    await this.#o.bus.ensureTopics([completed, this.#topics.health], { retentionMs: TOPIC_RETENTION_MS.completed });
    // A fresh group per start: every controller sees every heartbeat, and a restarted controller
    // starts at the newest ones instead of replaying heartbeats of invokers that have since died.
    this.#subscriptions.push(await this.#o.bus.subscribe({
      topic: this.#topics.health,
      group: `${this.#o.controllerId}.health.${randomBytes(4).toString('hex')}`,
      maxInFlight: 64,
      freshGroupOnFailure: true,
      handle: async (m) => this.#onHeartbeat(m),
    }));
    this.#subscriptions.push(await this.#o.bus.subscribe({
      topic: completed,
      group: `${this.#o.controllerId}.completed`,
      maxInFlight: 128,
      // The group is this controller's for good: on its very first start, reading from the oldest
      // retained message means no completion published while the group was joining is missed.
      fromBeginning: true,
      handle: async (m) => this.#onCompletion(m),
    }));
    this.#sweeper = setInterval(() => this.#sweep(), this.#o.sweepIntervalMs);
    this.#sweeper.unref();
  }

  async schedule(req: ScheduleRequest): Promise<Scheduled> {
    const { action } = req;
    const key = actionKey(action.namespace, action.name);
    const warm = req.warm ?? (await this.#o.warm.forAction(warmKey(req.caller.namespace, action.namespace, action.name)).catch(() => ({})));
    const parent = req.trace ?? ROOT;
    const placement = inSyncPhase(parent, PHASE.placement, (note) => {
      const p = place(this.#pool.candidates(key, action.revision, warm), {
        namespace: req.caller.namespace, fqn: key, memoryMb: action.limits.memory, concurrency: action.limits.concurrency,
      });
      if (!p) throw new NoInvokersError();
      note(ATTR.invoker, p.invoker);
      note('photon.placement.reason', p.reason);
      return p;
    });

    // No span of its own: the invoker's span hangs below the caller's (the HTTP request's, a
    // trigger fire's), and the publish is a phase of it whose attributes name the activation —
    // which controller published which id is what a trace of a controller crash needs (a fire
    // that publishes several keeps the last; each invoker span has its own).
    const topic = this.#topics.invoker(placement.invoker);
    const traced = recordingSpan(parent);
    const headers = injectTraceHeaders(parent);
    const message: ActivationMessage = {
      v: ACTIVATION_MESSAGE_VERSION,
      activationId: req.activationId,
      action: { namespace: action.namespace, name: action.name, version: action.version },
      revision: action.revision,
      namespace: req.caller.namespace,
      subject: req.caller.subject,
      params: req.params,
      blocking: req.blocking,
      controller: this.#o.controllerId,
      acceptedAt: req.acceptedAt,
      ...(req.cause ? { cause: req.cause } : {}),
      ...(req.causedBy ? { causedBy: req.causedBy } : {}),
      ...(req.binding ? { binding: req.binding } : {}),
      ...(req.apiKey ? { apiKey: req.apiKey } : {}),
      ...(Object.keys(headers).length > 0 ? { traceContext: headers } : {}),
    };
    const reservation = this.#pool.reserve(placement.invoker, key, action.limits.memory, action.limits.concurrency);
    let resolve!: (r: FinishedRecord | undefined) => void;
    const finished = new Promise<FinishedRecord | undefined>((r) => { resolve = r; });
    this.#inFlight.set(req.activationId, {
      message, action, reservation, sweeping: false, resolve,
      sweepAt: req.acceptedAt + action.limits.timeout + this.#o.completionGraceMs,
      ...(req.onFinished ? { onFinished: req.onFinished } : {}),
    });
    try {
      await inPhase(parent, PHASE.publish, (note) => {
        if (traced) {
          note(ATTR.activationId, req.activationId);
          note(ATTR.action, key);
          note(ATTR.namespace, req.caller.namespace);
          note(ATTR.invoker, placement.invoker);
          note(ATTR.controller, this.#o.controllerId);
          note(ATTR.blocking, req.blocking);
          note(ATTR.messagingDestination, topic);
        }
        return this.#o.bus.publish(topic, [{ key: req.activationId, value: encodeActivationMessage(message, this.#o.bus.handsOver === true), headers }]);
      });
    } catch (err) {
      this.#inFlight.delete(req.activationId);
      this.#pool.release(reservation);
      throw err;
    }
    if (traced) {
      const entry = this.#inFlight.get(req.activationId);
      if (entry) entry.traced = { span: traced, publishedAt: performance.now() };
    }
    return { invoker: placement.invoker, placement: placement.reason, finished };
  }

  inFlightCount(): number {
    return this.#inFlight.size;
  }

  invokers(): InvokerStatus[] {
    return this.#pool.status();
  }

  usableInvokers(): number {
    return this.#pool.usableCount();
  }

  async close(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    await Promise.all(this.#subscriptions.splice(0).map((s) => s.close()));
    // Waiting HTTP calls answer 202; the activations themselves go on and are recorded by invokers.
    for (const e of this.#inFlight.values()) e.resolve(undefined);
    this.#inFlight.clear();
  }

  #onHeartbeat(m: BusMessage): void {
    const hb = decodeHeartbeat(m.value);
    if (!hb.ok) {
      this.setAsideCount++;
      return setAside(`controller ${this.#o.controllerId}`, m, hb.reason);
    }
    this.#pool.onHeartbeat(hb.value);
  }

  async #onCompletion(m: BusMessage): Promise<void> {
    const decoded = decodeCompletionMessage(m.value);
    if (!decoded.ok) {
      // Its activation, if any, is swept like a lost one: the record in the store still answers.
      this.setAsideCount++;
      return setAside(`controller ${this.#o.controllerId}`, m, decoded.reason);
    }
    const msg = decoded.value;
    const entry = this.#inFlight.get(msg.activationId);
    // Unknown ids are completions this controller already swept, or ones addressed to a previous
    // incarnation of it: their records are in the store, nobody here waits for them.
    if (!entry) return;
    // While the span the activation was published under is open (a blocking request waiting for
    // it), the completion is its last phase; once it has ended (a non-blocking one, a 202 after the
    // wait) the completion is a span of its own below the invoker's, whose context it carries.
    if (entry.traced?.span.isRecording()) {
      addPhase(entry.traced.span, PHASE.completion, entry.traced.publishedAt, performance.now());
      return this.#complete(msg, entry);
    }
    // Without an SDK the span would be the parent's or a no-op one, and nobody records a failure on it.
    if (tracingOff()) return this.#complete(msg, entry);
    await inSpan(extractTraceContext(m.headers), 'controller.completion', {
      [ATTR.activationId]: msg.activationId, [ATTR.messagingSystem]: this.#o.bus.system, [ATTR.messagingOperation]: 'process',
    }, () => this.#complete(msg, entry), SpanKind.CONSUMER);
  }

  /** A completion of an activation in flight: frees what it held and answers whoever waits. */
  async #complete(msg: CompletionMessage, entry: InFlight): Promise<void> {
    this.#finish(msg.activationId, entry, msg.slotReleased === true);
    this.#pool.recordOutcome(entry.reservation.invoker, msg.systemError ? 'systemError' : 'success');
    if (!entry.message.blocking) return entry.resolve(undefined);
    // A framed completion's record stays bytes (its answers are slices of them: finished-record.ts).
    if (msg.recordBytes) return entry.resolve(FinishedRecord.fromBytes(msg.recordBytes, msg.activationId));
    const record = msg.record ?? (await this.#readRecord(msg.activationId));
    entry.resolve(record ? FinishedRecord.of(record) : undefined);
  }

  /** The invoker stores the record before it publishes the completion; retries cover replica lag. */
  async #readRecord(id: string): Promise<ActivationRecord | undefined> {
    for (const delay of [0, 50, 250, 1000]) {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const r = await this.#o.activations.get(id).catch(() => undefined);
      if (r) return r;
    }
    return undefined;
  }

  #finish(id: string, entry: InFlight, slotReleased = false): void {
    this.#inFlight.delete(id);
    this.#pool.release(entry.reservation);
    try {
      entry.onFinished?.(slotReleased);
    } catch (err) {
      console.error('controller: onFinished failed', err);
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.#inFlight) {
      if (entry.sweeping || now < entry.sweepAt) continue;
      entry.sweeping = true;
      void this.#recordLost(id, entry);
    }
  }

  async #recordLost(id: string, entry: InFlight): Promise<void> {
    try {
      let record = await this.#o.activations.get(id);
      if (!record) {
        const lost = lostActivationRecord(entry.message, entry.action, entry.reservation.invoker, Date.now() - entry.message.acceptedAt);
        // put-if-absent: if the invoker's record lands first, it wins and is what the caller sees.
        if (await this.#o.activations.putIfAbsent(lost)) {
          this.lostCount++;
          this.#pool.recordOutcome(entry.reservation.invoker, 'timeout');
          console.error(`controller: activation ${id} on ${entry.reservation.invoker} was lost; recorded a whisk internal error`);
          record = lost;
        } else {
          record = await this.#o.activations.get(id);
        }
      }
      if (this.#inFlight.get(id) !== entry) return; // completed meanwhile
      this.#finish(id, entry);
      entry.resolve(entry.message.blocking && record ? FinishedRecord.of(record) : undefined);
    } catch (err) {
      // The store is unreachable: try again on a later sweep rather than drop the activation.
      console.error(`controller: sweeping activation ${id} failed, will retry:`, err);
      entry.sweeping = false;
    }
  }
}
