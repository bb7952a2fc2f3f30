// The messages one side of a sandbox's IPC channel sends in one turn of the event loop go in at
// most two writes: the turn's first at once, the rest together at the turn's setImmediate. Under
// load (c = 16) the supervisor then wakes its sandbox about twice per turn instead of once per run,
// and the sandbox its supervisor twice per turn instead of once per 'done': on this machine every
// write to the channel wakes the other process, and those wake-ups and switches, with the event
// loop's work per message on both sides, are most of the hop's CPU (README, "Sandbox processes").
// The first message is not held: at c = 1 the channel carries the same bytes at the same moment as
// before (holding it for the check phase cost c = 1 latency in two bench:peers runs, README).
/** What crosses the channel: one message, or a turn's messages in order. */
export type Batched<M> = M | M[];

/**
 * Contract: every message given to `send` is passed to `write` exactly once, in the order given.
 * The first of a turn of the event loop is written at once; the others of that turn are written
 * together at its setImmediate or at an earlier `flush()`: as an array when more than one, as the
 * message itself when alone. A message that must go with a handle or a callback is written by the
 * caller itself right after `flush()`, which keeps the order. A message is never an array itself
 * (`eachMessage` could not tell it from a batch).
 */
export class ChannelBatcher<M extends object> {
  #pending: M[] = [];
  /** A write happened this turn (its setImmediate is queued): later messages of the turn wait for it. */
  #inTurn = false;

  constructor(private readonly write: (payload: Batched<M>) => void) {}

  send(m: M): void {
    if (this.#inTurn) {
      this.#pending.push(m);
      return;
    }
    this.#inTurn = true;
    setImmediate(this.#endTurn);
    this.write(m);
  }

  /** Writes what is pending now (a no-op when nothing is). */
  readonly flush = (): void => {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    this.write(pending.length === 1 ? pending[0]! : pending);
  };

  readonly #endTurn = (): void => {
    this.#inTurn = false;
    this.flush();
  };
}

/** Calls `fn` with each message of a received payload, in the order sent. */
export function eachMessage<M>(payload: Batched<M>, fn: (m: M) => void): void {
  if (!Array.isArray(payload)) return fn(payload);
  for (const m of payload) fn(m);
}
