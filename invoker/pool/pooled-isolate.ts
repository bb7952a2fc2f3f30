// One isolate of the pool with everything bound to it: its network namespace (held for the
// isolate's whole life and returned to the cache when it is disposed), the host APIs that open
// sockets in that namespace, and the routing of guest log lines to the activations in flight.
import { loadCode } from '../kinds/action-kinds.js';
import type { Action } from '../../shared/model/action.js';
import type { NamespaceCache, NetworkNamespace } from '../../native/index.js';
import { HostApis } from '../host-apis/host-apis.js';
import { ACTION_ROOT, packageKey, type ActionPackages } from '../code/action-packages.js';
import { localNamespaceNetwork, type NamespaceNetwork } from '../host-apis/namespace-network.js';
import type { ActionFiles, GuestConfig, GuestMessage } from '../isolate/guest-protocol.js';
import type { DisposeReason, GuestContext, InstallResult, IsolateRuntime, RunResult } from '../isolate/isolate-runtime.js';
import { createIsolateRuntime } from '../isolate/isolate-runtime.js';
import type { ActivationLog } from './activation-log.js';

export interface PooledIsolateOptions {
  id: string;
  memoryMb: number;
  namespaces: NamespaceCache;
  /** Where host APIs get their sockets; default: made in this process from `namespaces.sockets`. */
  network?: NamespaceNetwork;
  /**
   * Benchmark baseline only (the thesis's experiment without a namespace cache): the isolate holds
   * no namespace; each activation acquires one and releases it when done. Implies concurrency 1.
   */
  namespacePerActivation: boolean;
  /** Start from the built-in layer's startup snapshot (IsolateRuntimeOptions.layerSnapshot). */
  layerSnapshot: boolean;
  /** After a context's first activation: whether the action's code used the layer (IsolateRuntimeOptions.onLayerUse). */
  onLayerUse?(action: Action, uses: boolean): void;
  resultLimit: number;
  maxResponseBytes?: number;
  /** Archive actions' unpacked files, shared by the isolates of one revision. */
  packages: ActionPackages;
  /** Called once when the isolate is gone, after its namespace went back to the cache. */
  onGone(isolate: PooledIsolate, reason: DisposeReason): void;
  onCatastrophicError?(message: string): void;
}

/** The fresh-context annotation: a new context per activation (Groundhog-style clean state). */
export const FRESH_CONTEXT_ANNOTATION = 'fresh-context';

export function wantsFreshContext(action: Action): boolean {
  return action.annotations.some((a) => a.key === FRESH_CONTEXT_ANNOTATION && (a.value === true || a.value === 'true'));
}

export interface Execution {
  result: RunResult;
  /** ms of init that this execution paid itself (fresh-context installs). */
  initMs?: number;
  namespaceId: number | null;
}

/**
 * Contract: created with a blank context ready (a prewarm); warm() installs one action once; after
 * that execute() may run concurrently (the pool keeps the count within `concurrency`). dispose() is
 * idempotent, and onGone fires exactly once whether the pool or V8 (memory limit) disposed it.
 */
export class PooledIsolate {
  /** Action key once warmed; null while a blank prewarm. */
  key: string | null = null;
  action: Action | null = null;
  /** Activations this isolate may serve at once (the action's limit; 1 with a namespace per activation). */
  concurrency = 1;
  freshContext = false;
  private readonly active = new Map<number, Set<ActivationLog>>();
  /** Contexts other than main (fresh-context activations) by id, for host → guest delivery. */
  private readonly contexts = new Map<number, GuestContext>();
  private hostApis: HostApis | null = null;
  private gone = false;
  /** The archive this isolate holds a reference to (released when it is gone). */
  private packageKey: string | null = null;
  private files: ActionFiles | undefined;

  private constructor(
    private readonly options: PooledIsolateOptions,
    readonly namespace: NetworkNamespace | null,
    private readonly runtime: IsolateRuntime,
    private main: GuestContext | null,
  ) {}

  get id(): string {
    return this.options.id;
  }

  get memoryMb(): number {
    return this.options.memoryMb;
  }

  get disposed(): boolean {
    return this.gone || this.runtime.disposed;
  }

  /** ms the namespace took to come out of the cache when this isolate was created (tracing). */
  namespaceMs = 0;

  static async create(options: PooledIsolateOptions): Promise<PooledIsolate> {
    const t0 = performance.now();
    const ns = options.namespacePerActivation ? null : await options.namespaces.acquire();
    const namespaceMs = performance.now() - t0;
    let self: PooledIsolate | null = null;
    let runtime: IsolateRuntime;
    try {
      runtime = createIsolateRuntime({
        memoryMb: options.memoryMb,
        layerSnapshot: options.layerSnapshot,
        onLayerUse: (uses) => {
          if (self?.action) options.onLayerUse?.(self.action, uses);
        },
        onMessage: (ctx, msg) => self?.onMessage(ctx, msg),
        onCall: (ctx, module, op, args) =>
          self?.hostApis ? self.hostApis.call(ctx, module, op, args) : Promise.resolve({ ok: false, error: { name: 'Error', message: 'no host for this isolate yet' } }),
        onDisposed: (reason) => self?.finalize(reason),
        onCatastrophicError: options.onCatastrophicError,
      });
    } catch (e) {
      if (ns) options.namespaces.release(ns);
      throw e;
    }
    self = new PooledIsolate(options, ns, runtime, null);
    self.namespaceMs = namespaceMs;
    try {
      self.main = await runtime.createContext();
    } catch (e) {
      self.dispose('internal');
      throw e;
    }
    if (ns) self.hostApis = self.newHostApis(ns);
    return self;
  }

  /** Installs the action's code in the main context (not for fresh-context actions: they install per activation). */
  async warm(action: Action, key: string, log: ActivationLog, timeoutMs: number): Promise<InstallResult> {
    this.key = key;
    this.action = action;
    this.concurrency = this.options.namespacePerActivation ? 1 : action.limits.concurrency;
    if (action.exec.binary) {
      this.packageKey = packageKey(action);
      const pkg = await this.options.packages.acquire(this.packageKey, action.exec.code);
      if (!pkg.ok) return { ok: false, message: `Initialization has failed due to: ${pkg.message}` };
      this.files = pkg.files;
    }
    if (this.freshContext) return { ok: true };
    const main = this.main!;
    this.track(main.id, log);
    try {
      const { code, entry } = loadCode(action);
      return await main.install(code, entry, this.guestConfig(action), timeoutMs, this.files);
    } finally {
      this.untrack(main.id, log);
    }
  }

  async execute(paramsJson: string, envJson: string, log: ActivationLog, timeoutMs: number): Promise<Execution> {
    const action = this.action!;
    let ns: NetworkNamespace | null = this.namespace;
    if (this.options.namespacePerActivation) {
      ns = await this.options.namespaces.acquire();
      this.hostApis = this.newHostApis(ns);
    }
    let ctx: GuestContext | null = null;
    let initMs: number | undefined;
    try {
      if (this.freshContext) {
        const t0 = performance.now();
        try {
          ctx = await this.runtime.createContext();
        } catch (e) {
          return { result: { kind: 'aborted', reason: this.runtime.disposeReason ?? 'internal', own: false, message: String(e) }, namespaceId: ns?.id ?? null };
        }
        this.contexts.set(ctx.id, ctx);
        this.track(ctx.id, log);
        const { code, entry } = loadCode(action);
        const installed = await ctx.install(code, entry, this.guestConfig(action), timeoutMs, this.files);
        initMs = performance.now() - t0;
        if ('kind' in installed) return { result: installed, initMs, namespaceId: ns?.id ?? null };
        if (!installed.ok) return { result: { kind: 'developer-error', message: installed.message }, initMs, namespaceId: ns?.id ?? null };
      } else {
        ctx = this.main!;
        this.track(ctx.id, log);
      }
      const result = await ctx.run(paramsJson, envJson, timeoutMs);
      return initMs === undefined ? { result, namespaceId: ns?.id ?? null } : { result, initMs, namespaceId: ns?.id ?? null };
    } finally {
      if (ctx) {
        this.untrack(ctx.id, log);
        if (this.freshContext) {
          this.contexts.delete(ctx.id);
          ctx.release();
        }
      }
      if (this.options.namespacePerActivation && ns) {
        this.hostApis?.close();
        this.hostApis = null;
        if (!this.gone) this.options.namespaces.release(ns);
      }
    }
  }

  async heapBytes(): Promise<number> {
    return this.runtime.heapBytes();
  }

  dispose(reason: DisposeReason): void {
    if (this.gone) return;
    this.runtime.dispose(reason); // calls finalize() through onDisposed
    this.finalize(reason);
  }

  private finalize(reason: DisposeReason): void {
    if (this.gone) return;
    this.gone = true;
    this.hostApis?.close();
    this.hostApis = null;
    if (this.namespace) this.options.namespaces.release(this.namespace);
    if (this.packageKey !== null) this.options.packages.release(this.packageKey);
    this.packageKey = null;
    this.files = undefined;
    this.options.onGone(this, reason);
  }

  private guestConfig(action: Action): GuestConfig {
    const env: Record<string, unknown> = {};
    for (const kv of action.parameters) if (kv.init === true) env[kv.key] = kv.value;
    return { memoryLimit: action.limits.memory * 1024 * 1024, logLimit: action.limits.logs, resultLimit: this.options.resultLimit, archive: action.exec.binary === true, root: ACTION_ROOT, env };
  }

  private newHostApis(ns: NetworkNamespace): HostApis {
    return new HostApis({
      namespace: ns,
      network: this.options.network ?? localNamespaceNetwork(this.options.namespaces.sockets),
      maxResponseBytes: this.options.maxResponseBytes,
      memory: async () => ({ limit: this.options.memoryMb * 1024 * 1024, ...(await this.runtime.heapStatistics()) }),
      deliver: (ctxId, msg) => {
        if (this.main?.id === ctxId) this.main.deliver(msg);
        else this.contexts.get(ctxId)?.deliver(msg);
      },
    });
  }

  private track(ctxId: number, log: ActivationLog): void {
    let set = this.active.get(ctxId);
    if (!set) this.active.set(ctxId, (set = new Set()));
    set.add(log);
  }

  /** When a context has no activation left, its host resources (timers, sockets) are dropped. */
  private untrack(ctxId: number, log: ActivationLog): void {
    const set = this.active.get(ctxId);
    set?.delete(log);
    if (!set || set.size === 0) {
      this.active.delete(ctxId);
      this.hostApis?.endScope(ctxId);
    }
  }

  // Log lines go to every activation in flight on the context: exact with concurrency 1 or a
  // fresh context; with several activations sharing one context, V8 cannot tell whose line it is.
  private onMessage(ctxId: number, msg: GuestMessage): void {
    if (msg.op === 'log' || msg.op === 'log-truncated') {
      const logs = this.active.get(ctxId);
      if (!logs) return;
      for (const l of logs) {
        if (msg.op === 'log') l.add(msg.stream, msg.time, msg.text);
        else l.markTruncated();
      }
      return;
    }
    this.hostApis?.receive(ctxId, msg);
  }
}
