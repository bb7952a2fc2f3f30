// Host streams seen by the guest as numbered handles: a socket, an HTTP request or response.
// Bytes cross as copies with flow control both ways, so neither side can make the other buffer
// without bound: host → guest, at most WINDOW bytes are in flight until the guest acknowledges what
// it consumed (the host stream is paused meanwhile, so TCP pushes back on the peer); guest → host,
// the guest writes one piece of at most MAX_PIECE bytes at a time, answered at once while the host
// holds at most WINDOW bytes of the stream's unsent data, else once it drains. Per module and
// context, at most SCOPE_WINDOW unacknowledged bytes in all and MAX_HANDLES open handles.
import type { Readable, Writable } from 'node:stream';
import type { HostBuiltinScope } from '../host-builtin.js';

/** Bytes sent to the guest and not yet acknowledged before the host stream is paused. */
export const WINDOW = 256 * 1024;
/** Largest piece of one guest write (the guest splits bigger writes). */
export const MAX_PIECE = 64 * 1024;
/** Unacknowledged bytes of all of a module's streams in one context, before each is paused too. */
export const SCOPE_WINDOW = 8 * 1024 * 1024;
/** Open handles per module per context (sockets, requests, responses): more fail with EMFILE. */
export const MAX_HANDLES = 256;

interface Entry {
  readable: Readable | null;
  writable: Writable | null;
  unacked: number;
  paused: boolean;
}

/**
 * One module's handles in one context. Contract: events go to the guest as
 * `data {id, chunk}`, `end {id}`, `error {id, name, message, code}`, `close {id}`; every stream
 * added is destroyed when the scope's signal aborts; ops on unknown ids fail with EBADF.
 */
export class HostStreams {
  private readonly entries = new Map<number, Entry>();
  private readonly paused = new Set<Entry>();
  private unackedTotal = 0;
  private seq = 0;

  constructor(private readonly scope: HostBuiltinScope) {
    scope.signal.addEventListener('abort', () => this.destroyAll(), { once: true });
  }

  /** Registers a stream pair (one object may be both); starts relaying its data to the guest. */
  add(readable: Readable | null, writable: Writable | null): number {
    if (this.entries.size >= MAX_HANDLES) {
      readable?.destroy();
      writable?.destroy();
      throw coded('EMFILE', `too many open sockets and streams (${MAX_HANDLES} per module per activation context)`);
    }
    const same = (readable as unknown) === (writable as unknown);
    const id = ++this.seq;
    // The guest decides when to end its side (its own allowHalfOpen): a host socket must not end
    // its writable side by itself when the peer's FIN arrives, or the guest's last writes fail.
    if (readable && same && 'allowHalfOpen' in readable) (readable as Readable & { allowHalfOpen: boolean }).allowHalfOpen = true;
    const e: Entry = { readable, writable, unacked: 0, paused: false };
    this.entries.set(id, e);
    const emit = this.scope.emit.bind(this.scope);
    const onError = (err: Error): void => {
      const code = (err as NodeJS.ErrnoException).code;
      emit('error', { id, name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) });
    };
    let closes = (readable ? 1 : 0) + (writable && !same ? 1 : 0);
    const onClose = (): void => {
      if (--closes > 0) return;
      this.entries.delete(id);
      this.paused.delete(e);
      this.unackedTotal -= e.unacked;
      e.unacked = 0;
      emit('close', { id });
    };
    if (readable) {
      readable.on('data', (d: Buffer | string) => {
        const b = typeof d === 'string' ? Buffer.from(d) : d;
        e.unacked += b.length;
        this.unackedTotal += b.length;
        emit('data', { id, chunk: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) });
        if ((e.unacked >= WINDOW || this.unackedTotal >= SCOPE_WINDOW) && !e.paused) {
          e.paused = true;
          this.paused.add(e);
          readable.pause();
        }
      });
      readable.on('end', () => emit('end', { id }));
      readable.on('error', onError);
      readable.on('close', onClose);
    }
    if (writable && !same) {
      writable.on('error', onError);
      writable.on('close', onClose);
    }
    if (this.scope.signal.aborted) this.destroyEntry(e);
    return id;
  }

  /** The guest consumed `n` bytes of stream `id`: resume it once under the window. */
  ack(id: unknown, n: unknown): void {
    const e = this.entries.get(Number(id));
    if (!e || typeof n !== 'number' || !(n >= 0)) return;
    const done = Math.min(e.unacked, n);
    e.unacked -= done;
    this.unackedTotal -= done;
    if (this.unackedTotal >= SCOPE_WINDOW) return;
    // Under the context's window again: every stream paused under its own window goes on.
    for (const p of [...this.paused]) {
      if (p.unacked >= WINDOW) continue;
      p.paused = false;
      this.paused.delete(p);
      p.readable?.resume();
    }
  }

  /** Writes one piece; resolves when the host stream can take the next one. */
  write(id: unknown, chunk: unknown): Promise<void> | void {
    const w = this.entry(id).writable;
    if (!w) throw coded('EBADF', 'not writable');
    const b = toBuffer(chunk);
    if (b.length > MAX_PIECE) throw coded('ERR_OUT_OF_RANGE', `a write piece is at most ${MAX_PIECE} bytes`, RangeError);
    if (w.destroyed || w.writableEnded) throw coded('EPIPE', 'This socket has been ended by the other party');
    // The guest may keep writing while the host holds at most WINDOW bytes for this stream.
    if (w.write(b) || w.writableLength <= WINDOW) return;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        w.off('drain', done);
        w.off('close', done);
        resolve();
      };
      w.on('drain', done);
      w.on('close', done);
    });
  }

  /** Ends the writable side (after what was written); `chunk` optional, one piece. */
  end(id: unknown): void {
    const w = this.entry(id).writable;
    if (w && !w.writableEnded) w.end();
  }

  destroy(id: unknown): void {
    const e = this.entries.get(Number(id));
    if (e) this.destroyEntry(e);
  }

  /** The stream behind a handle, for module-specific operations (setNoDelay, writeHead, …). */
  get(id: unknown): { readable: Readable | null; writable: Writable | null } {
    return this.entry(id);
  }

  size(): number {
    return this.entries.size;
  }

  private entry(id: unknown): Entry {
    const e = typeof id === 'number' ? this.entries.get(id) : undefined;
    if (!e) throw coded('EBADF', 'bad stream handle');
    return e;
  }

  private destroyEntry(e: Entry): void {
    e.readable?.destroy();
    e.writable?.destroy();
  }

  private destroyAll(): void {
    for (const e of this.entries.values()) this.destroyEntry(e);
  }
}

/** The module's HostStreams in this scope (made at first use). */
export function streamsOf(scope: HostBuiltinScope): HostStreams {
  const s = scope.state as { streams?: HostStreams };
  s.streams ??= new HostStreams(scope);
  return s.streams;
}

export function coded(code: string, message: string, Ctor: ErrorConstructor = Error): Error {
  const e = new Ctor(message) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export function toBuffer(chunk: unknown): Buffer {
  if (chunk instanceof ArrayBuffer) return Buffer.from(chunk);
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw coded('ERR_INVALID_ARG_TYPE', 'a chunk must be bytes or a string', TypeError);
}

/** Common stream ops of a module: returns undefined when `op` is not one of them. */
export function streamOp(op: string, args: unknown[], scope: HostBuiltinScope): { value: unknown } | undefined {
  const s = streamsOf(scope);
  switch (op) {
    case 'write':
      return { value: s.write(args[0], args[1]) };
    case 'ack':
      s.ack(args[0], args[1]);
      return { value: null };
    case 'end':
      s.end(args[0]);
      return { value: null };
    case 'destroy':
      s.destroy(args[0]);
      return { value: null };
    default:
      return undefined;
  }
}
