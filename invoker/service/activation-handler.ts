// One activation, from the message on the invoker's topic to the durable record and the
// completion: the step that makes delivery at-least-once with exactly-once records.
//
// Order matters: the record is written (put-if-absent) before the completion is published, and
// the bus commits the message only after both, so a crash at any point leaves either nothing
// (the message is redelivered and runs) or a record (the redelivery finds it, publishes the
// completion again and does not run the action twice). The store read that finds it is skipped
// for a message the bus marks firstDelivery (written after this consumer got its partition, first
// attempt): nobody can have run it, and that is every message of a steady invoker.
import { SpanKind, SpanStatusCode, TraceFlags, trace, type Context, type Span } from '@opentelemetry/api';
import type { Action } from '../../shared/model/action.js';
import { decodeActivationMessage, type ActivationMessage } from '../../shared/model/activation-message.js';
import { STATUS_CODES, type ActivationRecord, type ActivationResponse, type ActivationStatus } from '../../shared/model/activation-record.js';
import { COMPLETION_MESSAGE_VERSION, encodeCompletionMessage, type CompletionMessage } from '../../shared/model/completion-message.js';
import { recordJson, type RecordJson } from '../../shared/model/record-json.js';
import { setAside } from '../../shared/bus/set-aside.js';
import type { BusMessage, MessageBus } from '../../shared/bus/message-bus.js';
import type { Topics } from '../../shared/bus/topics.js';
import type { ActionStore } from '../../shared/store/action-store.js';
import type { ActivationStore } from '../../shared/store/activation-store.js';
import type { ThrottleStore } from '../../shared/store/throttle-store.js';
import { ATTR, PHASE } from '../../shared/tracing/attributes.js';
import { addPhase, inPhase } from '../../shared/tracing/in-phase.js';
import { startSpanIn, tracingOff } from '../../shared/tracing/in-span.js';
import { extractTraceContext, injectTraceHeaders } from '../../shared/tracing/trace-headers.js';
import { recordTimes } from '../pool/activation-outcome.js';
import type { ActionRunner, RunOutcome } from './action-runner.js';
import type { InvokerMetrics } from './invoker-metrics.js';

/** A completion larger than this carries only the id; the controller reads the record instead. */
const MAX_INLINE_RECORD_BYTES = 900 * 1024;

const MAX_CACHED_ACTIONS = 10_000;

export const ACTION_REMOVED = 'Action could not be found or may have been deleted.';

export interface ActivationHandlerOptions {
  invokerId: string;
  bus: MessageBus;
  topics: Topics;
  actions: ActionStore;
  activations: ActivationStore;
  /**
   * Where the controller holds the activation's concurrency slot: released here together with the
   * record write (one write to Redis instead of one more from the controller), and said so in the
   * completion (CompletionMessage.slotReleased). Without it the controller releases the slot.
   */
  throttles?: ThrottleStore;
  runner: ActionRunner;
  metrics?: InvokerMetrics;
  now?: () => number;
  /**
   * The URL functions reach the controller's API at (__OW_API_HOST), read per activation: it is
   * known only once the API is exposed to functions (RunningInvoker.exposeApi). Undefined: none.
   */
  apiHost?: () => string | undefined;
}

export interface HandlerCounters {
  ran: number;
  redelivered: number;
  malformed: number;
}

export class ActivationHandler {
  readonly counters: HandlerCounters = { ran: 0, redelivered: 0, malformed: 0 };
  /** Latest action seen per owner/name: a message whose revision matches skips the store read. */
  readonly #actions = new Map<string, Action>();
  readonly #now: () => number;

  constructor(private readonly options: ActivationHandlerOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** OpenWhisk gives every function __OW_API_HOST, and __OW_API_KEY only with `provide-api-key` (the controller decides: the message carries a key or not). */
  #env(msg: ActivationMessage): { env?: Record<string, string> } {
    const host = this.options.apiHost?.();
    if (!host && !msg.apiKey) return {};
    return { env: { ...(host ? { __OW_API_HOST: host } : {}), ...(msg.apiKey ? { __OW_API_KEY: msg.apiKey } : {}) } };
  }

  async handle(message: BusMessage): Promise<void> {
    const decoded = decodeActivationMessage(message.value);
    if (!decoded.ok) {
      // A message nobody can act on must not block the partition; nothing waits for it either,
      // since without an id there is no activation to answer.
      this.counters.malformed++;
      setAside(`invoker ${this.options.invokerId}`, message, decoded.reason);
      return;
    }
    const msg = decoded.value;
    const parent = extractTraceContext(message.headers);
    // Without an SDK (tracing off) the span is the parent's or a no-op one: its attributes would be
    // built for nothing, and its context is the parent's own.
    if (tracingOff()) {
      await this.#process(msg, startSpanIn(parent, 'invoker.activation'), parent, message.firstDelivery === true);
      return;
    }
    const consumedAt = Date.now();
    const enqueuedAt = message.timestamp !== undefined && Number.isFinite(message.timestamp) ? Math.min(message.timestamp, consumedAt) : undefined;
    // The invoker's one span of the activation; its phases are events on it (in-phase.ts). It
    // starts when the bus accepted the message, so the wait in the bus (`kafka.wait` on Kafka) is
    // its first phase.
    const span = startSpanIn(parent, 'invoker.activation', {
      kind: SpanKind.CONSUMER,
      ...(enqueuedAt !== undefined ? { startTime: enqueuedAt } : {}),
      attributes: {
        [ATTR.activationId]: msg.activationId,
        [ATTR.action]: `${msg.action.namespace}/${msg.action.name}`,
        [ATTR.namespace]: msg.namespace,
        [ATTR.invoker]: this.options.invokerId,
        [ATTR.messagingSystem]: this.options.bus.system,
        [ATTR.messagingOperation]: 'process',
      },
    });
    if (enqueuedAt !== undefined && span.isRecording()) addPhase(span, PHASE.busWait, enqueuedAt, consumedAt);
    try {
      await this.#process(msg, span, trace.setSpan(parent, span), message.firstDelivery === true);
    } finally {
      span.end();
    }
  }

  async #process(msg: ActivationMessage, span: Span, ctx: Context, firstDelivery: boolean): Promise<void> {
    // A message the bus knows nobody was handed before cannot have a record yet: no store read.
    const existing = firstDelivery ? undefined : await this.options.activations.get(msg.activationId);
    if (existing) {
      this.counters.redelivered++;
      span.setAttribute(ATTR.redelivered, true);
      await this.#complete(msg, existing, ctx);
      return;
    }
    const record = await this.#run(msg, span);
    // One stringify for both the store and the completion (the record is not changed in between),
    // with the places of the controller's answers in it (record-json.ts).
    // (A bus that hands messages over, the standalone's, sends no bytes: the text alone, for its store.)
    const json: RecordJson = this.options.bus.handsOver === true ? { text: JSON.stringify(record) } : recordJson(record);
    let slotReleased = false;
    const stored = await inPhase(ctx, PHASE.recordStore, async (note) => {
      // Both calls in one tick: a Redis store writes them to the socket together.
      const [first, released] = await Promise.all([
        this.options.activations.putIfAbsent(record, json.text),
        this.#releaseSlot(msg),
      ]);
      slotReleased = released;
      note('photon.record.first', first);
      return first ? record : ((await this.options.activations.get(msg.activationId)) ?? record);
    });
    if (stored === record) this.options.metrics?.recorded(record);
    span.setAttribute(ATTR.status, stored.response.status);
    if (stored.response.status !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(stored.response) });
    await this.#complete(msg, stored, ctx, slotReleased, stored === record ? json : undefined);
  }

  /** True once the slot is released (or was not held); false when the controller must do it. */
  async #releaseSlot(msg: ActivationMessage): Promise<boolean> {
    const { throttles } = this.options;
    if (!throttles) return false;
    try {
      await throttles.releaseConcurrent(msg.namespace, msg.activationId);
      return true;
    } catch (err) {
      console.error(`invoker ${this.options.invokerId}: releasing the slot of ${msg.activationId} failed; its controller will:`, err);
      return false;
    }
  }

  async #run(msg: ActivationMessage, span: Span): Promise<ActivationRecord> {
    const received = this.#now();
    let action: Action | undefined;
    try {
      action = await this.#action(msg);
    } catch (err) {
      return this.#record(span, msg, undefined, received, received, internalError(`could not read the action: ${String(err)}`));
    }
    if (!action) return this.#record(span, msg, undefined, received, this.#now(), response('application error', { error: ACTION_REMOVED }));

    let outcome: RunOutcome;
    try {
      outcome = await this.options.runner.run({
        action,
        params: msg.params,
        activationId: msg.activationId,
        namespace: msg.namespace,
        deadline: this.#now() + action.limits.timeout,
        ...this.#env(msg),
      });
    } catch (err) {
      return this.#record(span, msg, action, received, this.#now(), internalError(`the invoker could not run the action: ${String(err)}`));
    }
    if (outcome.refused) {
      return this.#record(span, msg, action, received, this.#now(), internalError(`the invoker could not run the action: ${String(outcome.response.result.error)}`));
    }
    this.counters.ran++;
    // Unsampled (or tracing off): nothing records the phases, so skip building them.
    if (span.isRecording()) {
      span.setAttribute(ATTR.isolateStart, outcome.startKind);
      if (outcome.isolateId !== null) span.setAttribute(ATTR.isolateId, outcome.isolateId);
      if (outcome.namespaceId !== null) span.setAttribute(ATTR.netnsId, outcome.namespaceId);
      traceRunPhases(span, received, outcome);
    }
    const times = recordTimes(outcome, msg.acceptedAt);
    const record = this.#record(span, msg, action, times.start, times.end, response(outcome.response.status, outcome.response.result), outcome.logs);
    // The pool's annotations describe the run (isolate, namespace, timeout); the invoker's own
    // (path, limits in OpenWhisk's units) win on a clash; waitTime and initTime are recordTimes'.
    const merged = new Map<string, unknown>();
    for (const a of outcome.annotations) merged.set(a.key, a.value);
    for (const a of record.annotations) merged.set(a.key, a.value);
    merged.set('waitTime', times.waitTime);
    if (times.initTime !== undefined) merged.set('initTime', times.initTime);
    record.annotations = [...merged].map(([key, value]) => ({ key, value }));
    return record;
  }

  async #action(msg: ActivationMessage): Promise<Action | undefined> {
    const key = `${msg.action.namespace}/${msg.action.name}`;
    const cached = this.#actions.get(key);
    if (cached && cached.revision === msg.revision) return cached;
    const action = await this.options.actions.get(msg.action.namespace, msg.action.name);
    this.#actions.delete(key);
    if (action) {
      // A bounded cache: the entry fetched longest ago goes first when it is full.
      if (this.#actions.size >= MAX_CACHED_ACTIONS) this.#actions.delete(this.#actions.keys().next().value!);
      this.#actions.set(key, action);
    }
    return action;
  }

  #record(span: Span, msg: ActivationMessage, action: Action | undefined, start: number, end: number, res: ActivationResponse, logs: string[] = []): ActivationRecord {
    // Only a sampled trace exists somewhere to be looked up.
    const { traceId, traceFlags } = span.spanContext();
    const annotations: ActivationRecord['annotations'] = [
      { key: 'path', value: `${msg.action.namespace}/${msg.action.name}` },
      { key: 'invoker', value: this.options.invokerId },
    ];
    // OpenWhisk's record of an action invoked through a package binding names the binding.
    if (msg.binding) annotations.push({ key: 'binding', value: msg.binding });
    // A component of a sequence or conductor action says so, as OpenWhisk's invoker writes it.
    if (msg.causedBy) annotations.push({ key: 'causedBy', value: msg.causedBy });
    if (action) annotations.push({ key: 'kind', value: action.exec.kind }, { key: 'limits', value: { ...action.limits, logs: Math.round(action.limits.logs / (1024 * 1024)) } });
    if ((traceFlags & TraceFlags.SAMPLED) !== 0 && trace.isSpanContextValid(span.spanContext())) annotations.push({ key: 'traceId', value: traceId });
    return {
      namespace: msg.namespace,
      name: msg.action.name,
      version: action?.version ?? msg.action.version,
      subject: msg.subject,
      activationId: msg.activationId,
      start,
      end,
      duration: Math.max(0, end - start),
      ...(msg.cause ? { cause: msg.cause } : {}),
      response: res,
      logs,
      annotations,
      publish: false,
    };
  }

  /** `json`, when given, is the record's JSON text (made once for the store too). */
  async #complete(msg: ActivationMessage, record: ActivationRecord, ctx: Context, slotReleased = false, json?: RecordJson): Promise<void> {
    const completion: CompletionMessage = {
      v: COMPLETION_MESSAGE_VERSION,
      activationId: msg.activationId,
      invoker: this.options.invokerId,
      systemError: record.response.status === 'whisk internal error',
      ...(slotReleased ? { slotReleased: true as const } : {}),
    };
    // A bus that hands the message object over (the standalone's) carries no bytes, so no record
    // is too large to go with the completion.
    const handOver = this.options.bus.handsOver === true;
    if (msg.blocking) {
      const inline = encodeCompletionMessage({ ...completion, record }, json, handOver);
      if (handOver || inline.length <= MAX_INLINE_RECORD_BYTES) {
        await this.#publish(msg, inline, ctx);
        return;
      }
    }
    await this.#publish(msg, encodeCompletionMessage(completion, undefined, handOver), ctx);
  }

  async #publish(msg: ActivationMessage, value: Buffer, ctx: Context): Promise<void> {
    const topic = this.options.topics.completed(msg.controller);
    // The completion carries the invoker span's context: the controller's side continues below it.
    await inPhase(ctx, PHASE.completionPublish, async (note) => {
      note(ATTR.messagingDestination, topic);
      await this.options.bus.publish(topic, [{ key: msg.activationId, value, headers: injectTraceHeaders(ctx) }]);
    });
  }
}

/** Most log lines put on the activation's span as events: enough to correlate, bounded for huge logs. */
const MAX_LOG_EVENTS = 100;

/**
 * The pool's phases on the invoker's span, from the times it reports: waiting for capacity,
 * getting an isolate (and, when it was not warm, creating it with its namespace and compiling the
 * code into it), and the function's run, then its log lines as events. Built after the fact so the
 * pool's hot path carries no tracing code; attributes, not child spans, for the cost
 * (shared/tracing/README.md).
 */
function traceRunPhases(span: Span, received: number, outcome: RunOutcome): void {
  const initStart = outcome.runStart - (outcome.initTime ?? 0);
  const acquireStart = initStart - (outcome.phases?.createMs ?? 0);
  addPhase(span, PHASE.dequeue, received, Math.max(received, acquireStart));
  addPhase(span, PHASE.acquire, acquireStart, outcome.runStart);
  if (outcome.phases !== undefined) {
    addPhase(span, PHASE.create, acquireStart, initStart);
    addPhase(span, PHASE.netns, acquireStart, acquireStart + outcome.phases.namespaceMs);
  }
  if (outcome.initTime !== undefined) addPhase(span, PHASE.compile, initStart, outcome.runStart);
  addPhase(span, PHASE.run, outcome.runStart, outcome.end);
  for (const line of outcome.logs.slice(0, MAX_LOG_EVENTS)) span.addEvent('log', { 'log.record': line });
}

function response(status: ActivationStatus, result: Record<string, unknown>): ActivationResponse {
  return { status, statusCode: STATUS_CODES[status], success: status === 'success', result };
}

function internalError(error: string): ActivationResponse {
  return response('whisk internal error', { error });
}

function errorText(res: ActivationResponse): string {
  const e = res.result.error;
  return typeof e === 'string' ? e : JSON.stringify(e ?? res.status);
}

