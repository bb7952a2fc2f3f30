// Publishes go to the broker in batches: those of one turn of the event loop together, and while a
// send is in flight, everything published meanwhile waits for it and goes as the next batch. Under
// load that makes a produce request per round trip instead of one per activation (each request
// costs both processes a socket write and the broker a request; issue #18: socket writes were the
// largest self time of the controller and the invoker), and adds nothing when idle: the flush is
// the next setImmediate, as before. The wait costs little even under load: a broker handles the
// requests of one connection one at a time anyway, so a second request sent at once would queue
// there. Both Kafka adapters publish through it.

/**
 * Contract: `add` returns a promise that settles with the send of the batch it joined (resolved
 * when that send succeeds, rejected with its error otherwise); a batch holds exactly the messages
 * added since the previous batch was taken, by topic in the order added; at most one send runs at
 * a time, and batches are sent in the order they were taken; `flush` sends what is pending now
 * (after the send in flight, if any) and resolves once it has been sent.
 */
export class TurnBatcher<M> {
  readonly #pending = new Map<string, { messages: M[]; waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> }>();
  #scheduled = false;
  /** The send in flight: it settles before the next batch is taken. */
  #sending: Promise<void> | undefined;

  constructor(private readonly send: (batches: ReadonlyArray<{ topic: string; messages: M[] }>) => Promise<void>) {}

  add(topic: string, messages: readonly M[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let batch = this.#pending.get(topic);
      if (!batch) {
        batch = { messages: [], waiters: [] };
        this.#pending.set(topic, batch);
      }
      batch.messages.push(...messages);
      batch.waiters.push({ resolve, reject });
      // While a send is in flight its end takes the next batch: no turn to wait for.
      if (!this.#scheduled && this.#sending === undefined) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#next();
        });
      }
    });
  }

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  async flush(): Promise<void> {
    while (this.#sending !== undefined || this.#pending.size > 0) {
      this.#next();
      await this.#sending;
    }
  }

  /** Takes the pending messages as one batch and sends them, unless a send is in flight. */
  #next(): void {
    if (this.#sending !== undefined || this.#pending.size === 0) return;
    const batches = [...this.#pending].map(([topic, b]) => ({ topic, messages: b.messages, waiters: b.waiters }));
    this.#pending.clear();
    const waiters = batches.flatMap((b) => b.waiters);
    let sent: Promise<void>;
    try {
      sent = this.send(batches);
    } catch (err) {
      sent = Promise.reject(err);
    }
    this.#sending = sent.then(
      () => { for (const w of waiters) w.resolve(); },
      (err: unknown) => { for (const w of waiters) w.reject(err); },
    ).finally(() => {
      this.#sending = undefined;
      this.#next();
    });
  }
}
