// Runs the Kafka topic feeds: one consumer group per feed (so several controllers share a feed's
// partitions, like OpenWhisk's per-trigger group.id), batches of {messages: [...]} fired at the
// trigger, offsets committed only after the fire. Every controller reconciles its consumers with
// the feed bindings in the store, so a feed created, paused or deleted through any controller
// starts or stops everywhere within one reconcile period.
import { createHash } from 'node:crypto';
import type { BusMessage, MessageBus, Subscription } from '../../shared/bus/message-bus.js';
import type { FeedBinding, KafkaFeedConfig } from '../../shared/model/trigger.js';
import type { Stores } from '../../shared/store/stores.js';
import { extractTraceContext } from '../../shared/tracing/trace-headers.js';
import { ApiError, apiErrorOf } from '../api-error.js';
import { MessageBatcher, type BatchLimits } from './message-batcher.js';
import type { TriggerFirer } from './trigger-firer.js';
import { identityOfFeed } from './feed-identity.js';

export interface KafkaFeedManagerOptions {
  stores: Stores;
  firer: TriggerFirer;
  /** photon's own bus: feeds that name no brokers read its Kafka. */
  ownBus: MessageBus;
  /** A bus for a user's broker list; absent: feeds must use photon's own Kafka. */
  busFor?: (brokers: string[]) => MessageBus;
  /** Prepended to consumer group names (the cluster's topic prefix). */
  groupPrefix: string;
  batch: BatchLimits;
  reconcileMs: number;
}

/** Annotations of a feed's trigger activation: the feed's id and `{partition: last offset}`. */
export const FEED_ANNOTATION = 'feed';
export const OFFSETS_ANNOTATION = 'offsets';
/** Trigger records read back on a consumer's start: more than one fire can be unmarked only per partition. */
const RECENT_RECORDS = 50;

export interface FeedMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: unknown;
}

type KafkaBinding = FeedBinding & { config: KafkaFeedConfig };

interface Running {
  binding: KafkaBinding;
  signature: string;
  subscription: Subscription;
  batcher: MessageBatcher<BusMessage>;
  fired: Map<number, Promise<number>>;
  stopped: boolean;
}

/** The feed's identity in group names and fire positions: a re-created feed starts afresh. */
export function feedId(b: FeedBinding): string {
  return `${b.namespace}/${b.trigger}@${b.created}`;
}

export function isKafkaBinding(b: FeedBinding): b is KafkaBinding {
  return b.config.kind === 'kafka';
}

/** One message as the trigger sees it: OpenWhisk's Kafka feed payload, decoded as the feed asks. */
export function feedMessage(m: BusMessage, c: KafkaFeedConfig): FeedMessage {
  let value: unknown;
  if (c.isBinaryValue) value = m.value.toString('base64');
  else {
    value = m.value.toString('utf8');
    if (c.isJSONData) {
      try {
        value = JSON.parse(value as string);
      } catch {
        // Best effort, like OpenWhisk: a value that is not JSON is passed as text.
      }
    }
  }
  const key = m.key === undefined ? null : c.isBinaryKey ? Buffer.from(m.key, 'utf8').toString('base64') : m.key;
  return { topic: m.topic, partition: m.partition ?? 0, offset: Number(m.offset ?? 0), key, value };
}

export class KafkaFeedManager {
  readonly #o: KafkaFeedManagerOptions;
  readonly #running = new Map<string, Running>();
  readonly #buses = new Map<string, MessageBus>();
  #timer: NodeJS.Timeout | undefined;
  #reconciling: Promise<void> | undefined;
  #closed = false;

  constructor(options: KafkaFeedManagerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.reconcile();
    this.#timer = setInterval(() => void this.reconcile().catch((err: unknown) => console.error('kafka feeds: reconcile failed:', err)), this.#o.reconcileMs);
    this.#timer.unref();
  }

  busOf(config: KafkaFeedConfig): MessageBus {
    if (config.brokers.length === 0) return this.#o.ownBus;
    if (!this.#o.busFor) throw new ApiError(400, "This photon reads only its own Kafka: leave 'brokers' out.");
    const key = [...config.brokers].sort().join(',');
    let bus = this.#buses.get(key);
    if (!bus) this.#buses.set(key, (bus = this.#o.busFor(config.brokers)));
    return bus;
  }

  group(b: FeedBinding): string {
    return `${this.#o.groupPrefix}photon.feed.${feedId(b)}`;
  }

  /** Messages of the feed's topic its group has not committed. */
  async lag(b: KafkaBinding): Promise<number> {
    return this.busOf(b.config).lag(b.config.topic, this.group(b));
  }

  /** Starts consumers of active feeds, stops those of paused, changed or deleted ones. Serialized. */
  reconcile(): Promise<void> {
    const run = (this.#reconciling ?? Promise.resolve()).then(() => this.#reconcile());
    this.#reconciling = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#reconciling;
    await Promise.all([...this.#running.keys()].map((id) => this.#stop(id)));
    await Promise.all([...this.#buses.values()].map((b) => b.close().catch(() => undefined)));
  }

  async #reconcile(): Promise<void> {
    if (this.#closed) return;
    const wanted = new Map<string, KafkaBinding>();
    for (const b of await this.#o.stores.feeds.list()) if (isKafkaBinding(b) && b.active) wanted.set(feedId(b), b);
    for (const [id, r] of this.#running) {
      const w = wanted.get(id);
      if (!w || JSON.stringify(w.config) !== r.signature) await this.#stop(id);
    }
    for (const [id, b] of wanted) {
      if (this.#running.has(id) || this.#closed) continue;
      try {
        await this.#start(b);
      } catch (err) {
        console.error(`kafka feeds: starting ${id} failed; will retry:`, err);
      }
    }
  }

  async #start(b: KafkaBinding): Promise<void> {
    const id = feedId(b);
    const bus = this.busOf(b.config);
    const fired = new Map<number, Promise<number>>();
    const firedThrough = (partition: number): Promise<number> => {
      let p = fired.get(partition);
      if (!p) fired.set(partition, (p = this.#firedThrough(b, partition)));
      return p;
    };
    const batcher = new MessageBatcher<BusMessage>(this.#o.batch, (batch) => this.#fire(b, batch, fired, () => running.stopped),
      (m, size) => console.error(`kafka feeds: ${id}: skipping ${m.topic}[${m.partition ?? 0}]@${m.offset}: ${size} bytes is over the batch limit`));
    const running: Running = { binding: b, signature: JSON.stringify(b.config), batcher, fired, stopped: false, subscription: undefined as unknown as Subscription };
    this.#running.set(id, running);
    try {
      running.subscription = await bus.subscribe({
        topic: b.config.topic,
        group: this.group(b),
        maxInFlight: this.#o.batch.maxMessages * 2,
        // From the oldest retained message, skipping those written before the feed existed: the
        // feed sees every message written after it was created, even before its consumer joined.
        fromBeginning: true,
        handle: async (m) => {
          if ((m.timestamp ?? Date.now()) < b.created) return;
          if (Number(m.offset ?? -1) <= (await firedThrough(m.partition ?? 0))) return; // fired before a crash
          await batcher.add(m, m.value.length + (m.key?.length ?? 0));
        },
      });
    } catch (err) {
      this.#running.delete(id);
      batcher.stop(new Error('feed did not start'));
      throw err;
    }
  }

  /**
   * The last offset of `partition` this feed fired: the position marked after each fire, or the
   * newer one in the feed's latest trigger records (written before the mark; a crash in between).
   */
  async #firedThrough(b: KafkaBinding, partition: number): Promise<number> {
    const id = feedId(b);
    const [marked, records] = await Promise.all([
      this.#o.stores.feeds.firedThrough(id, partition),
      this.#o.stores.activations.list(b.namespace, { name: b.trigger, limit: RECENT_RECORDS, skip: 0 }),
    ]);
    let through = marked;
    for (const r of records) {
      if (r.annotations.find((a) => a.key === FEED_ANNOTATION)?.value !== id) continue;
      const offsets = r.annotations.find((a) => a.key === OFFSETS_ANNOTATION)?.value as Record<string, number> | undefined;
      const o = offsets?.[String(partition)];
      if (typeof o === 'number' && o > through) through = o;
    }
    return through;
  }

  async #stop(id: string): Promise<void> {
    const r = this.#running.get(id);
    if (!r) return;
    this.#running.delete(id);
    r.stopped = true;
    // Close first (the bus stops retrying failed handlers), then fail the held ones: their
    // messages stay uncommitted and go to whoever consumes the group next.
    const closing = r.subscription?.close();
    r.batcher.stop(new FeedStopped());
    await closing?.catch((err: unknown) => console.error(`kafka feeds: closing ${id} failed:`, err));
  }

  async #fire(b: KafkaBinding, batch: BusMessage[], fired: Map<number, Promise<number>>, stopped: () => boolean): Promise<void> {
    const id = feedId(b);
    const messages = batch.map((m) => feedMessage(m, b.config));
    const last = new Map<number, number>();
    for (const m of messages) last.set(m.partition, Math.max(m.offset, last.get(m.partition) ?? -1));
    const ranges = [...last.keys()].sort((x, y) => x - y).map((p) => `${p}:${messages.find((m) => m.partition === p)!.offset}-${last.get(p)}`);
    // The same batch fired again (after a failed store write) keeps its id: fired at most once.
    const activationId = createHash('sha256').update(`${id}|${ranges.join(',')}`).digest('hex').slice(0, 32);
    const identity = await identityOfFeed(this.#o.stores, b);
    for (let attempt = 0; ; attempt++) {
      if (stopped()) throw new FeedStopped();
      try {
        // A producer's traceparent in the first message makes the fire part of the producer's trace.
        // The record names the feed and the last offset per partition it holds: the record's write
        // is the fire's commit point, so a consumer killed before markFired still skips these.
        const annotations = [{ key: FEED_ANNOTATION, value: id }, { key: OFFSETS_ANNOTATION, value: Object.fromEntries(last) }];
        await this.#o.firer.fire(identity, b.trigger, { messages }, { activationId, annotations, trace: extractTraceContext(batch[0]!.headers) });
        break;
      } catch (caught) {
        // The feed's status says what OpenWhisk's provider would have seen: the fire's HTTP answer.
        const err = apiErrorOf(caught) ?? caught;
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 409, 429].includes(err.status)) {
          // OpenWhisk's provider disables the trigger's feed on such errors (e.g. trigger deleted).
          await this.#o.stores.feeds.put({ ...b, active: false, reason: `Automatically disabled: firing the trigger answered ${err.status}: ${err.message}` });
          void this.reconcile();
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** attempt)));
      }
    }
    for (const [partition, offset] of last) {
      await this.#o.stores.feeds.markFired(id, partition, offset);
      fired.set(partition, Promise.resolve(offset));
    }
  }
}

class FeedStopped extends Error {
  constructor() {
    super('feed stopped; its unfired messages are redelivered to the next consumer');
    this.name = 'FeedStopped';
  }
}
