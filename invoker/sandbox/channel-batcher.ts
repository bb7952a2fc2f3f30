// The messages one side of a sandbox's IPC channel sends while the other side is busy go as one
// write per turn of the event loop. Under load (c = 16) the supervisor then wakes its sandbox once
// per batch of runs, and the sandbox its supervisor once per batch of 'done's, instead of once per
// activation: on this machine every write to the channel wakes the other process, and those
// wake-ups and switches, with the event loop's work per message on both sides, are most of the
// hop's CPU (README, "Sandbox processes"). A message its sender marks `now` (nothing else in
// flight: c = 1) goes at once with whatever is pending, so at c = 1 the channel carries the same
// bytes at the same moment as before (holding every message for the check phase cost c = 1
// latency in two bench:peers runs, README).
/** What crosses the channel: one message, or a turn's messages in order. */
export type Batched<M> = M | M[];

/**
 * Contract: every message given to `send` is passed to `write` exactly once, in the order given.
 * A message sent with `now` is written at once, together with those pending before it; the others
 * are written together at their turn's setImmediate or at an earlier `now` or `flush()`. A write
 * of more than one message is an array, of one the message itself. A message that must go with a
 * handle or a callback is written by the caller itself right after `flush()`, which keeps the
 * order. A message is never an array itself (`eachMessage` could not tell it from a batch).
 */
export class ChannelBatcher<M extends object> {
  #pending: M[] = [];
  #scheduled = false;

  constructor(private readonly write: (payload: Batched<M>) => void) {}

  send(m: M, now = false): void {
    this.#pending.push(m);
    if (now) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#endTurn);
    }
  }

  /** Writes what is pending now (a no-op when nothing is). */
  readonly flush = (): void => {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    this.write(pending.length === 1 ? pending[0]! : pending);
  };

  readonly #endTurn = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}

/** Calls `fn` with each message of a received payload, in the order sent. */
export function eachMessage<M>(payload: Batched<M>, fn: (m: M) => void): void {
  if (!Array.isArray(payload)) return fn(payload);
  for (const m of payload) fn(m);
}
