// A counting semaphore for a subscription's handler slots (maxInFlight). Waiters queue FIFO and a
// released slot is handed straight to the next one, so any number of waiters (the Kafka feed has
// one per concurrently consumed partition) wake as soon as capacity frees, never by polling.

/** Contract: at most `limit` acquisitions are outstanding; each release() hands its slot to the oldest waiter or frees it; after close() every acquire answers false. */
export class CapacityGate {
  #free: number;
  #closed = false;
  readonly #waiters: Array<(granted: boolean) => void> = [];

  constructor(limit: number) {
    this.#free = Math.max(1, limit);
  }

  /** Takes a slot if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.#closed || this.#free === 0) return false;
    this.#free--;
    return true;
  }

  /** Resolves true once a slot is taken (the caller must release it), false if the gate closed first. */
  acquire(): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next(true);
    else this.#free++;
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(false);
  }
}
