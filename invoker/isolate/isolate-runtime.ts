// One V8 isolate (isolated-vm) and the contexts in it. With layer-snapshot.ts (which makes the
// startup snapshot isolates start from) the only file of photon that imports isolated-vm, so that
// everything above it is testable and replaceable.
//
// Limits are enforced here, not trusted to the code: every call into the guest runs under a host
// timer that disposes the whole isolate when it fires. isolated-vm's own `timeout` option only
// counts time the isolate is executing, so it cannot stop an async main() that never resolves;
// disposing stops both that and a synchronous `while (true) {}` (V8 TerminateExecution), and the
// host thread is never blocked because every call is asynchronous (the isolate runs on
// isolated-vm's thread pool). The memory limit is V8's: isolated-vm disposes the isolate when
// its heap passes `memoryLimit`, and the error it throws is recognised below; memory outside the
// heap that isolated-vm does not count (Wasm, resizable buffers) is counted by guest-memory.js,
// which asks for the same disposal ('memory-exceeded').
import ivm from 'isolated-vm';
import v8 from 'node:v8';
import { builtinCodeCache } from './builtin-code-cache.js';
import { linkEsmEntry, type GuestEsm } from './esm-linker.js';
import type { ActionFiles, BuiltinAnswer, GuestConfig, GuestInstallResult, GuestMessage, GuestRunResult, HostMessage } from './guest-protocol.js';
import { builtinSource, bundledPackageSource, ensureBuiltins } from '../builtins/build-builtins.js';
import { guestBoot } from './layer-snapshot.js';
import { kindCache, wrapModule } from './archive-code-cache.js';
import { CallDeadlines } from './call-deadlines.js';

// V8's own base64 (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64, TC39 stage 4, on by
// default from V8 14.0; Node 24's V8 13.6 has it behind this flag): node:buffer's base64 then runs
// natively inside the isolate, with no copy across the boundary (invoker/README.md "Built-in
// modules"). A JavaScript feature flag, read when a context is created, so set before any isolate
// exists; PHOTON_V8_BASE64=off leaves it off (node:buffer then sends large base64 to the host).
if (process.env.PHOTON_V8_BASE64 !== 'off') v8.setFlagsFromString('--js-base-64');

// The built-in modules' bundles exist (built or rebuilt if stale) before any isolate does.
await ensureBuiltins();
// Compiled once per isolate (and run in each of its contexts); V8's code cache, produced by the
// first isolate of the process, spares later isolates the parse and compile of the runtime.
const GUEST_SCRIPT = guestBoot.script;
/**
 * Isolates start from the layer's startup snapshot (layer-snapshot.ts: the guest runtime and the
 * common built-ins already run), built here once per process (invoker or sandbox process) at start,
 * from photon's own code only; PHOTON_LAYER_SNAPSHOT=off starts them plain (the runtime compiled
 * with code cache in each context, every built-in loaded at its first require).
 */
const LAYER_SNAPSHOT = process.env.PHOTON_LAYER_SNAPSHOT === 'off' ? null : guestBoot.snapshot();
if (process.env.PHOTON_LAYER_SNAPSHOT !== 'off' && LAYER_SNAPSHOT === null) console.warn(`photon: the built-in layer's startup snapshot could not be built, isolates start without it: ${guestBoot.failure}`);
if (guestBoot.handedFailure !== null) console.warn(`photon: the supervisor's layer snapshot was not used, this process built its own: ${guestBoot.handedFailure}`);
let guestCodeCache: ivm.ExternalCopy<ArrayBuffer> | undefined;
/** The deadlines of every call into every isolate of this process. */
const CALL_DEADLINES = new CallDeadlines();

/** Size of an isolate's staging area (createContext): inputs up to this size cross a synchronous host call without a copy. */
const STAGE_BYTES = 64 * 1024;
/**
 * A synchronous host call's arguments with the staged one (`{ photonStaged: n }`, written by
 * guest-builtins.js) replaced by a view of the first n bytes of the staging area. The view is only
 * valid during the call: handlers that take bytes consume them at once (hash updates). The bytes
 * are the guest's, as hostile as any argument; n is checked against the area.
 */
function unstage(args: unknown[], stage: SharedArrayBuffer): unknown[] {
  return args.map((a) => {
    if (a === null || typeof a !== 'object' || !Object.hasOwn(a, 'photonStaged')) return a;
    const n = (a as { photonStaged: unknown }).photonStaged;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= stage.byteLength ? new Uint8Array(stage, 0, n) : a;
  });
}

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
  /** `files`: an archive action's files, read by the guest's module loader (config.archive). */
  install(code: string, entry: string, config: GuestConfig, timeoutMs: number, files?: ActionFiles): Promise<InstallResult>;
  run(paramsJson: string, envJson: string, timeoutMs: number): Promise<RunResult>;
  deliver(msg: HostMessage): void;
  release(): void;
}

export interface IsolateRuntimeOptions {
  /** V8 heap limit in MB (isolated-vm memoryLimit; minimum 8). */
  memoryMb: number;
  /** false: start plain, without the built-in layer's startup snapshot (a benchmark's baseline). Default: from it when this process has one. */
  layerSnapshot?: boolean;
  /** Every guest message of every context of this isolate, tagged with the context id. */
  onMessage(contextId: number, msg: GuestMessage): void;
  /**
   * A built-in module's synchronous host call (`require('photon:host').call(op, …args)`): the guest
   * waits for the answer, the event loop does not. Absent: every call answers an error.
   */
  onCall?(contextId: number, module: string, op: string, args: unknown[]): Promise<BuiltinAnswer>;
  /**
   * After each context's first activation (off its latency path): whether its code asked for a
   * built-in the layer's startup snapshot holds (a require, a global such as Buffer or URL). The
   * guest's answer: an action may lie, which only chooses how its own next isolates start.
   */
  onLayerUse?(uses: boolean): void;
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
  /** V8's heap figures (bytes), for process.memoryUsage() inside the guest. */
  heapStatistics(): Promise<{ used: number; total: number; external: number }>;
  dispose(reason: DisposeReason): void;
}

const MEMORY_LIMIT_TEXT = 'memory limit';

/** What guest-runtime.js returns to the host. */
interface GuestApi {
  install(code: string, entry: string, configJson: string, paths?: string, ...fns: unknown[]): string;
  run(paramsJson: string, envJson: string): Promise<string>;
  deliver(msg: HostMessage): void;
  /** ES module entries: 'resolve' (specifier, referrer path) and 'adopt' (namespace, function path); 'compiled': the archive modules the guest compiled from source since last asked (JSON). */
  esm(op: string, a: unknown, b: string): string;
}

class IvmRuntime implements IsolateRuntime {
  readonly isolate: ivm.Isolate;
  private reason: DisposeReason | null = null;
  private contextSeq = 0;
  /**
   * The staging area of built-ins' synchronous host calls (guest-builtins.js hostHandle.bytes):
   * bytes the guest copies here cross without a copy. One per isolate, made on its first context:
   * its contexts share one thread, and the guest is blocked while the host reads it.
   */
  private stage: SharedArrayBuffer | undefined;
  private guest: ivm.Script | null = null;
  /** Made from the layer's snapshot: each context already holds the runtime, to be attached. */
  readonly fromSnapshot: boolean;
  readonly onLayerUse: ((uses: boolean) => void) | undefined;

  constructor(private readonly options: IsolateRuntimeOptions) {
    this.fromSnapshot = LAYER_SNAPSHOT !== null && options.layerSnapshot !== false;
    this.onLayerUse = options.onLayerUse;
    this.isolate = new ivm.Isolate({
      memoryLimit: Math.max(8, options.memoryMb),
      ...(this.fromSnapshot && LAYER_SNAPSHOT !== null ? { snapshot: LAYER_SNAPSHOT.snapshot } : {}),
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

  async heapStatistics(): Promise<{ used: number; total: number; external: number }> {
    if (this.disposed) return { used: 0, total: 0, external: 0 };
    // Synchronous: asked while the guest waits in a host call, the asynchronous form would wait
    // for the isolate that is waiting for it.
    const s = this.isolate.getHeapStatisticsSync();
    return { used: s.used_heap_size, total: s.total_heap_size, external: s.externally_allocated_size };
  }

  async heapBytes(): Promise<number> {
    if (this.disposed) return 0;
    const s = await this.isolate.getHeapStatistics();
    return s.used_heap_size + s.externally_allocated_size;
  }

  /** Runs one call into the guest under a deadline that disposes the isolate when it passes (one timer for all: call-deadlines.ts). */
  async guard<T>(call: () => Promise<T>, timeoutMs: number): Promise<T | Aborted> {
    if (this.disposed) return { kind: 'aborted', reason: this.disposeReason ?? 'internal', own: false, message: 'The isolate was already disposed.' };
    let timedOut = false;
    const deadline = CALL_DEADLINES.add(Math.max(1, timeoutMs), () => {
      timedOut = true;
      this.dispose('timeout');
    });
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
      deadline.cancel();
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

  /**
   * The archive modules of a revision that have V8 cache data, compiled with it and evaluated to
   * their wrapper functions in `context`, before the guest's install runs any code of the action
   * there (the guest takes each at its first require; guest-runtime.js installArchive). Both steps
   * are asynchronous calls, run on the isolate's own thread: no guest code and no microtask ever
   * runs on the invoker's thread, and a busy isolate is waited for without blocking the event
   * loop. Modules without data are compiled by the guest from source. Only data V8 produced in
   * this process is ever passed as cachedData (user-supplied cached data is a known isolated-vm
   * sandbox escape).
   */
  async precompile(context: ivm.Context, files: ActionFiles): Promise<{ paths: string[]; fns: ivm.Reference<unknown>[] }> {
    const out: { paths: string[]; fns: ivm.Reference<unknown>[] } = { paths: [], fns: [] };
    const cache = kindCache(files, this.fromSnapshot);
    if (!cache) return out;
    const todo: { path: string; wrapped: string; data: ivm.ExternalCopy<ArrayBuffer> }[] = [];
    for (const [path, entry] of cache) {
      const wrapped = wrapModule(files, path);
      if (wrapped !== undefined) todo.push({ path, wrapped, data: entry.data });
    }
    // All compiles queued at once, then all runs: the isolate's thread works through them back to
    // back instead of waiting for a turn of the event loop between modules.
    const compiled = await Promise.allSettled(todo.map((t) => this.isolate.compileScript(t.wrapped, { filename: t.path, cachedData: t.data })));
    const scripts = compiled.flatMap((c) => (c.status === 'fulfilled' ? [c.value as ivm.Script & { cachedDataRejected?: boolean }] : []));
    try {
      const failed = compiled.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw failed.reason;
      for (const script of scripts) {
        // isolated-vm sets cachedDataRejected (not in its typings) when V8 refuses the data.
        if (script.cachedDataRejected === true) files.compiles.rejected++;
        else files.compiles.cached++;
      }
      out.fns = (await Promise.all(scripts.map((script) => script.run(context, { reference: true })))) as ivm.Reference<unknown>[];
      out.paths = todo.map((t) => t.path);
    } finally {
      for (const script of scripts) script.release();
    }
    return out;
  }

  /**
   * Cache data for a revision's modules after a load, one module per turn of the event loop:
   * `fresh`, the modules the guest compiled from source (the revision's first load), and
   * `upgrade`, the precompiled ones whose data came from such a load. The same source and name
   * hit V8's in-isolate compilation cache, whose functions the load has compiled meanwhile, so
   * data produced from a precompiled module holds the lazily compiled functions too (`full`);
   * data from a guest-compiled one holds the eager functions only, and is produced again once
   * after the next load that used it. Asynchronous: the isolate may be running an activation by
   * now, and a synchronous call would hold the event loop (and the activation's timer) until it
   * ends. Later isolates of the revision wait for this (ActionFiles.codeCacheWork).
   */
  produceCodeCache(files: ActionFiles, fresh: string[], upgrade: string[]): void {
    const cache = kindCache(files, this.fromSnapshot);
    if (!cache || fresh.length + upgrade.length === 0) return;
    const previous = files.codeCacheWork ?? Promise.resolve();
    files.codeCacheWork = previous.then(async () => {
      for (const [path, full] of [...fresh.map((p) => [p, false] as const), ...upgrade.map((p) => [p, true] as const)]) {
        const known = cache.get(path);
        if (this.disposed || (known && (known.full || !full))) continue;
        const wrapped = wrapModule(files, path);
        if (wrapped === undefined) continue;
        try {
          const script = (await this.isolate.compileScript(wrapped, { filename: path, produceCachedData: true })) as ivm.Script & Partial<ivm.CachedDataResult>;
          if (script.cachedData) cache.set(path, { data: script.cachedData, full });
          script.release();
          await new Promise<void>((r) => setImmediate(r));
        } catch {
          // A syntax error (the load already reported it) or the isolate went away: no data.
        }
      }
    });
  }

  async createContext(): Promise<GuestContext> {
    const context = await this.isolate.createContext();
    const id = ++this.contextSeq;
    const onMessage = this.options.onMessage;
    // 'memory-exceeded': guest-memory.js counted bytes outside the heap past the action's limit
    // and waits (spinning) to be disposed, as isolated-vm disposes an isolate whose heap passed it.
    const send = new ivm.Callback((msg: GuestMessage) => (msg.op === 'memory-exceeded' ? this.dispose('memory') : onMessage(id, msg)), { ignored: true });
    const onCall = this.options.onCall;
    // A built-in's synchronous host call (guest-builtins.js hostHandle.call → applySyncPromise).
    // Copies in, copies out; the answer is always plain data, never a host Error.
    // applySyncPromise takes no result options: the answer goes back as a copy made here.
    const stage = (this.stage ??= new SharedArrayBuffer(STAGE_BYTES));
    const hostCall = new ivm.Reference(async (module: unknown, op: unknown, args: unknown): Promise<unknown> => {
      const answer: BuiltinAnswer = onCall
        ? await onCall(id, String(module), String(op), Array.isArray(args) ? unstage(args as unknown[], stage) : [])
        : { ok: false, error: { name: 'Error', message: 'built-in host calls are not available here' } };
      try {
        return new ivm.ExternalCopy(answer).copyInto({ release: true });
      } catch (e) {
        return new ivm.ExternalCopy({ ok: false, error: { name: 'TypeError', message: `the host's answer cannot be copied: ${String(e)}` } }).copyInto({ release: true });
      }
    });
    // Synchronous: require() is. The guest waits on its own thread while the host answers from
    // the unpacked archive (a map lookup and a copy of the one file asked for). It only answers
    // data: nothing here may run code in the isolate (a script run from inside this call would
    // end with V8's microtask checkpoint on the invoker's thread, running the guest's pending
    // promise reactions there).
    const files: { current: ActionFiles | null } = { current: null };
    const hostFs = new ivm.Callback((op: unknown, path: unknown): unknown => {
      if (op === 'builtin' && typeof path === 'string') return builtinSource(path);
      if (op === 'package' && typeof path === 'string') return bundledPackageSource(path);
      const f = files.current;
      if (!f || typeof path !== 'string') return op === 'stat' ? 0 : undefined;
      if (op === 'list') return f.listing();
      return op === 'stat' ? f.stat(path) : op === 'read' ? f.read(path) : undefined;
    });
    // The isolate's first context, made with it: nothing can be running in the isolate, so the
    // property reads below (photon's own data properties: no guest code runs) are synchronous,
    // sparing a round trip to the isolate's thread each (5 per new isolate from the snapshot).
    const alone = id === 1;
    // attach(send, hostFs, hostCall, stage): left by the snapshot on the context's global object
    // (attach deletes it), or made by running the boot script here. No function code exists yet.
    const factory = (this.fromSnapshot
      ? alone ? context.global.getSync(guestBoot.bindKey, { reference: true }) : await context.global.get(guestBoot.bindKey, { reference: true })
      : await this.guestScript().run(context, { reference: true })) as ivm.Reference<(s: unknown, f: unknown, c: unknown, st: unknown) => unknown>;
    if (factory.typeof !== 'function') throw new Error('photon: the context has no guest runtime to attach');
    const api = (await factory.apply(undefined, [send, hostFs, hostCall, new ivm.ExternalCopy(stage).copyInto({ release: true })], { result: { reference: true } })) as ivm.Reference<GuestApi>;
    factory.release();
    // Asynchronous gets but in the first context: with fresh contexts and concurrency, another
    // context of this isolate may be running an activation now, and a synchronous call would hold
    // the event loop (and that activation's timer) until it ends.
    const get = async (key: keyof GuestApi): Promise<unknown> => (alone ? api.getSync(key, { reference: true }) : await api.get(key, { reference: true }));
    const install = await get('install') as ivm.Reference<(c: string, e: string, j: string, p: string, ...f: unknown[]) => string>;
    const run = await get('run') as ivm.Reference<(p: string, e: string) => Promise<string>>;
    const deliver = await get('deliver') as ivm.Reference<(m: HostMessage) => void>;
    const esm = await get('esm') as GuestEsm;
    api.release();
    return new IvmContext(this, id, context, install, run, deliver, files, esm);
  }
}

class IvmContext implements GuestContext {
  /** The action's key in builtinCodeCache until its built-ins are learned (after the first run). */
  private builtinKey: ActionFiles | string | null = null;
  private builtinsPrecompiled: string[] = [];

  constructor(
    private readonly runtime: IvmRuntime,
    readonly id: number,
    private readonly context: ivm.Context,
    private readonly installRef: ivm.Reference<(c: string, e: string, j: string, p: string, ...f: unknown[]) => string>,
    private readonly runRef: ivm.Reference<(p: string, e: string) => Promise<string>>,
    private readonly deliverRef: ivm.Reference<(m: HostMessage) => void>,
    private readonly files: { current: ActionFiles | null },
    private readonly esm: GuestEsm,
  ) {}

  async install(code: string, entry: string, config: GuestConfig, timeoutMs: number, files?: ActionFiles): Promise<InstallResult> {
    this.files.current = files ?? null;
    // The revision's cache data still being produced (its first isolate just loaded): wait for it.
    if (files?.codeCacheWork) await files.codeCacheWork;
    let precompiled: string[] = [];
    let compiledHere: string[] = [];
    this.builtinKey = builtinCodeCache.key(code, files);
    const out = await this.runtime.guard(async () => {
      // The archive's modules and the built-ins this action loaded before, both with cache data.
      const [pre, preBuiltins] = await Promise.all([
        files ? this.runtime.precompile(this.context, files) : { paths: [], fns: [] },
        builtinCodeCache.precompile(this.runtime.isolate, this.context, this.builtinKey!, this.runtime.fromSnapshot ? guestBoot.preloaded : null),
      ]);
      precompiled = pre.paths;
      this.builtinsPrecompiled = preBuiltins.paths;
      const paths = [...pre.paths, ...preBuiltins.paths];
      const fns = [...pre.fns, ...preBuiltins.fns];
      const first = await this.installRef.apply(undefined, [code, entry, JSON.stringify(config), paths.join('\n'), ...fns.map((f) => f.derefInto({ release: true }))], { result: { copy: true } });
      const esm = JSON.parse(first) as { ok: unknown; entry?: string; fnPath?: string };
      // An ES module entry (guest-runtime.js installArchive): linked here, under the same timer.
      const result = esm.ok !== 'esm' || !files ? first : await linkEsmEntry(this.runtime.isolate, this.context, files, this.esm, esm.entry!, esm.fnPath!);
      if (files) compiledHere = JSON.parse(await this.esm.apply(undefined, ['compiled', null, ''], { result: { copy: true } })) as string[];
      return result;
    }, timeoutMs);
    if (typeof out !== 'string') return out;
    const result = JSON.parse(out) as GuestInstallResult;
    if (files) files.compiles.uncached += compiledHere.length;
    if (result.ok && files) this.runtime.produceCodeCache(files, compiledHere, precompiled);
    return result;
  }

  async run(paramsJson: string, envJson: string, timeoutMs: number): Promise<RunResult> {
    const out = await this.runtime.guard(
      () => this.runRef.apply(undefined, [paramsJson, envJson], { result: { promise: true, copy: true } }),
      timeoutMs,
    );
    if (typeof out !== 'string') return out;
    if (this.builtinKey !== null) this.learnBuiltins(this.builtinKey);
    return decodeRunResult(out);
  }

  /**
   * After the context's first activation (off its latency path): the built-ins it loaded, so that
   * the action's next isolates get them precompiled, and their cache data produced if missing.
   */
  private learnBuiltins(key: ActionFiles | string): void {
    this.builtinKey = null;
    // What its code asked for since the attach, not every module its context holds: a context from
    // the layer's snapshot holds the preloaded ones whether the code used them or not (counting
    // those had a plain isolate of the same code precompile all of them, ~2 ms, for nothing).
    const touched = this.esm.apply(undefined, ['touched', null, ''], { result: { copy: true } }).then((json) => JSON.parse(String(json)) as unknown);
    builtinCodeCache.learn(this.runtime.isolate, key, touched, this.builtinsPrecompiled, this.runtime.fromSnapshot ? guestBoot.preloaded : null);
    const onLayerUse = this.runtime.onLayerUse;
    if (onLayerUse) touched.then((names) => onLayerUse(guestBoot.usesLayer(names)), () => undefined); // gone: nothing learned
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
    this.files.current = null;
    for (const r of [this.installRef, this.runRef, this.deliverRef, this.esm]) r.release();
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
