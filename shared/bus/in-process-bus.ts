// The standalone bus: MessageBus inside one process, same contract as the Kafka adapter
// (at-least-once per group, started in order per topic, handled concurrently up to maxInFlight). Messages are kept
// per topic until every group that subscribed has acknowledged them, so a subscriber that closes
// without acknowledging hands its messages to the next subscriber of the group. A message handed
// out for the first time in its group, written after the group was made, is marked firstDelivery.
import type { BusMessage, MessageBus, SubscribeOptions, Subscription } from './message-bus.js';

interface Group {
  /** index into the topic log of the first message not yet acknowledged (the commit point) */
  committed: number;
  /** next index to hand out */
  next: number;
  acked: Set<number>;
  /** end of the log when the group was made: messages before it are never marked firstDelivery (as Kafka's adapters do) */
  joinedAt: number;
  /** one past the highest index ever handed out: a message at or past it was never handed to anyone of the group */
  handedHigh: number;
  subscribers: Member[];
  rr: number;
}

interface Member {
  options: SubscribeOptions;
  inFlight: Set<number>;
  closed: boolean;
}

interface TopicLog {
  messages: BusMessage[];
  /** messages below this index were dropped after every group committed past them */
  base: number;
  groups: Map<string, Group>;
}

export class InProcessBus implements MessageBus {
  readonly system = 'in-process';
  /** See MessageBus.handsOver: the standalone's bus, whose consumers are only photon's own decoders. */
  readonly handsOver: boolean;
  readonly #topics = new Map<string, TopicLog>();
  #closed = false;

  /** `handOver`: messages of photon's encoders carry their object and no bytes (off by default: tests read the bytes). */
  constructor(options: { handOver?: boolean } = {}) {
    this.handsOver = options.handOver === true;
  }

  async ensureTopics(names: string[]): Promise<void> {
    for (const name of names) this.#topic(name);
  }

  async publish(topic: string, messages: Array<{ key?: string; value: Buffer; headers?: Record<string, string> }>): Promise<void> {
    if (this.#closed) throw new Error('bus is closed');
    const log = this.#topic(topic);
    for (const m of messages) {
      const offset = log.base + log.messages.length;
      log.messages.push({ topic, key: m.key, value: ownBytes(m.value), headers: { ...(m.headers ?? {}) }, offset: String(offset), partition: 0, timestamp: Date.now() });
    }
    for (const group of log.groups.values()) this.#pump(log, group);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const log = this.#topic(options.topic);
    let group = log.groups.get(options.group);
    if (!group) {
      const start = options.fromBeginning ? log.base : log.base + log.messages.length;
      const end = log.base + log.messages.length;
      group = { committed: start, next: start, acked: new Set(), joinedAt: end, handedHigh: start, subscribers: [], rr: 0 };
      log.groups.set(options.group, group);
    }
    const member: Member = { options, inFlight: new Set(), closed: false };
    group.subscribers.push(member);
    const g = group;
    queueMicrotask(() => this.#pump(log, g));
    return {
      close: async () => {
        member.closed = true;
        g.subscribers = g.subscribers.filter((s) => s !== member);
        while (member.inFlight.size > 0) await new Promise((r) => setTimeout(r, 1));
        this.#pump(log, g);
      },
    };
  }

  async hasTopic(topic: string): Promise<boolean> {
    return this.#topics.has(topic);
  }

  async lag(topic: string, group: string): Promise<number> {
    const log = this.#topics.get(topic);
    const g = log?.groups.get(group);
    if (!log) return 0;
    return log.base + log.messages.length - (g ? g.committed : log.base);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closing: Promise<void>[] = [];
    for (const log of this.#topics.values()) {
      for (const group of log.groups.values()) {
        for (const m of group.subscribers) {
          m.closed = true;
          closing.push((async () => { while (m.inFlight.size > 0) await new Promise((r) => setTimeout(r, 1)); })());
        }
        group.subscribers = [];
      }
    }
    await Promise.all(closing);
  }

  #topic(name: string): TopicLog {
    let log = this.#topics.get(name);
    if (!log) {
      log = { messages: [], base: 0, groups: new Map() };
      this.#topics.set(name, log);
    }
    return log;
  }

  #pump(log: TopicLog, group: Group): void {
    // A message handed to a member that then closed without acknowledging goes out again.
    if (group.subscribers.length === 0) {
      group.next = group.committed;
      return;
    }
    for (;;) {
      const end = log.base + log.messages.length;
      while (group.next < end && group.acked.has(group.next)) group.next++;
      if (group.next >= end) return;
      const member = this.#pickMember(group);
      if (!member) return;
      const index = group.next++;
      const logged = log.messages[index - log.base]!;
      // Never handed to anyone of the group and written after it was made: nobody can have run it,
      // so the invoker skips its redelivery check (a store read per activation). The logged object
      // is shared by every group of the topic: the mark goes on a copy for this delivery.
      const first = index >= group.handedHigh && index >= group.joinedAt;
      if (index >= group.handedHigh) group.handedHigh = index + 1;
      const message = first ? { ...logged, firstDelivery: true as const } : logged;
      member.inFlight.add(index);
      void this.#deliver(log, group, member, index, message);
    }
  }

  #pickMember(group: Group): Member | undefined {
    const n = group.subscribers.length;
    for (let i = 0; i < n; i++) {
      const m = group.subscribers[(group.rr + i) % n]!;
      if (!m.closed && m.inFlight.size < Math.max(1, m.options.maxInFlight)) {
        group.rr = (group.rr + i + 1) % n;
        return m;
      }
    }
    return undefined;
  }

  async #deliver(log: TopicLog, group: Group, member: Member, index: number, message: BusMessage): Promise<void> {
    let ok = false;
    try {
      await member.options.handle(message);
      ok = true;
    } catch (err) {
      // Same as Kafka: an unacknowledged message is redelivered, never dropped.
      console.error(`in-process bus: handler for ${message.topic}#${index} failed, redelivering:`, err);
    }
    member.inFlight.delete(index);
    if (ok) {
      group.acked.add(index);
      while (group.acked.has(group.committed)) group.acked.delete(group.committed++);
      this.#compact(log);
    } else {
      group.next = Math.min(group.next, index);
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#pump(log, group);
  }

  #compact(log: TopicLog): void {
    let min = log.base + log.messages.length;
    for (const g of log.groups.values()) min = Math.min(min, g.committed);
    const drop = min - log.base;
    if (drop > 1024) {
      log.messages.splice(0, drop);
      log.base = min;
    }
  }
}

/**
 * The value as the log keeps it: a Buffer that is a slice of a larger one (Buffer.from of a short
 * string is a slice of Node's pool slab, 64 KiB in Node 24) is copied into one of its own size, so
 * a message held in the log pins its bytes, not the slab. The log holds acknowledged messages for
 * groups yet to come (up to 1024 a topic): the invokers' heartbeats, one a second, each pinned a
 * slab for ~17 minutes, and the standalone grew ~3.7 MB/min under any load (bench/README.md "soak").
 * Own symbol properties (the encoder's object, message-codec.ts) go with the copy.
 */
function ownBytes(value: Buffer): Buffer {
  if (value.byteLength === value.buffer.byteLength) return value;
  const copy = Buffer.allocUnsafeSlow(value.byteLength);
  value.copy(copy);
  for (const key of Object.getOwnPropertySymbols(value)) (copy as unknown as Record<symbol, unknown>)[key] = (value as unknown as Record<symbol, unknown>)[key];
  return copy;
}
