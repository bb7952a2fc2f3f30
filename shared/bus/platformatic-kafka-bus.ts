// MessageBus over Apache Kafka with @platformatic/kafka (issue #18: kafkajs has had no release
// since February 2023). The only file that imports @platformatic/kafka. Selected instead of
// kafka-bus.ts by the entry points (PHOTON_KAFKA_CLIENT=platformatic, shared/config/service-env.ts).
//
// Same contract and semantics as kafka-bus.ts: at-least-once (an offset is committed only once its
// message and every earlier one of the partition finished, PartitionProgress), up to maxInFlight
// handlers across the subscription's partitions, commits batched every COMMIT_EVERY_MS, publishes
// of one event-loop turn sent as one produce request, a handler that throws retried in place.
//
// Kafka requests per activation (issue #18, goal ≤ 4 at c=1, where the floor is a produce and a
// fetch each way): a feed commits at most once per COMMIT_EVERY_MS (1 s) and before a rebalance
// or a close, and a fetch waits up to FETCH_WAIT_MS (5 s) for a message, so an idle feed (the
// controllers' heartbeat feed between two beats) asks once per message instead of every 250 ms;
// metadata is refreshed every minute instead of every 5 s by each client.
// A fetch has its own connection (the library gives each stream a pool of its own), so the long
// wait holds up no group heartbeat or commit, and closing the stream does not wait for it.
import { subscribe as subscribeChannel } from 'node:diagnostics_channel';
import { metrics, type Counter } from '@opentelemetry/api';
import { Admin, Consumer, Producer, type Message, type MessagesStream, type MessageToProduce } from '@platformatic/kafka';
import type { BusMessage, MessageBus, SubscribeOptions, Subscription } from './message-bus.js';
import { CapacityGate } from './capacity-gate.js';
import { PartitionProgress } from './partition-progress.js';
import { redeliverInPlace } from './redeliver-in-place.js';
import { TurnBatcher } from './turn-batcher.js';
import type { KafkaBusOptions } from './kafka-bus.js';

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const ENSURE_TOPICS_MS = 15_000;
/** Between two attempts of any request (the library's own retries) and between two restarts of a failed feed. */
const RETRY_MS = 1_000;
/** A broker restart must not end a feed: the library retries this many times (RETRY_MS apart) before the stream fails. */
const CONSUMER_RETRIES = 60;

/** What only this adapter takes: a test shortens the library's retries to reach the feed's own restart. */
export interface PlatformaticKafkaBusOptions extends KafkaBusOptions {
  consumerRetries?: number;
}
/**
 * How long a finished message may wait for its offset commit (one commit carries every finished
 * message of the feed). A crash redelivers what finished in the last COMMIT_EVERY_MS (plus the
 * commit's round trip) and what was in flight or fetched: at most COMMIT_EVERY_MS × the feed's rate
 * + maxInFlight + one fetch. At-least-once either way; the invoker's record check (one Redis read,
 * BusMessage.firstDelivery is never set on them) keeps a redelivered activation from running twice.
 */
const COMMIT_EVERY_MS = 1_000;
/** The longest a fetch waits for a message (the library's default); a message ends the wait at once. */
const FETCH_WAIT_MS = 5_000;
/**
 * How long a client trusts its cluster metadata (library default 5 s: each of a process's clients
 * asked every 5 s). The library drops it at once on any error that says it is stale (a moved
 * leader, an unknown partition) and asks for a topic it does not know, so the age only bounds
 * how late a change nobody tripped over is seen.
 */
const METADATA_MAX_AGE_MS = 60_000;
/**
 * Group heartbeats. Kafka's default 3 s would save 2 requests a second per process, but a member
 * also learns through its heartbeat that the broker came back and it must rejoin: a broker-restart
 * drill with 3 s (and the heartbeat feed not committing, below) saw the invoker again 2.5 s after
 * the broker was back, one with 1 s 1.6 s, main's earlier runs 0.006–0.6 s (but main 1.12 s and
 * this file 1.26 s in one later session at load 10: likely noise); unproven, so it stays 1 s.
 */
const HEARTBEAT_MS = 1_000;
/** Kafka's ListOffsets timestamps for "the next offset to be written" and "the oldest retained". */
const LATEST = -1n;
const EARLIEST = -2n;

/**
 * Every request this process sends to a broker, by API (the same counter as kafka-bus.ts). The
 * library publishes each request on a diagnostics channel; the client's role is not on it, so
 * role is 'any'. Subscribed once per process, on the first bus.
 */
let counting = false;
function countRequests(): void {
  if (counting) return;
  counting = true;
  let counter: Counter | undefined;
  subscribeChannel('tracing:plt:kafka:connections:api:start', (message) => {
    counter ??= metrics.getMeter('photon').createCounter('photon.kafka.requests', { description: 'Requests sent to Kafka brokers, by API and client role' });
    const apiKey = (message as { apiKey?: unknown }).apiKey;
    counter.add(1, { api: API_NAMES[Number(apiKey)] ?? String(apiKey), role: 'any' });
  });
}
// The names kafkajs reports, so that both adapters count under the same attributes.
const API_NAMES: Record<number, string> = {
  0: 'Produce', 1: 'Fetch', 2: 'ListOffsets', 3: 'Metadata', 8: 'OffsetCommit', 9: 'OffsetFetch', 10: 'GroupCoordinator',
  11: 'JoinGroup', 12: 'Heartbeat', 13: 'LeaveGroup', 14: 'SyncGroup', 15: 'DescribeGroups', 16: 'ListGroups', 18: 'ApiVersions',
  19: 'CreateTopics', 20: 'DeleteTopics', 22: 'InitProducerId', 42: 'DeleteGroups',
};

export class PlatformaticKafkaBus implements MessageBus {
  readonly system = 'kafka';
  readonly #options: Required<PlatformaticKafkaBusOptions>;
  #producer: Producer | undefined;
  #admin: Admin | undefined;
  readonly #subscriptions = new Set<Subscription>();
  /** Publishes of one event-loop turn, sent as one produce request. */
  readonly #batcher = new TurnBatcher<MessageToProduce>(async (batches) => {
    this.#producer ??= new Producer({
      clientId: this.#options.clientId, bootstrapBrokers: this.#options.brokers, acks: -1, autocreateTopics: true,
      retries: 10, retryDelay: RETRY_MS, metadataMaxAge: METADATA_MAX_AGE_MS,
    });
    await this.#producer.send({ messages: batches.flatMap((b) => b.messages) });
  });

  constructor(options: PlatformaticKafkaBusOptions) {
    this.#options = { partitions: 1, retryDelayMs: 200, consumerRetries: CONSUMER_RETRIES, ...options };
    countRequests();
  }

  async ensureTopics(topics: string[], options: { retentionMs?: number } = {}): Promise<void> {
    // As in kafka-bus.ts: a KRaft broker can answer for a new topic before its metadata has it.
    const deadline = Date.now() + ENSURE_TOPICS_MS;
    for (;;) {
      try {
        return await this.#createMissingTopics(topics, options);
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async #createMissingTopics(topics: string[], options: { retentionMs?: number }): Promise<void> {
    const admin = this.#adminClient();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      topics: missing,
      partitions: this.#options.partitions,
      replicas: 1,
      configs: [
        { name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) },
        ...(options.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(options.retentionMs) }] : []),
      ],
    });
    // createTopics does not wait for leaders: the produce that follows must find one.
    await admin.metadata({ topics: missing, forceUpdate: true, retries: 20 });
  }

  async hasTopic(topic: string): Promise<boolean> {
    return (await this.#adminClient().listTopics()).includes(topic);
  }

  async lag(topic: string, group: string): Promise<number> {
    const admin = this.#adminClient();
    const meta = await admin.metadata({ topics: [topic] });
    const partitions = [...Array(meta.topics.get(topic)?.partitionsCount ?? 0).keys()];
    const ask = (timestamp: bigint): Promise<Array<{ partitions: Array<{ partitionIndex: number; offset: bigint }> }>> =>
      admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
    const [high, low, committed] = await Promise.all([
      ask(LATEST), ask(EARLIEST),
      admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: partitions }] }] }),
    ]);
    const lows = new Map((low[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
    const done = new Map((committed[0]?.topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
    let lag = 0;
    for (const p of high[0]?.partitions ?? []) {
      const c = done.get(p.partitionIndex) ?? -1n;
      lag += Number(p.offset - (c < 0n ? (lows.get(p.partitionIndex) ?? 0n) : c));
    }
    return lag;
  }

  #adminClient(): Admin {
    this.#admin ??= new Admin({ clientId: this.#options.clientId, bootstrapBrokers: this.#options.brokers, retries: 8, retryDelay: 200, metadataMaxAge: METADATA_MAX_AGE_MS });
    return this.#admin;
  }

  /** Publishes of one turn of the event loop go to the broker as one produce request (TurnBatcher). */
  publish(topic: string, messages: Array<{ key?: string; value: Buffer; headers?: Record<string, string> }>): Promise<void> {
    return this.#batcher.add(topic, messages.map((m) => {
      const headers = new Map<Buffer, Buffer>();
      for (const [k, v] of Object.entries(m.headers ?? {})) headers.set(Buffer.from(k), Buffer.from(v));
      return { topic, key: m.key === undefined ? undefined : Buffer.from(m.key), value: m.value, headers };
    }));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const feed = new PlatformaticFeed(this.#options, options);
    await feed.start();
    const subscription: Subscription = {
      close: async () => {
        this.#subscriptions.delete(subscription);
        await feed.close();
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    if (this.#batcher.hasPending) await this.#batcher.flush();
    await this.#producer?.close().catch(() => undefined);
    await this.#admin?.close().catch(() => undefined);
  }
}

/** One subscription: a consumer whose handlers run concurrently and commit in order. */
class PlatformaticFeed {
  readonly #progress = new Map<string, { progress: PartitionProgress; leaderEpoch: number }>();
  readonly #slots: CapacityGate;
  readonly #handlers = new Set<Promise<void>>();
  #closing = false;
  #commitScheduled = false;
  #consumer: Consumer;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  #pump: Promise<void> = Promise.resolve();
  #generation = 0;
  /**
   * Per partition, the end of the log when this consumer last joined its group: a message at or
   * past it was written after the join, so no earlier owner can have been handed it
   * (BusMessage.firstDelivery). Undefined until the broker has answered (every message is then a
   * possible redelivery).
   */
  #freshFrom: bigint[] | undefined;
  #joins = 0;

  constructor(private readonly bus: Required<PlatformaticKafkaBusOptions>, private readonly options: SubscribeOptions) {
    this.#slots = new CapacityGate(options.maxInFlight);
    this.#consumer = this.#newConsumer(options.group);
  }

  #newConsumer(groupId: string): Consumer {
    const consumer = new Consumer({
      clientId: this.bus.clientId, bootstrapBrokers: this.bus.brokers, groupId,
      sessionTimeout: 10_000, heartbeatInterval: HEARTBEAT_MS, rebalanceTimeout: 20_000, maxWaitTime: FETCH_WAIT_MS,
      autocommit: false, retries: this.bus.consumerRetries, retryDelay: RETRY_MS, metadataMaxAge: METADATA_MAX_AGE_MS,
    });
    // A rebalance may hand our partitions to another member: commit what is finished now, while
    // this generation may still commit (the broker takes commits while it prepares a rebalance),
    // instead of leaving up to COMMIT_EVERY_MS of finished messages to be redelivered.
    consumer.on('consumer:group:rebalance', () => {
      if (consumer === this.#consumer && !this.#closing) void this.#commit();
    });
    // After a join, the new assignment starts from the committed offsets: forget what we tracked,
    // anything unfinished is redelivered.
    consumer.on('consumer:group:join', () => {
      this.#progress.clear();
      this.#learnFreshFrom(consumer);
    });
    return consumer;
  }

  async start(): Promise<void> {
    const stream = await this.#consumer.consume({
      topics: [this.options.topic], mode: 'committed', fallbackMode: this.options.fromBeginning ? 'earliest' : 'latest',
      autocommit: false, maxWaitTime: FETCH_WAIT_MS,
    });
    this.#stream = stream;
    this.#pump = this.#drain(stream);
  }

  /** Hands the stream's messages to handlers; the stream is not read while every slot is taken (back-pressure). */
  async #drain(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    try {
      for await (const message of stream as AsyncIterable<Message>) {
        if (this.#closing) return;
        if (!this.#slots.tryAcquire() && !(await this.#slots.acquire())) return;
        if (this.#closing) {
          this.#slots.release();
          return;
        }
        this.#dispatch(message);
      }
    } catch (err) {
      if (this.#closing) return;
      console.error(`kafka bus (platformatic): feed ${this.options.group} on ${this.options.topic} failed; restarting`, err instanceof Error ? err.message : err);
      void this.#restart();
    }
  }

  /**
   * The stream failed (the broker was gone longer than the library's retries): a new consumer,
   * in the same group, or in a fresh one for freshGroupOnFailure (whose join the broker does not
   * hold for the old member's session), tried every RETRY_MS until it runs.
   */
  async #restart(): Promise<void> {
    while (!this.#closing) {
      await this.#consumer.close(true).catch(() => undefined);
      this.#progress.clear();
      if (this.options.freshGroupOnFailure) this.#generation += 1;
      this.#consumer = this.#newConsumer(this.#generation === 0 ? this.options.group : `${this.options.group}.${this.#generation}`);
      try {
        await this.start();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** Asks where the log ends now, right after a join: later than the join, so on the safe side. */
  #learnFreshFrom(consumer: Consumer): void {
    const join = ++this.#joins;
    this.#freshFrom = undefined;
    consumer.listOffsets({ topics: [this.options.topic] }).then((offsets) => {
      if (join === this.#joins && consumer === this.#consumer) this.#freshFrom = offsets.get(this.options.topic);
    }, () => undefined);
  }

  #dispatch(message: Message): void {
    const key = `${message.topic}:${message.partition}`;
    let entry = this.#progress.get(key);
    if (!entry) {
      entry = { progress: new PartitionProgress(message.offset), leaderEpoch: message.leaderEpoch };
      this.#progress.set(key, entry);
    }
    entry.leaderEpoch = message.leaderEpoch;
    entry.progress.started(message.offset);
    const headers: Record<string, string> = {};
    for (const [k, v] of message.headers) headers[k.toString()] = v.toString();
    const busMessage: BusMessage = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset.toString(),
      key: message.key?.length ? message.key.toString() : undefined,
      value: message.value ?? Buffer.alloc(0),
      headers,
      timestamp: Number(message.timestamp),
    };
    const freshFrom = this.#freshFrom?.[message.partition];
    if (freshFrom !== undefined && message.offset >= freshFrom) busMessage.firstDelivery = true;
    const running = this.#handle(busMessage, entry.progress, message.offset);
    this.#handlers.add(running);
    void running.finally(() => this.#handlers.delete(running));
  }

  async #handle(message: BusMessage, progress: PartitionProgress, offset: bigint): Promise<void> {
    try {
      if (!(await redeliverInPlace((m) => this.options.handle(m), message, this.bus.retryDelayMs, () => this.#closing))) return;
      progress.finished(offset);
      // Even a feed that keeps no position across starts (freshGroupOnFailure, the controllers'
      // heartbeat feed) commits: when it rejoins its group after a broker restart it resumes from
      // there, where without a commit it would start at the newest message and miss the heartbeats
      // written meanwhile (a drill without these commits saw the invoker again 1.6 s after the
      // broker was back, main 0.006–1.12 s; single runs on a loaded machine, so a guess).
      this.#scheduleCommit();
    } finally {
      this.#slots.release();
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#slots.close();
    await Promise.allSettled([...this.#handlers]);
    await this.#commit();
    await this.#stream?.close().catch(() => undefined);
    await this.#pump;
    await this.#consumer.close(true).catch(() => undefined);
  }

  /** At most one commit per COMMIT_EVERY_MS, carrying every finished message (as kafka-bus.ts); close() and a rebalance commit at once. */
  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setTimeout(() => {
      this.#commitScheduled = false;
      void this.#commit();
    }, COMMIT_EVERY_MS).unref();
  }

  async #commit(): Promise<void> {
    const offsets: Array<{ topic: string; partition: number; offset: bigint; leaderEpoch: number }> = [];
    for (const [key, { progress, leaderEpoch }] of this.#progress) {
      const next = progress.takeCommittable();
      if (next === undefined) continue;
      const cut = key.lastIndexOf(':');
      offsets.push({ topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset: next, leaderEpoch });
    }
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commit({ offsets });
    } catch (err) {
      // Lost the partition or the broker: the next owner redelivers from the last commit, and
      // the invoker's record check keeps that from running an activation twice.
      console.error('kafka bus: offset commit failed; uncommitted messages will be redelivered', err instanceof Error ? err.message : err);
    }
  }
}
