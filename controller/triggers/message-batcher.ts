// Batches of feed messages bounded by size, count and time, fired one after another. add()
// resolves only once the batch holding the message has been fired: the Kafka feed returns that
// promise from its bus handler, so offsets are committed only after the fire (never skipped).

export interface BatchLimits {
  /** Sum of message sizes per batch (OpenWhisk's Kafka provider: 900000 bytes). */
  maxBytes: number;
  maxMessages: number;
  /** A batch fires at most this long after its first message arrived. */
  maxWaitMs: number;
}

interface Pending<M> {
  message: M;
  size: number;
  resolve(): void;
  reject(err: unknown): void;
}

export class MessageBatcher<M> {
  readonly #limits: BatchLimits;
  readonly #fire: (batch: M[]) => Promise<void>;
  readonly #oversize: (message: M, size: number) => void;
  #open: Array<Pending<M>> = [];
  #openBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #ready: Array<Array<Pending<M>>> = [];
  #firing = false;
  #stopped: unknown;

  /** oversize: a message larger than maxBytes alone is skipped (OpenWhisk's provider does the same). */
  constructor(limits: BatchLimits, fire: (batch: M[]) => Promise<void>, oversize: (message: M, size: number) => void) {
    this.#limits = limits;
    this.#fire = fire;
    this.#oversize = oversize;
  }

  add(message: M, size: number): Promise<void> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    if (size > this.#limits.maxBytes) {
      this.#oversize(message, size);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      if (this.#open.length > 0 && this.#openBytes + size > this.#limits.maxBytes) this.#close();
      this.#open.push({ message, size, resolve, reject });
      this.#openBytes += size;
      if (this.#open.length >= this.#limits.maxMessages) this.#close();
      else if (this.#open.length === 1) this.#timer = setTimeout(() => this.#close(), this.#limits.maxWaitMs);
    });
  }

  /** Messages waiting (open and closed batches), for tests and status. */
  get pending(): number {
    return this.#open.length + this.#ready.reduce((n, b) => n + b.length, 0);
  }

  /** Rejects every message not fired yet with `reason` (their bus handlers fail: redelivered later). */
  stop(reason: unknown): void {
    this.#stopped = reason;
    clearTimeout(this.#timer);
    for (const p of [...this.#open, ...this.#ready.flat()]) p.reject(reason);
    this.#open = [];
    this.#ready.length = 0;
  }

  #close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#open.length === 0) return;
    this.#ready.push(this.#open);
    this.#open = [];
    this.#openBytes = 0;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#firing) return;
    this.#firing = true;
    try {
      while (this.#ready.length > 0 && this.#stopped === undefined) {
        const batch = this.#ready.shift()!;
        try {
          await this.#fire(batch.map((p) => p.message));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.#firing = false;
    }
  }
}
