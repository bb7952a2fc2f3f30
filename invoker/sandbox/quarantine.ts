// Which namespaces are in quarantine, until when, and in which quarantine sandbox ("seat"): each
// quarantined namespace gets a sandbox of its own, up to `maxSeats`; beyond that a newly
// quarantined namespace shares the seat holding the fewest namespaces (so the bound holds: at
// most maxSeats quarantine processes, ~85 MB each). A seat whose namespaces have all served their
// time is empty, and its sandbox can go.

/**
 * Contract: seatOf() answers a namespace's seat while its quarantine lasts and null afterwards;
 * add() quarantines (or extends) a namespace and never uses more than maxSeats seats at once;
 * seat numbers are never reused (≥ 1), so a retired seat's sandbox cannot be confused with a new one.
 */
export class Quarantine {
  private readonly byNamespace = new Map<string, { until: number; seat: number }>();
  private readonly seats = new Set<number>();
  private nextSeat = 1;

  constructor(private readonly maxSeats: number, private readonly ms: number) {}

  seatOf(namespace: string, now: number): number | null {
    const q = this.byNamespace.get(namespace);
    if (!q) return null;
    if (q.until > now) return q.seat;
    this.byNamespace.delete(namespace);
    return null;
  }

  /** Quarantines `namespace` for `ms` from now; `shared` when its seat also holds other namespaces. */
  add(namespace: string, now: number): { seat: number; shared: boolean } {
    const current = this.seatOf(namespace, now);
    const counts = this.occupancy(now);
    let seat = current;
    if (seat === null) {
      const empty = [...this.seats].find((s) => (counts.get(s) ?? 0) === 0);
      if (empty !== undefined) seat = empty;
      else if (this.seats.size < this.maxSeats) this.seats.add((seat = this.nextSeat++));
      else seat = [...this.seats].sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0))[0]!;
    }
    this.byNamespace.set(namespace, { until: now + this.ms, seat });
    return { seat, shared: (counts.get(seat) ?? 0) - (current === seat ? 1 : 0) > 0 };
  }

  /** Seats no namespace is quarantined in any more and not `busy`: forgotten here; the caller retires their sandboxes. */
  takeEmptySeats(now: number, busy: (seat: number) => boolean): number[] {
    const counts = this.occupancy(now);
    const empty = [...this.seats].filter((s) => (counts.get(s) ?? 0) === 0 && !busy(s));
    for (const s of empty) this.seats.delete(s);
    return empty;
  }

  get seatCount(): number {
    return this.seats.size;
  }

  private occupancy(now: number): Map<number, number> {
    const counts = new Map<number, number>();
    for (const [ns, q] of this.byNamespace) {
      if (q.until <= now) this.byNamespace.delete(ns);
      else counts.set(q.seat, (counts.get(q.seat) ?? 0) + 1);
    }
    return counts;
  }
}
