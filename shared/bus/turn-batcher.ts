// Publishes made in the same turn of the event loop go to the broker together: under load a
// produce request per burst instead of one per activation, and no added latency when idle (the
// flush is the next setImmediate). Both Kafka adapters publish through it.

/**
 * Contract: `add` returns a promise that settles with the send of the batch it joined (resolved
 * when that send succeeds, rejected with its error otherwise); a batch holds exactly the messages
 * added since the previous flush, by topic in the order added; `flush` sends what is pending now.
 */
export class TurnBatcher<M> {
  readonly #pending = new Map<string, { messages: M[]; waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> }>();
  #scheduled = false;

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
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  async flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#pending.size === 0) return;
    const batches = [...this.#pending].map(([topic, b]) => ({ topic, messages: b.messages, waiters: b.waiters }));
    this.#pending.clear();
    const waiters = batches.flatMap((b) => b.waiters);
    try {
      await this.send(batches);
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
