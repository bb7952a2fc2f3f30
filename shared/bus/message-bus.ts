// The message bus between controllers and invokers. Adapters: Kafka (cluster) and in-process
// (standalone, unit tests). Both satisfy one conformance suite in test/int.
//
// Contract:
// - publish() resolves once the bus has durably accepted the message (Kafka: acked by the broker).
// - subscribe() delivers each message of `topic` to one subscriber of `group`. Messages are
//   *started* in order per partition (Kafka; per topic in-process), but up to `maxInFlight`
//   handlers run concurrently, so handling is NOT in order per key: a later message may finish,
//   and make its side effects, before an earlier one. A subscriber that needs order per key uses
//   maxInFlight 1 (or orders by itself, as the Kafka feed manager does with its batches).
//   `handle` resolving is the acknowledgement: the adapter commits a message only after it and
//   every earlier message of its partition resolved, so a subscriber that dies before
//   acknowledging gets the message again (at-least-once).
// - At most `maxInFlight` messages are handed to `handle` at once, across all of the
//   subscription's partitions: the back-pressure the invoker needs to never take more work than
//   it has capacity for. A freed slot goes to a waiting message at once.
// - headers carry W3C trace context (traceparent, tracestate) unchanged.

export interface BusMessage {
  topic: string;
  key?: string;
  value: Buffer;
  headers: Record<string, string>;
  /** Adapter-specific position, for logs and redelivery checks. */
  offset?: string;
  partition?: number;
  /** epoch ms the bus accepted the message: the start of its wait, for tracing. */
  timestamp?: number;
  /**
   * True only when the bus knows that no consumer can have been handed this message before: it
   * was written after this consumer was given its partition, and this is the first attempt at it.
   * A handler may then skip its redelivery check. Absent: it may be a redelivery.
   */
  firstDelivery?: true;
}

export interface SubscribeOptions {
  topic: string;
  group: string;
  maxInFlight: number;
  /** Start from the oldest retained message when the group has no committed position. */
  fromBeginning?: boolean;
  handle(message: BusMessage): Promise<void>;
  /**
   * For broadcast subscriptions that need no position of their own (heartbeats): when the
   * consumer fails (a broker restart), it goes on under a fresh group (`group`.N) at the newest
   * messages instead of rejoining its group, which Kafka holds for the old member's session.
   */
  freshGroupOnFailure?: boolean;
}

export interface Subscription {
  /** Stops taking new messages, waits for in-flight handlers, commits, and leaves the group. */
  close(): Promise<void>;
}

export interface MessageBus {
  /** What the bus is, for spans and metrics (OpenTelemetry's messaging.system): 'kafka', 'in-process'. Code above the bus names nothing else. */
  readonly system: string;
  /**
   * True when every consumer gets the very Buffer its publisher made and nothing reads the bytes
   * (the standalone's in-process bus): a message of this process's encoders then needs none, its
   * object goes with it (handOnly, shared/model/message-codec.ts). Absent on a real bus.
   */
  readonly handsOver?: boolean;
  /** Creates missing topics; `retentionMs` bounds how long their messages are kept (Kafka). */
  ensureTopics(topics: string[], options?: { retentionMs?: number }): Promise<void>;
  /** Whether `topic` exists, without creating it (a broker's auto-create must not be triggered). */
  hasTopic(topic: string): Promise<boolean>;
  publish(topic: string, messages: Array<{ key?: string; value: Buffer; headers?: Record<string, string> }>): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Messages of `topic` that `group` has not acknowledged yet (Kafka: consumer lag), for metrics. */
  lag(topic: string, group: string): Promise<number>;
  close(): Promise<void>;
}
