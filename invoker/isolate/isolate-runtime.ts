// One V8 isolate (isolated-vm) and the contexts in it. The only file of photon that imports
// isolated-vm, so that everything above it is testable and replaceable.
//
// Limits are enforced here, not trusted to the code: every call into the guest runs under a host
// timer that disposes the whole isolate when it fires. isolated-vm's own `timeout` option only
// counts time the isolate is executing, so it cannot stop an async main() that never resolves;
// disposing stops both that and a synchronous `while (true) {}` (V8 TerminateExecution), and the
// host thread is never blocked because every call is asynchronous (the isolate runs on
// isolated-vm's thread pool). The memory limit is V8's: isolated-vm disposes the isolate when
// its heap passes `memoryLimit`, and the error it throws is recognised below.
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import type { GuestConfig, GuestInstallResult, GuestMessage, GuestRunResult, HostMessage } from './guest-protocol.js';

// The file is one parenthesised function expression followed by `;`.
const GUEST_SOURCE = readFileSync(new URL('./guest-runtime.js', import.meta.url), 'utf8').trim().replace(/;$/, '');
// Compiled once per isolate (and run in each of its contexts); V8's code cache, produced by the
// first isolate of the process, spares later isolates the parse and compile of the runtime.
const GUEST_SCRIPT = `(${GUEST_SOURCE})`;
let guestCodeCache: ivm.ExternalCopy<ArrayBuffer> | undefined;

/**
 * Why an isolate stopped serving, the one enum from V8 up to the pool's events: its own limits
 * (timeout, memory), the pool's decisions (keep-alive and memory-pressure evictions, a developer
 * error retiring it, collateral of another activation's limit, closed), or internal failure.
 */
export type DisposeReason = 'timeout' | 'memory' | 'keep-alive' | 'memory-pressure' | 'developer-error' | 'collateral' | 'closed' | 'internal';

/** A call into the guest that did not complete because the isolate was disposed under it. */
export interface Aborted {
  kind: 'aborted';
  /** timeout: this call's own timer fired; memory: V8 hit memoryLimit; otherwise the isolate was disposed for `reason`. */
  reason: DisposeReason;
  /** false when another call's timer disposed the isolate under this one (collateral). */
  own: boolean;
  message: string;
}

export type RunResult = GuestRunResult | Aborted;
export type InstallResult = GuestInstallResult | Aborted;

/**
 * A context inside the isolate with the guest runtime installed. Contract: install() once, then
 * run() any number of times, concurrently if the action allows it; deliver() never throws and
 * is a no-op once the isolate is gone; release() frees the context (the isolate stays).
 */
export interface GuestContext {
  readonly id: number;
  install(code: string, entry: string, config: GuestConfig, timeoutMs: number): Promise<InstallResult>;
  run(paramsJson: string, envJson: string, timeoutMs: number): Promise<RunResult>;
  deliver(msg: HostMessage): void;
  release(): void;
}

export interface IsolateRuntimeOptions {
  /** V8 heap limit in MB (isolated-vm memoryLimit; minimum 8). */
  memoryMb: number;
  /** Every guest message of every context of this isolate, tagged with the context id. */
  onMessage(contextId: number, msg: GuestMessage): void;
  /** Called once, when the isolate is disposed for any reason (including by its own memory limit). */
  onDisposed?(reason: DisposeReason): void;
  /** isolated-vm's "very bad error": V8 lost control of an isolate; the process should stop taking work. */
  onCatastrophicError?(message: string): void;
}

/**
 * An isolate that can create guest contexts. Contract: once `disposed` is true it stays true,
 * every pending call resolves to an Aborted result and `disposeReason` says why.
 */
export interface IsolateRuntime {
  readonly disposed: boolean;
  readonly disposeReason: DisposeReason | null;
  createContext(): Promise<GuestContext>;
  /** Bytes of V8 heap in use (used + external), for memory-pressure decisions and the benchmark. */
  heapBytes(): Promise<number>;
  dispose(reason: DisposeReason): void;
}

const MEMORY_LIMIT_TEXT = 'memory limit';

/** What guest-runtime.js returns to the host. */
interface GuestApi {
  install(code: string, entry: string, configJson: string): string;
  run(paramsJson: string, envJson: string): Promise<string>;
  deliver(msg: HostMessage): void;
}

class IvmRuntime implements IsolateRuntime {
  private readonly isolate: ivm.Isolate;
  private reason: DisposeReason | null = null;
  private contextSeq = 0;
  private guest: ivm.Script | null = null;

  constructor(private readonly options: IsolateRuntimeOptions) {
    this.isolate = new ivm.Isolate({
      memoryLimit: Math.max(8, options.memoryMb),
      onCatastrophicError: (message: string) => options.onCatastrophicError?.(message),
    });
  }

  get disposed(): boolean {
    return this.reason !== null || this.isolate.isDisposed;
  }

  get disposeReason(): DisposeReason | null {
    if (this.reason === null && this.isolate.isDisposed) this.markDisposed('memory');
    return this.reason;
  }

  dispose(reason: DisposeReason): void {
    if (this.reason !== null) return;
    // The reason is recorded before dispose() so that the rejections it causes can be classified.
    this.reason = reason;
    try {
      if (!this.isolate.isDisposed) this.isolate.dispose();
    } catch {
      // Already disposed by isolated-vm (memory limit) between the check and the call.
    }
    this.options.onDisposed?.(reason);
  }

  /** isolated-vm disposed the isolate by itself: only its memory limit does that. */
  private markDisposed(reason: DisposeReason): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.options.onDisposed?.(reason);
  }

  async heapBytes(): Promise<number> {
    if (this.disposed) return 0;
    const s = await this.isolate.getHeapStatistics();
    return s.used_heap_size + s.externally_allocated_size;
  }

  /** Runs one call into the guest under a timer that disposes the isolate when it fires. */
  async guard<T>(call: () => Promise<T>, timeoutMs: number): Promise<T | Aborted> {
    if (this.disposed) return { kind: 'aborted', reason: this.disposeReason ?? 'internal', own: false, message: 'The isolate was already disposed.' };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.dispose('timeout');
    }, Math.max(1, timeoutMs));
    try {
      return await call();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (timedOut) return { kind: 'aborted', reason: 'timeout', own: true, message };
      if (message.includes(MEMORY_LIMIT_TEXT)) this.markDisposed('memory');
      // Every activation in flight when the heap blew is charged with it: V8 cannot say whose it was.
      if (this.disposed) return { kind: 'aborted', reason: this.disposeReason ?? 'internal', own: this.reason === 'memory', message };
      // isolated-vm failed without disposing (should not happen: the guest catches user errors).
      this.dispose('internal');
      return { kind: 'aborted', reason: 'internal', own: false, message };
    } finally {
      clearTimeout(timer);
    }
  }

  private guestScript(): ivm.Script {
    if (this.guest) return this.guest;
    if (guestCodeCache) {
      this.guest = this.isolate.compileScriptSync(GUEST_SCRIPT, { filename: 'photon:guest-runtime.js', cachedData: guestCodeCache });
    } else {
      this.guest = this.isolate.compileScriptSync(GUEST_SCRIPT, { filename: 'photon:guest-runtime.js', produceCachedData: true });
      guestCodeCache = (this.guest as ivm.Script & ivm.CachedDataResult).cachedData;
    }
    return this.guest;
  }

  async createContext(): Promise<GuestContext> {
    const context = await this.isolate.createContext();
    const id = ++this.contextSeq;
    const onMessage = this.options.onMessage;
    const send = new ivm.Callback((msg: GuestMessage) => onMessage(id, msg), { ignored: true });
    const factory = (await this.guestScript().run(context, { reference: true })) as ivm.Reference<(s: unknown) => unknown>;
    const api = (await factory.apply(undefined, [send], { result: { reference: true } })) as ivm.Reference<GuestApi>;
    factory.release();
    const install = api.getSync('install', { reference: true }) as ivm.Reference<(c: string, e: string, j: string) => string>;
    const run = api.getSync('run', { reference: true }) as ivm.Reference<(p: string, e: string) => Promise<string>>;
    const deliver = api.getSync('deliver', { reference: true }) as ivm.Reference<(m: HostMessage) => void>;
    api.release();
    return new IvmContext(this, id, context, install, run, deliver);
  }
}

class IvmContext implements GuestContext {
  constructor(
    private readonly runtime: IvmRuntime,
    readonly id: number,
    private readonly context: ivm.Context,
    private readonly installRef: ivm.Reference<(c: string, e: string, j: string) => string>,
    private readonly runRef: ivm.Reference<(p: string, e: string) => Promise<string>>,
    private readonly deliverRef: ivm.Reference<(m: HostMessage) => void>,
  ) {}

  async install(code: string, entry: string, config: GuestConfig, timeoutMs: number): Promise<InstallResult> {
    const out = await this.runtime.guard(
      () => this.installRef.apply(undefined, [code, entry, JSON.stringify(config)], { result: { copy: true } }),
      timeoutMs,
    );
    if (typeof out !== 'string') return out;
    return JSON.parse(out) as GuestInstallResult;
  }

  async run(paramsJson: string, envJson: string, timeoutMs: number): Promise<RunResult> {
    const out = await this.runtime.guard(
      () => this.runRef.apply(undefined, [paramsJson, envJson], { result: { promise: true, copy: true } }),
      timeoutMs,
    );
    if (typeof out !== 'string') return out;
    return decodeRunResult(out);
  }

  deliver(msg: HostMessage): void {
    if (this.runtime.disposed) return;
    try {
      this.deliverRef.applyIgnored(undefined, [msg], { arguments: { copy: true } });
    } catch {
      // The isolate went away between the check and the call; nothing is waiting for this message.
    }
  }

  release(): void {
    if (this.runtime.disposed) return;
    for (const r of [this.installRef, this.runRef, this.deliverRef]) r.release();
    this.context.release();
  }
}

/** The guest's one-letter-tagged result string (see guest-runtime.js) as a typed value. */
export function decodeRunResult(out: string): GuestRunResult {
  const body = out.slice(1);
  switch (out[0]) {
    case 'o':
      return { kind: 'ok', json: body };
    case 'a':
      return { kind: 'application-error', error: JSON.parse(body) as unknown };
    case 't': {
      const t = JSON.parse(body) as { length: number; truncated: string };
      return { kind: 'too-large', length: t.length, truncated: t.truncated };
    }
    default:
      return { kind: 'developer-error', message: body };
  }
}

export function createIsolateRuntime(options: IsolateRuntimeOptions): IsolateRuntime {
  return new IvmRuntime(options);
}
