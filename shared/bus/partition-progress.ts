// Which offsets of one partition have finished, so that the commit position only ever covers a
// contiguous run of finished messages: handlers finish out of order, commits must not.
// Messages start in offset order, so everything started below the smallest unfinished offset has
// finished; offsets the broker skips (transaction markers, compaction) never start and do not count.

export class PartitionProgress {
  readonly #pending = new Set<bigint>();
  #nextAfterStarted: bigint;
  #committed: bigint;

  constructor(firstOffset: bigint) {
    this.#nextAfterStarted = firstOffset;
    this.#committed = firstOffset;
  }

  started(offset: bigint): void {
    this.#pending.add(offset);
    if (offset >= this.#nextAfterStarted) this.#nextAfterStarted = offset + 1n;
  }

  finished(offset: bigint): void {
    this.#pending.delete(offset);
  }

  /** Kafka commits "the next offset to read": the smallest unfinished one, or past all started. */
  committable(): bigint {
    let low = this.#nextAfterStarted;
    for (const p of this.#pending) if (p < low) low = p;
    return low;
  }

  /** The offset to commit, once per advance. */
  takeCommittable(): bigint | undefined {
    const low = this.committable();
    if (low <= this.#committed) return undefined;
    this.#committed = low;
    return low;
  }

  get inFlight(): number {
    return this.#pending.size;
  }
}
