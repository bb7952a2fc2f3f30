// The messages one side of a sandbox's IPC channel sends in one turn of the event loop go as one
// write. Under load (c = 16) the supervisor then wakes its sandbox once per batch of runs, and the
// sandbox its supervisor once per batch of 'done's, instead of once per activation: on this
// machine every write to the channel wakes the other process, and those wake-ups and switches,
// with the event loop's work per message on both sides, are most of the hop's CPU (README,
// "Sandbox processes"). A turn with a single message writes that message itself, so at c = 1 the
// bytes are as before, and the flush is the same turn's check phase (setImmediate).

/** What crosses the channel: one message, or a turn's messages in order. */
export type Batched<M> = M | M[];

/**
 * Contract: every message given to `send` is passed to `write` exactly once, in the order given;
 * those of one turn of the event loop together, at that turn's setImmediate or at an earlier
 * `flush()`: as an array when more than one, as the message itself when alone. A message that must
 * go with a handle or a callback is written by the caller itself right after `flush()`, which keeps
 * the order. A message is never an array itself (`eachMessage` could not tell it from a batch).
 */
export class ChannelBatcher<M extends object> {
  #pending: M[] = [];
  #scheduled = false;

  constructor(private readonly write: (payload: Batched<M>) => void) {}

  send(m: M): void {
    this.#pending.push(m);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Writes what is pending now (a no-op when nothing is). */
  readonly flush = (): void => {
    this.#scheduled = false;
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    this.write(pending.length === 1 ? pending[0]! : pending);
  };
}

/** Calls `fn` with each message of a received payload, in the order sent. */
export function eachMessage<M>(payload: Batched<M>, fn: (m: M) => void): void {
  if (!Array.isArray(payload)) return fn(payload);
  for (const m of payload) fn(m);
}
