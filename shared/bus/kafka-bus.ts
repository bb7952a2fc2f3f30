// MessageBus over Apache Kafka (kafkajs). The only file that imports kafkajs.
//
// Delivery is at-least-once, which OpenWhisk's own feed is not (it commits before running):
// a message's offset is committed only once its handler has resolved and every earlier message of
// the partition has too, so a consumer that dies leaves its unfinished work to the next owner of
// the partition. Handlers run concurrently up to maxInFlight; the fetch position moves ahead of the
// commit position (resolveOffset) so that a long activation does not hold back the next ones.
import { metrics, type Counter } from '@opentelemetry/api';
import { Kafka, logLevel, type logCreator, type Consumer, type Producer, type Admin, type EachBatchPayload, type RequestEvent, type IHeaders, type Message } from 'kafkajs';
import type { BusMessage, MessageBus, SubscribeOptions, Subscription } from './message-bus.js';
import { CapacityGate } from './capacity-gate.js';
import { PartitionProgress } from './partition-progress.js';
import { redeliverInPlace } from './redeliver-in-place.js';
import { TurnBatcher } from './turn-batcher.js';

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
// How long ensureTopics retries a broker's retriable answers (a topic not yet in its metadata).
const ENSURE_TOPICS_MS = 15_000;

/**
 * The longest kafkajs waits between two attempts. Its default (30 s, exponential from 100 ms) let
 * a heartbeat publish, or a crashed consumer's restart, sleep up to 30 s after the broker was back.
 */
const MAX_RETRY_MS = 1_000;

/**
 * How long a finished message may wait for its offset commit (which carries every finished message
 * of the feed); as platformatic-kafka-bus.ts, which says the bound on redelivery after a crash.
 */
const COMMIT_EVERY_MS = 1_000;

/** The same kafkajs error is printed at most once per this long (an outage retries many times a second). */
const LOG_REPEAT_MS = 30_000;

/**
 * kafkajs's default logger prints a JSON object with a stack for every retry of every connection:
 * an outage fills the terminal. One plain line per distinct message, repeats held back, says as much.
 */
function oneLineLogs(clientId: string): logCreator {
  const last = new Map<string, number>();
  return () => ({ log }) => {
    const broker = typeof log.broker === 'string' ? ` ${log.broker}` : '';
    const line = `kafka${broker} (${clientId}): ${String(log.message).split('\n')[0]}`;
    const now = Date.now();
    if ((last.get(line) ?? -Infinity) > now - LOG_REPEAT_MS) return;
    if (last.size > 1_000) last.clear();
    last.set(line, now);
    console.error(line);
  };
}

/**
 * Every request a client of this process sends to a broker (produce, fetch, offset commit,
 * heartbeat, metadata...), by API: what an activation costs on the bus, counted by kafkajs's own
 * instrumentation events. A no-op call without a metrics SDK.
 */
let requestCounter: Counter | undefined;
function requestCount(role: 'admin' | 'producer' | 'consumer'): (event: RequestEvent) => void {
  requestCounter ??= metrics.getMeter('photon').createCounter('photon.kafka.requests', { description: 'Requests sent to Kafka brokers, by API and client role' });
  const counter = requestCounter;
  return ({ payload }) => counter.add(1, { api: payload.apiName, role });
}

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Partitions for topics this bus creates. */
  partitions?: number;
  /** Delay before retrying a handler that threw. */
  retryDelayMs?: number;
}

export class KafkaBus implements MessageBus {
  readonly system = 'kafka';
  readonly #kafka: Kafka;
  readonly #options: Required<KafkaBusOptions>;
  #producer: Producer | undefined;
  #producerReady: Promise<Producer> | undefined;
  #admin: Admin | undefined;
  readonly #subscriptions = new Set<Subscription>();
  /** Publishes of one event-loop turn, sent as one produce request. */
  readonly #batcher = new TurnBatcher<Message>(async (batches) => {
    const producer = await this.#connectedProducer();
    await producer.sendBatch({ acks: -1, topicMessages: batches.map(({ topic, messages }) => ({ topic, messages })) });
  });

  constructor(options: KafkaBusOptions) {
    this.#options = { partitions: 1, retryDelayMs: 200, ...options };
    this.#kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.ERROR,
      logCreator: oneLineLogs(options.clientId),
      retry: { initialRetryTime: 100, maxRetryTime: MAX_RETRY_MS, retries: 8 },
    });
  }

  async ensureTopics(topics: string[], options: { retentionMs?: number } = {}): Promise<void> {
    // A KRaft broker can answer the metadata request that follows CreateTopics with
    // UNKNOWN_TOPIC_OR_PARTITION before the new topic has reached its metadata cache; kafkajs
    // retries only LEADER_NOT_AVAILABLE there and gives up. Such retriable errors are retried
    // here (the topics that exist by then are not created again), within a bound.
    const deadline = Date.now() + ENSURE_TOPICS_MS;
    for (;;) {
      try {
        return await this.#createMissingTopics(topics, options);
      } catch (err) {
        const retriable = (err as { retriable?: unknown }).retriable === true;
        if (!retriable || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async #createMissingTopics(topics: string[], options: { retentionMs?: number }): Promise<void> {
    const admin = await this.#connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      // Activations carry up to 1 MiB of parameters and completions up to ~1 MB of record: above
      // Kafka's default max.message.bytes (1 MB) once wrapped, so the topics allow more.
      topics: missing.map((topic) => ({
        topic,
        numPartitions: this.#options.partitions,
        replicationFactor: 1,
        configEntries: [
          { name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) },
          ...(options.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(options.retentionMs) }] : []),
        ],
      })),
    });
  }

  async hasTopic(topic: string): Promise<boolean> {
    // listTopics reads the cluster's metadata for no named topic: unlike a fetch of the topic's
    // offsets it cannot make a broker with auto.create.topics.enable create it.
    return (await (await this.#connectedAdmin()).listTopics()).includes(topic);
  }

  async lag(topic: string, group: string): Promise<number> {
    const admin = await this.#connectedAdmin();
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    let lag = 0;
    for (const p of ends) {
      const c = done.get(p.partition) ?? -1;
      lag += Number(p.high) - (c < 0 ? Number(p.low) : c);
    }
    return lag;
  }

  /**
   * Operators only (cluster.sh down --purge), never while the cluster runs: deletes the topics
   * whose names start with `topicPrefix` and the consumer groups starting with any of `groupPrefixes`.
   */
  async purge(topicPrefix: string, groupPrefixes: string[]): Promise<{ topics: string[]; groups: string[] }> {
    if (topicPrefix === '') throw new Error('purge needs a topic prefix');
    const admin = await this.#connectedAdmin();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    const wanted = groupPrefixes.filter((g) => g !== '');
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => wanted.some((p) => g.startsWith(p)));
    if (groups.length > 0) await admin.deleteGroups(groups);
    return { topics, groups };
  }

  async #connectedAdmin(): Promise<Admin> {
    if (!this.#admin) {
      const admin = this.#kafka.admin();
      admin.on(admin.events.REQUEST, requestCount('admin'));
      await admin.connect();
      this.#admin = admin;
    }
    return this.#admin;
  }

  /** Publishes of one turn of the event loop go to the broker as one produce request (TurnBatcher). */
  publish(topic: string, messages: Array<{ key?: string; value: Buffer; headers?: Record<string, string> }>): Promise<void> {
    return this.#batcher.add(topic, messages.map((m) => ({ key: m.key ?? null, value: m.value, headers: m.headers ?? {} })));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const consumerFor = (groupId: string): Consumer => this.#kafka.consumer({
      groupId,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 20_000,
      retry: {
        initialRetryTime: 100, maxRetryTime: MAX_RETRY_MS, retries: 300,
        // kafkajs restarts a crashed consumer (a broker restart crashes it at once: "no broker
        // available") as a NEW member of the same group, and the broker holds that join until the
        // old member's session (10 s) expires. A subscription that needs no position of its own
        // rejoins under a fresh group instead (KafkaFeed), which the broker admits at once.
        ...(options.freshGroupOnFailure ? { restartOnFailure: async () => false } : {}),
      },
    });
    const feed = new KafkaFeed(consumerFor, options, this.#options.retryDelayMs);
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
    if (this.#producerReady) await (await this.#producerReady).disconnect().catch(() => undefined);
    if (this.#admin) await this.#admin.disconnect().catch(() => undefined);
  }

  #connectedProducer(): Promise<Producer> {
    if (this.#producer) return Promise.resolve(this.#producer);
    this.#producerReady ??= (async () => {
      const producer = this.#kafka.producer({ allowAutoTopicCreation: true, retry: { initialRetryTime: 100, maxRetryTime: MAX_RETRY_MS, retries: 10 } });
      producer.on(producer.events.REQUEST, requestCount('producer'));
      await producer.connect();
      this.#producer = producer;
      return producer;
    })();
    return this.#producerReady;
  }
}

/** One subscription: a consumer whose handlers run concurrently and commit in order. */
class KafkaFeed {
  readonly #progress = new Map<string, PartitionProgress>();
  /** Per partition (topic:partition), the log's end as the first batch after the last join saw it. */
  readonly #freshFrom = new Map<string, bigint>();
  /** maxInFlight handler slots, shared by the (up to four) partitions consumed concurrently. */
  readonly #slots: CapacityGate;
  #closing = false;
  #commitScheduled = false;
  readonly #handlers = new Set<Promise<void>>();
  #consumer: Consumer;
  #generation = 0;

  constructor(
    private readonly consumerFor: (group: string) => Consumer,
    private readonly options: SubscribeOptions,
    private readonly retryDelayMs: number,
  ) {
    this.#slots = new CapacityGate(options.maxInFlight);
    this.#consumer = consumerFor(options.group);
  }

  async start(): Promise<void> {
    await this.#run(this.#consumer);
  }

  async #run(consumer: Consumer): Promise<void> {
    const { options } = this;
    consumer.on(consumer.events.REQUEST, requestCount('consumer'));
    await consumer.connect();
    // A rebalance may hand our partitions to another member: commit what is finished while this
    // generation still may, rather than leave up to COMMIT_EVERY_MS of it to be redelivered.
    consumer.on(consumer.events.REBALANCING, () => {
      if (!this.#closing && consumer === this.#consumer) void this.#commit();
    });
    // After a join the new assignment starts from the committed offsets: forget what we tracked,
    // anything unfinished is redelivered.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#progress.clear();
      this.#freshFrom.clear();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (options.freshGroupOnFailure && !payload.restart && !this.#closing && consumer === this.#consumer) void this.#renew();
    });
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /** freshGroupOnFailure: a new consumer in a new group, tried every second until it runs. */
  async #renew(): Promise<void> {
    while (!this.#closing) {
      await this.#consumer.disconnect().catch(() => undefined);
      this.#generation += 1;
      this.#consumer = this.consumerFor(`${this.options.group}.${this.#generation}`);
      this.#progress.clear();
      try {
        await this.#run(this.#consumer);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, MAX_RETRY_MS));
      }
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#slots.close();
    await Promise.allSettled([...this.#handlers]);
    await this.#commit();
    await this.#consumer.disconnect();
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const key = `${batch.topic}:${batch.partition}`;
    // The first batch after a join says where the log ended when it was fetched, after the join:
    // a message at or past it was written after the join (BusMessage.firstDelivery).
    let freshFrom = this.#freshFrom.get(key);
    if (freshFrom === undefined) {
      if (isStale()) return;
      freshFrom = BigInt(batch.highWatermark);
      this.#freshFrom.set(key, freshFrom);
    }
    for (const message of batch.messages) {
      if (this.#closing || !isRunning() || isStale()) return;
      if (!this.#slots.tryAcquire() && !(await this.#waitForSlot(isRunning, isStale, heartbeat))) return;
      let progress = this.#progress.get(key);
      if (!progress) {
        progress = new PartitionProgress(BigInt(message.offset));
        this.#progress.set(key, progress);
      }
      const offset = BigInt(message.offset);
      progress.started(offset);
      resolveOffset(message.offset);
      const busMessage: BusMessage = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key?.toString(),
        value: message.value ?? Buffer.alloc(0),
        headers: decodeHeaders(message.headers),
        timestamp: Number(message.timestamp),
      };
      if (offset >= freshFrom) busMessage.firstDelivery = true;
      const running = this.#handle(busMessage, progress, offset);
      this.#handlers.add(running);
      void running.finally(() => this.#handlers.delete(running));
    }
  }

  async #handle(message: BusMessage, progress: PartitionProgress, offset: bigint): Promise<void> {
    try {
      if (!(await redeliverInPlace((m) => this.options.handle(m), message, this.retryDelayMs, () => this.#closing))) return;
      progress.finished(offset);
      this.#scheduleCommit();
    } finally {
      this.#slots.release();
    }
  }

  /**
   * Waits in line for a handler slot, heartbeating every second meanwhile so the group keeps the
   * partition. False (holding nothing) when the feed closes or loses the partition first.
   */
  async #waitForSlot(isRunning: () => boolean, isStale: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    const slot = this.#slots.acquire();
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const granted = await Promise.race([slot, new Promise<'tick'>((r) => { timer = setTimeout(() => r('tick'), 1_000); })]);
      clearTimeout(timer);
      if (granted === false) return false;
      const gone = this.#closing || !isRunning() || isStale();
      if (granted === true) {
        if (!gone) return true;
        this.#slots.release();
        return false;
      }
      if (gone) {
        // Still queued: a slot granted later goes straight back.
        void slot.then((ok) => { if (ok) this.#slots.release(); });
        return false;
      }
      await heartbeat();
    }
  }

  /**
   * Commits at most once per COMMIT_EVERY_MS: a commit per activation was a third of the
   * activation's Kafka requests. What a crash leaves uncommitted is redelivered, as before, and
   * the invoker's record check keeps it from running again; close() commits what is done.
   */
  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setTimeout(() => {
      this.#commitScheduled = false;
      void this.#commit();
    }, COMMIT_EVERY_MS).unref();
  }

  async #commit(): Promise<void> {
    const offsets: Array<{ topic: string; partition: number; offset: string }> = [];
    for (const [key, progress] of this.#progress) {
      const next = progress.takeCommittable();
      if (next === undefined) continue;
      const cut = key.lastIndexOf(':');
      offsets.push({ topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset: next.toString() });
    }
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commitOffsets(offsets);
    } catch (err) {
      // Lost the partition or the broker: the next owner redelivers from the last commit, and
      // the invoker's record check keeps that from running an activation twice.
      console.error('kafka bus: offset commit failed; uncommitted messages will be redelivered', err);
    }
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}
