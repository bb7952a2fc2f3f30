// Address ids of one invoker: a block [base, base + count) so that invokers sharing a host never
// hand out the same 10.X.Y.0/24. Ids are handed out round-robin, so an id whose namespace was
// just deleted (its veth may still be going away in the kernel) is the last to come back.

export class IdAllocator {
  private readonly used = new Set<number>();
  private cursor = 0;

  constructor(
    readonly base: number,
    readonly count: number,
  ) {
    if (!Number.isInteger(base) || !Number.isInteger(count) || base < 0 || count < 1 || base + count > 0x10000) {
      throw new RangeError(`address id block [${base}, ${base + count}) is not within 0..65535`);
    }
  }

  /** An unused id, skipping those `busy` says are still taken elsewhere (e.g. a lingering veth). */
  allocate(busy: (id: number) => boolean = () => false): number {
    for (let i = 0; i < this.count; i++) {
      const id = this.base + ((this.cursor + i) % this.count);
      if (this.used.has(id) || busy(id)) continue;
      this.used.add(id);
      this.cursor = (id - this.base + 1) % this.count;
      return id;
    }
    throw new Error(`all ${this.count} address ids from ${this.base} are in use; raise idCount or lower the ceiling`);
  }

  free(id: number): void {
    this.used.delete(id);
  }

  get inUse(): number {
    return this.used.size;
  }
}
