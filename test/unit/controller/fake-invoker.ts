// A test-only invoker above the MessageBus interface: it heartbeats, consumes its topic, "runs" an
// activation by a rule on its params instead of executing code, writes the record, then publishes
// the completion — the order the real invoker keeps. Enough to drive the controller end to end.
//
// Params it understands: fail (application error), crash (developer error), sleepMs (delay),
// drop (never completes: a lost activation), anything else is echoed back as the result.
import type { MessageBus, Subscription } from '../../../shared/bus/message-bus.js';
import type { Topics } from '../../../shared/bus/topics.js';
import type { ActivationMessage } from '../../../shared/model/activation-message.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { COMPLETION_MESSAGE_VERSION, encodeCompletionMessage, type CompletionMessage } from '../../../shared/model/completion-message.js';
import { HEARTBEAT_VERSION, encodeHeartbeat, type InvokerHeartbeat } from '../../../shared/model/invoker-health.js';
import { decodeActivationMessage } from '../../../shared/model/activation-message.js';
import { recordJson } from '../../../shared/model/record-json.js';
import { warmKey } from '../../../shared/store/warm-registry.js';
import type { Stores } from '../../../shared/store/stores.js';

export interface FakeInvokerOptions {
  id: string;
  bus: MessageBus;
  stores: Stores;
  topics: Topics;
  userMemory?: number;
  heartbeatMs?: number;
}

export class FakeInvoker {
  readonly id: string;
  readonly received: Array<{ message: ActivationMessage; headers: Record<string, string> }> = [];
  accepting = true;
  /**
   * Completions as the real invoker sends them over Kafka: framed, the record as its JSON bytes
   * (completion-message.ts), copied so that the controller cannot take the encoder's object.
   */
  framed = false;
  readonly #o: Required<FakeInvokerOptions>;
  #sub: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: FakeInvokerOptions) {
    this.#o = { userMemory: 1024, heartbeatMs: 100, ...options };
    this.id = options.id;
  }

  async start(): Promise<void> {
    const topic = this.#o.topics.invoker(this.id);
    await this.#o.bus.ensureTopics([topic, this.#o.topics.health]);
    this.#sub = await this.#o.bus.subscribe({ topic, group: topic, maxInFlight: 64, fromBeginning: true, handle: async (m) => {
      const decoded = decodeActivationMessage(m.value);
      if (!decoded.ok) throw new Error(decoded.reason);
      const message = decoded.value;
      this.received.push({ message, headers: m.headers });
      // Runs detached so a slow activation does not hold up the ones behind it.
      void this.#run(message);
    } });
    await this.heartbeat();
    this.#timer = setInterval(() => void this.heartbeat(), this.#o.heartbeatMs);
  }

  async heartbeat(): Promise<void> {
    const hb: InvokerHeartbeat = { v: HEARTBEAT_VERSION, invoker: this.id, userMemory: this.#o.userMemory, busyMemory: 0, freeNamespaces: 40, at: Date.now(), accepting: this.accepting };
    await this.#o.bus.publish(this.#o.topics.health, [{ key: this.id, value: encodeHeartbeat(hb) }]).catch(() => undefined);
  }

  /** Stops heartbeats and consumption, as a killed invoker would. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#sub?.close();
  }

  async #run(m: ActivationMessage): Promise<void> {
    const p = m.params;
    if (p.drop) return;
    const start = Date.now();
    if (typeof p.sleepMs === 'number') await new Promise((r) => setTimeout(r, p.sleepMs as number));
    const action = await this.#o.stores.actions.get(m.action.namespace, m.action.name);
    const response: ActivationRecord['response'] = p.fail
      ? { status: 'application error', statusCode: 1, success: false, result: { error: String(p.fail) } }
      : p.crash
        ? { status: 'action developer error', statusCode: 2, success: false, result: { error: 'The action did not return a dictionary.' } }
        : { status: 'success', statusCode: 0, success: true, result: { ...p } };
    const end = Date.now();
    const record: ActivationRecord = {
      namespace: m.namespace, name: m.action.name, version: m.action.version, subject: m.subject, activationId: m.activationId,
      start, end, duration: end - start, response, logs: [`${new Date(start).toISOString()} stdout: ran ${m.action.name}`],
      annotations: [{ key: 'path', value: `${m.action.namespace}/${m.action.name}` }, { key: 'kind', value: action?.exec.kind ?? 'nodejs:20' }, { key: 'waitTime', value: start - m.acceptedAt }, ...(m.binding ? [{ key: 'binding', value: m.binding }] : []), ...(m.causedBy ? [{ key: 'causedBy', value: m.causedBy }] : [])],
      publish: false,
      // Like the real invoker: a rule's activation names the trigger activation that caused it.
      ...(m.cause ? { cause: m.cause } : {}),
    };
    const first = await this.#o.stores.activations.putIfAbsent(record);
    await this.#o.stores.warm.set(this.id, warmKey(m.namespace, m.action.namespace, m.action.name), { revision: m.revision, warm: 1, idle: 1, busy: 0 }, 5_000);
    const completion: CompletionMessage = {
      v: COMPLETION_MESSAGE_VERSION, activationId: m.activationId, invoker: this.id, systemError: false,
      ...(m.blocking && first ? { record } : {}),
    };
    const value = this.framed ? Buffer.from(encodeCompletionMessage(completion, recordJson(record))) : encodeCompletionMessage(completion);
    await this.#o.bus.publish(this.#o.topics.completed(m.controller), [{ key: m.activationId, value }]);
  }
}
