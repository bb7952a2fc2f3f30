// The host side of node:zlib: Node's own zlib, always through its asynchronous streams, so the work
// runs on libuv's thread pool one chunk (chunkSize of output) at a time: no job holds a pool thread
// for long, the invoker's event loop never runs a (de)compression itself, and between chunks the
// output is counted. An answer never grows past the action's memory limit (nor the caller's
// maxOutputLength): a zip bomb ends with Node's RangeError ERR_BUFFER_TOO_LARGE after at most that
// many bytes, and the stream is destroyed. When the context's activations end, its streams go too.
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import type { HostBuiltin, HostBuiltinScope } from '../host-builtin.js';

type Mode = keyof typeof MAKERS;
type EngineOptions = zlib.ZlibOptions & zlib.BrotliOptions & zlib.ZstdOptions;
const MAKERS = {
  deflate: zlib.createDeflate, inflate: zlib.createInflate, gzip: zlib.createGzip, gunzip: zlib.createGunzip,
  deflateRaw: zlib.createDeflateRaw, inflateRaw: zlib.createInflateRaw, unzip: zlib.createUnzip,
  brotliCompress: zlib.createBrotliCompress, brotliDecompress: zlib.createBrotliDecompress,
  zstdCompress: zlib.createZstdCompress, zstdDecompress: zlib.createZstdDecompress,
} as const;
const NUMBERS = ['level', 'windowBits', 'memLevel', 'strategy', 'chunkSize', 'flush', 'finishFlush'] as const;
const MAX_STREAMS = 256;

/** Options as Node takes them, from hostile guest data: known keys only, numbers and bytes. */
function options(v: unknown): EngineOptions {
  const o = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const k of NUMBERS) if (o[k] !== undefined) out[k] = o[k];
  if (o.dictionary instanceof Uint8Array) out.dictionary = Buffer.from(o.dictionary);
  if (o.params !== null && typeof o.params === 'object') {
    const p: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o.params as Record<string, unknown>)) p[k] = x;
    out.params = p;
  }
  return out as EngineOptions;
}
function tooLarge(limit: number): RangeError {
  return Object.assign(new RangeError(`Cannot create a Buffer larger than ${limit} bytes`), { code: 'ERR_BUFFER_TOO_LARGE' });
}
function input(v: unknown): Buffer {
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v === undefined || v === null) return Buffer.alloc(0);
  throw Object.assign(new TypeError('The "buffer" argument must be an instance of Buffer, TypedArray, DataView, or ArrayBuffer.'), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** A Buffer's bytes as their own ArrayBuffer: the form isolated-vm copies into the guest fastest. */
function arrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** zlib streams alive on this host (for tests and metrics): each one is work on the thread pool. */
export const zlibWork = { streams: 0 };

/** One Node zlib stream and the output it produced since the last take(), bounded by `limit`. */
class Engine {
  private chunks: Buffer[] = [];
  private size = 0;
  private failure: Error | null = null;
  private waiting: ((e: Error) => void) | null = null;
  readonly stream: Transform;

  constructor(mode: unknown, opts: unknown, private readonly limit: number) {
    if (typeof mode !== 'string' || !Object.hasOwn(MAKERS, mode)) throw new TypeError(`zlib: no mode ${String(mode)}`);
    this.stream = (MAKERS[mode as Mode] as (o: EngineOptions) => Transform)(options(opts));
    zlibWork.streams++;
    this.stream.once('close', () => { zlibWork.streams--; });
    this.stream.on('data', (c: Buffer) => {
      this.size += c.length;
      if (this.size > this.limit) this.fail(tooLarge(this.limit));
      else this.chunks.push(c);
    });
    this.stream.on('error', (e: Error) => this.fail(e));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.chunks = [];
    this.stream.destroy();
    this.waiting?.(e);
  }

  private take(): ArrayBuffer {
    const b = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return arrayBuffer(b);
  }

  /** Writes and answers the output so far, once Node has consumed the chunk. */
  write(data: Buffer): Promise<ArrayBuffer> {
    return this.wait((done) => this.stream.write(data, (e) => done(e ?? null)));
  }

  flush(kind: unknown): Promise<ArrayBuffer> {
    const z = this.stream as unknown as zlib.Zlib;
    return this.wait((done) => z.flush(typeof kind === 'number' ? kind : zlib.constants.Z_FULL_FLUSH, () => done(null)));
  }

  params(level: unknown, strategy: unknown): Promise<ArrayBuffer> {
    const z = this.stream as unknown as { params(level: number, strategy: number, cb: () => void): void };
    return this.wait((done) => z.params(Number(level), Number(strategy), () => done(null)));
  }

  /** Ends the stream and answers the rest of the output. */
  end(data: Buffer): Promise<ArrayBuffer> {
    return this.wait((done) => {
      this.stream.once('end', () => done(null));
      this.stream.end(data);
    });
  }

  private wait(start: (done: (e: Error | null) => void) => void): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.waiting = reject;
      start((e) => {
        this.waiting = null;
        if (this.failure || e) reject(this.failure ?? e);
        else resolve(this.take());
      });
    });
  }

  destroy(): void {
    this.stream.destroy();
  }
}

function engines(scope: HostBuiltinScope): Map<number, Engine> {
  let m = scope.state.engines as Map<number, Engine> | undefined;
  if (!m) {
    const made = new Map<number, Engine>();
    scope.state.engines = made;
    scope.signal.addEventListener('abort', () => { for (const e of made.values()) e.destroy(); made.clear(); }, { once: true });
    m = made;
  }
  return m;
}
function engine(scope: HostBuiltinScope, id: unknown): Engine {
  const e = engines(scope).get(Number(id));
  if (!e) throw Object.assign(new Error('zlib binding closed'), { code: 'ERR_ZLIB_BINDING_CLOSED' });
  return e;
}
/** The most an answer may hold: the action's memory limit, or the caller's maxOutputLength if lower. */
async function limitOf(scope: HostBuiltinScope, max: unknown): Promise<number> {
  const mem = ((scope.state.limit as number | undefined) ??= (await scope.memory()).limit || 2 ** 31);
  return typeof max === 'number' && max >= 1 ? Math.min(max, mem) : mem;
}

// Small jobs run synchronously here, as Node's own gzipSync would: a thread-pool round trip per
// chunk costs more than the work. Small means at most SMALL_IN bytes in and SMALL_OUT out, so a
// call holds the event loop for a few milliseconds at most; anything bigger (a bomb included)
// continues on the thread pool, chunk by chunk.
const SMALL_IN = 256 * 1024;
const SMALL_OUT = 1024 * 1024;
const SYNC = {
  deflate: zlib.deflateSync, inflate: zlib.inflateSync, gzip: zlib.gzipSync, gunzip: zlib.gunzipSync,
  deflateRaw: zlib.deflateRawSync, inflateRaw: zlib.inflateRawSync, unzip: zlib.unzipSync,
  brotliCompress: zlib.brotliCompressSync, brotliDecompress: zlib.brotliDecompressSync,
  zstdCompress: zlib.zstdCompressSync, zstdDecompress: zlib.zstdDecompressSync,
} as const;
/** The answer if the job is small, else null (the caller runs it on the thread pool). */
function runSmall(mode: unknown, opts: unknown, data: Buffer, limit: number): ArrayBuffer | null {
  if (data.length > SMALL_IN || typeof mode !== 'string' || !Object.hasOwn(SYNC, mode)) return null;
  const cap = Math.min(limit, SMALL_OUT);
  try {
    const b = (SYNC[mode as Mode] as (d: Buffer, o: EngineOptions) => Buffer)(data, { ...options(opts), maxOutputLength: cap });
    return arrayBuffer(b);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' && cap < limit) return null; // bigger than small: the pool's turn
    if (code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw e;
  }
}

export const zlibHost: HostBuiltin = {
  async call(op, args, scope) {
    switch (op) {
      case 'run': { // one-shot (gzipSync, gzip(cb)): (mode, options, data, maxOutputLength)
        const limit = await limitOf(scope, args[3]);
        const small = runSmall(args[0], args[1], input(args[2]), limit);
        if (small !== null) return small;
        // One-shot output does not depend on the output buffer's size: a bigger one means fewer
        // thread-pool round trips (Node's default is 16 KB).
        const o = { chunkSize: 64 * 1024, ...(args[1] as object) };
        const e = new Engine(args[0], o, limit);
        const onAbort = (): void => e.destroy();
        scope.signal.addEventListener('abort', onAbort, { once: true });
        try { return await e.end(input(args[2])); } finally { scope.signal.removeEventListener('abort', onAbort); }
      }
      case 'open': {
        const m = engines(scope);
        if (m.size >= MAX_STREAMS) throw new RangeError(`too many open zlib streams in this activation (${MAX_STREAMS})`);
        m.set(Number(args[0]), new Engine(args[1], args[2], await limitOf(scope, undefined)));
        return null;
      }
      case 'write': return engine(scope, args[0]).write(input(args[1]));
      case 'flush': return engine(scope, args[0]).flush(args[1]);
      case 'params': return engine(scope, args[0]).params(args[1], args[2]);
      case 'end': {
        const e = engine(scope, args[0]);
        try { return await e.end(input(args[1])); } finally { engines(scope).delete(Number(args[0])); }
      }
      case 'close':
        engines(scope).get(Number(args[0]))?.destroy();
        engines(scope).delete(Number(args[0]));
        return null;
      default:
        throw new TypeError(`zlib: no host operation ${op}`);
    }
  },
};
