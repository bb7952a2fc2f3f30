// The invoker's execution layer: isolates per action bound to cached network namespaces, the
// thesis's Algorithm 4.2 (reuse namespaces and isolates) and Photons@Graal's isolate cache, with
// OpenWhisk's ContainerPool rules (openwhisk-notes §2.2). See invoker/README.md for the design.
//
// An activation gets, in this order: a warm isolate of the same action+revision+invoking namespace
// with a free concurrency slot (also one still warming: it waits for the init in progress) →
// a prewarmed blank isolate of the same memory size (already bound to a namespace, so a cold
// start only compiles the code), from the layer's startup snapshot or plain as the action needs
// (layer-choice.ts; one of the other kind only when a new isolate does not fit) → a new isolate of
// the kind it needs, if the user-memory budget allows it, after evicting idle isolates in
// greedy-dual order if needed → otherwise a queue. Tenants (invoking
// namespaces) get fair shares of the memory (tenant-shares.ts): a tenant past half the budget
// evicts only its own idle isolates, and the queue serves the tenant holding least first.
import { invokerKind } from '../kinds/action-kinds.js';
import { ActionPackages } from '../code/action-packages.js';
import type { IsolatePoolOptions, PoolStats, WarmIsolateInfo } from './pool-options.js';
import { DEFAULT_LIMITS } from '../../shared/model/action.js';
import type { Action } from '../../shared/model/action.js';
import type { NamespaceNetwork } from '../host-apis/namespace-network.js';
import type { DisposeReason } from '../isolate/isolate-runtime.js';
import { ActivationLog } from './activation-log.js';
import type { ActivationInput, ActivationOutcome } from './activation-outcome.js';
import { MESSAGES, developerError, internalError } from './activation-outcome.js';
import { GreedyDual } from './greedy-dual.js';
import { classify } from './outcome-builder.js';
import { PoolEvents } from './pool-events.js';
import { nextState, type IsolateEvent } from './isolate-lifecycle.js';
import { checkLimits } from './action-limits.js';
import { PooledIsolate, wantsFreshContext } from './pooled-isolate.js';
import type { Execution } from './pooled-isolate.js';
import type { Slot, Placement, Pending, Readiness } from './slot.js';
import { actionKey, newSlot } from './slot.js';
import { heldByTenant, nothingAhead, servingOrder } from './tenant-shares.js';
import { busyMb, evictionVictims, heapBytes, idleByPriority, poolStats, usedMb, warmIsolates } from './pool-capacity.js';
import { refusedOutcome, slotOutcome } from './pool-outcome.js';
import { PrewarmTarget } from './prewarm-target.js';
import { TenantHolds } from './tenant-holds.js';
import { LayerChoice, pickBlank } from './layer-choice.js';

export type { IsolatePoolOptions, PoolStats, WarmIsolateInfo } from './pool-options.js';

/**
 * Contract: run() always resolves (never rejects) with an outcome; at most userMemoryMb of isolate
 * memory limits exist at once; an isolate never serves more than its action's concurrency at once;
 * every isolate holds one namespace from `namespaces` until it is disposed, then returns it; after
 * close() every isolate is disposed and run() answers a whisk internal error.
 */
export class IsolatePool {
  readonly events = new PoolEvents();
  private readonly slots = new Map<string, Slot>();
  private readonly byKey = new Map<string, Set<Slot>>();
  private readonly queue: Pending[] = [];
  private readonly gd = new GreedyDual();
  /** Archive actions unpacked once per revision, shared by its isolates. */
  readonly packages: ActionPackages;
  private readonly opts: Required<Omit<IsolatePoolOptions, 'rssHighWaterMb' | 'packages' | 'network' | 'layerSnapshot'>> & { rssHighWaterMb?: number; network?: NamespaceNetwork };
  /** Which isolates start from the layer's startup snapshot. */
  private readonly layers: LayerChoice;
  private readonly holds = new TenantHolds();
  private seq = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly prewarms: PrewarmTarget;
  private draining = false;
  private refillSoon = false;
  private drainAgain = false;

  constructor(options: IsolatePoolOptions) {
    const keepAliveMs = options.keepAliveMs ?? 600_000;
    this.packages = options.packages ?? new ActionPackages();
    this.opts = {
      namespaces: options.namespaces,
      userMemoryMb: options.userMemoryMb ?? 2048,
      // OpenWhisk's nodejs stem cells: 2 of 256 MB, reactive up to 4.
      prewarm: options.prewarm ?? { count: 2, memoryMb: DEFAULT_LIMITS.memory, max: 4 },
      keepAliveMs,
      sweepIntervalMs: options.sweepIntervalMs ?? Math.max(50, Math.min(keepAliveMs / 10, 30_000)),
      rssHighWaterMb: options.rssHighWaterMb,
      ...(options.network ? { network: options.network } : {}),
      resultLimitBytes: options.resultLimitBytes ?? 1024 * 1024,
      maxQueued: options.maxQueued ?? Number.POSITIVE_INFINITY,
      namespacePerActivation: options.namespacePerActivation ?? false,
      idPrefix: options.idPrefix ?? 'iso',
      strictLifecycle: options.strictLifecycle ?? false,
      holdAfterTimeout: options.holdAfterTimeout ?? false,
    };
    this.prewarms = new PrewarmTarget(this.opts.prewarm);
    this.layers = new LayerChoice(options.layerSnapshot ?? 'auto');
  }

  /** Fills the prewarm pool and starts the keep-alive sweeper. */
  async start(): Promise<void> {
    this.ensurePrewarms();
    await Promise.all([...this.slots.values()].map((s) => s.created.catch(() => undefined)));
    this.sweeper = setInterval(() => this.sweep(), this.opts.sweepIntervalMs);
    this.sweeper.unref();
  }

  async run(action: Action, params: Record<string, unknown>, activation: ActivationInput): Promise<ActivationOutcome> {
    const received = Date.now();
    this.prewarms.busy();
    const limits = checkLimits(action.limits);
    const log = new ActivationLog(typeof limits === 'string' ? 0 : limits.logs, activation.onLog);
    if (typeof limits === 'string') return refusedOutcome(activation, 'limits', limits, received, log);
    if (this.closed) return refusedOutcome(activation, 'closed', 'The invoker is shutting down.', received, log);
    if (!invokerKind(action.exec.kind)) return refusedOutcome(activation, 'unknown-kind', `The action kind '${action.exec.kind}' has no runtime on this invoker.`, received, log);
    const key = actionKey(action, activation.namespace);
    const complete = limits.timeout === action.limits.timeout && limits.memory === action.limits.memory && limits.logs === action.limits.logs && limits.concurrency === action.limits.concurrency;
    const pending: Pending = { action: complete ? action : { ...action, limits }, key, tenant: activation.namespace, log, activationId: activation.activationId, resolve: () => undefined };
    const held = this.holds.held(activation.namespace);
    let placement = held ? null : this.tryPlace(pending, this.queue.length === 0 || nothingAhead(this.admissible(), activation.namespace, heldByTenant(this.slots.values())));
    if (!placement) {
      if (this.queue.length >= this.opts.maxQueued) return refusedOutcome(activation, 'queue-full', 'Too many activations are waiting for capacity.', received, log);
      activation.onPhase?.('queued');
      placement = await new Promise<Placement | null>((resolve) => {
        pending.resolve = resolve;
        this.queue.push(pending);
        this.events.emit({ type: 'queued', activationId: activation.activationId, actionKey: key, queueLength: this.queue.length });
      });
      if (!placement) return pending.withdrawn ? refusedOutcome(activation, 'withdrawn', 'The activation was withdrawn from the queue.', received, log) : refusedOutcome(activation, 'closed', 'The invoker is shutting down.', received, log);
    }
    return this.execute(placement, pending.action, params, activation, received, log);
  }

  stats(): PoolStats {
    return poolStats(this.slots.values(), this.queue.length, this.opts.userMemoryMb);
  }

  /** MB of isolates that run activations or are being created (OpenWhisk's busy pool + starting). */
  busyMemoryMb(): number {
    return busyMb(this.slots.values());
  }

  warmIsolates(): WarmIsolateInfo[] {
    return warmIsolates(this.slots.values());
  }

  /** V8 heap bytes of the isolates (used + external), summed: the sandbox's memory log. */
  isolateHeapBytes(): Promise<number> {
    return heapBytes(this.slots.values());
  }

  /** Takes a queued activation back (it answers refused 'withdrawn', never runs); false when it is not queued (placed already, or unknown). */
  withdraw(activationId: string): boolean {
    const i = this.queue.findIndex((p) => p.activationId === activationId);
    if (i < 0) return false;
    const [p] = this.queue.splice(i, 1);
    p!.withdrawn = true;
    p!.resolve(null);
    this.drain();
    return true;
  }

  /** Whether isolate `isolateId`, disposed at an activation's time limit, holds its tenant's queue (holdAfterTimeout) until resume(). */
  holding(isolateId: string): boolean {
    return this.holds.holding(isolateId);
  }

  /** Lifts the hold isolate `isolateId` put on its tenant's queue (the supervisor has withdrawn what it wanted). */
  resume(isolateId: string): void {
    if (this.holds.release(isolateId)) this.drain();
  }

  /** Disposes every isolate (their namespaces go back to the cache) and answers queued activations. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.prewarms.cancel();
    for (const p of this.queue.splice(0)) p.resolve(null);
    const creating = [...this.slots.values()].map((s) => s.created.catch(() => undefined));
    for (const s of [...this.slots.values()]) this.disposeSlot(s, 'closed');
    await Promise.all(creating);
  }

  /** One keep-alive and memory-pressure pass (runs on a timer; public for tests and operators). */
  sweep(): void {
    const now = Date.now();
    for (const s of [...this.slots.values()]) {
      if (s.state === 'warm' && s.inFlight === 0 && now - s.lastUsed >= this.opts.keepAliveMs) this.evict(s, 'keep-alive');
    }
    const hw = this.opts.rssHighWaterMb;
    if (hw !== undefined && process.memoryUsage.rss() / 1048576 > hw) {
      // RSS falls only after V8 frees the disposed heaps, so a pass evicts a tenth of the idle ones.
      const idle = idleByPriority(this.slots.values());
      for (const s of idle.slice(0, Math.max(1, Math.ceil(idle.length / 10)))) this.evict(s, 'memory-pressure');
    }
    this.adaptPrewarms();
    this.ensurePrewarms();
  }

  // ---- placement -------------------------------------------------------------------------------

  private tryPlace(p: Pending, allowNew: boolean): Placement | null {
    if (this.closed) return null;
    let best: Slot | null = null;
    for (const s of this.byKey.get(p.key) ?? []) {
      if ((s.state !== 'warm' && s.state !== 'initialising') || s.inFlight >= s.concurrency) continue;
      if (!best || s.inFlight > best.inFlight) best = s; // pack: keeps the others idle and evictable
    }
    if (best) {
      best.inFlight++;
      return { slot: best, kind: best.state === 'warm' ? 'warm' : best.startKind, owner: false };
    }
    if (!allowNew) return null;
    const mem = p.action.limits.memory;
    const layer = this.layers.need(p.action);
    const blank = pickBlank(this.slots.values(), mem, layer, () => this.fits(mem));
    if (blank !== null) {
      this.bind(blank, p, 'prewarm');
      return { slot: blank, kind: 'prewarm', owner: true };
    }
    if (!this.fits(mem) && !this.evictFor(mem, p.tenant)) return null;
    if (mem === this.prewarms.memoryMb) {
      this.prewarms.coldStart(mem);
      this.refillSoon = true;
    }
    const slot = this.addSlot(mem, false, layer);
    this.bind(slot, p, 'cold');
    return { slot, kind: 'cold', owner: true };
  }

  private bind(slot: Slot, p: Pending, kind: 'prewarm' | 'cold'): void {
    this.transition(slot, 'bind');
    slot.key = p.key;
    slot.tenant = p.tenant;
    slot.startKind = kind;
    slot.concurrency = this.opts.namespacePerActivation ? 1 : p.action.limits.concurrency;
    slot.inFlight = 1;
    let set = this.byKey.get(p.key);
    if (!set) this.byKey.set(p.key, (set = new Set()));
    set.add(slot);
    slot.ready = this.bringUp(slot, p);
    // Creating the replacement (new ivm.Isolate is synchronous, ~2 ms) waits until this
    // activation has run, so it does not delay the start it was taken for.
    if (kind === 'prewarm') this.refillSoon = true;
  }

  /** Creates (cold) and initialises the isolate for the placing activation, whose log gets the init lines. */
  private async bringUp(slot: Slot, p: Pending): Promise<Readiness> {
    const t0 = performance.now();
    let isolate: PooledIsolate;
    try {
      isolate = await slot.created;
    } catch (e) {
      return { ok: false, response: internalError(`Could not start an isolate: ${e instanceof Error ? e.message : String(e)}`) };
    }
    if (slot.state !== 'initialising') return { ok: false, response: internalError('The isolate was disposed before it started.') };
    const createMs = performance.now() - t0;
    const t1 = performance.now();
    const initStart = Date.now();
    isolate.freshContext = wantsFreshContext(p.action);
    const installed = await isolate.warm(p.action, p.key, p.log, p.action.limits.timeout);
    const initMs = performance.now() - t1;
    if ('kind' in installed) {
      const msg = installed.reason === 'timeout' ? MESSAGES.timeoutInit(p.action.limits.timeout) : installed.reason === 'memory' ? MESSAGES.memory : null;
      this.disposeSlot(slot, installed.reason === 'timeout' || installed.reason === 'memory' ? installed.reason : 'internal');
      return { ok: false, response: msg === null ? internalError(`Initialization failed: ${installed.message}`) : developerError(msg), timedOut: installed.reason === 'timeout', initMs, initStart };
    }
    if (!installed.ok) {
      this.disposeSlot(slot, 'developer-error');
      return { ok: false, response: developerError(installed.message), initMs, initStart };
    }
    this.transition(slot, 'installed');
    this.gd.recordUse(p.key, createMs + initMs);
    this.events.emit({ type: 'warmed', isolateId: slot.id, namespaceId: isolate.namespace?.id ?? null, actionKey: p.key, startKind: slot.startKind, initMs });
    return { ok: true, isolate, initMs, initStart, createMs };
  }

  private async execute(pl: Placement, action: Action, params: Record<string, unknown>, a: ActivationInput, received: number, log: ActivationLog): Promise<ActivationOutcome> {
    const slot = pl.slot;
    if (pl.owner || slot.state !== 'warm') a.onPhase?.('init');
    const ready = await slot.ready!;
    const initTime = pl.owner ? ready.initMs : undefined;
    // OpenWhisk's waitTime runs until init starts (cold: after the isolate was created) or, without
    // an init of its own, until the run starts.
    const initStart = pl.owner ? ready.initStart : undefined;
    if (!ready.ok) {
      this.release(slot);
      const end = Date.now();
      return slotOutcome(a, slot, pl.kind, ready.response, log, { received, runStart: end, end, waitEnd: initStart ?? end, initTime }, ready.timedOut ?? false, null);
    }
    if (!pl.owner) {
      this.gd.recordUse(pl.slot.key!);
      if (this.events.listening) this.events.emit({ type: 'reused', isolateId: slot.id, namespaceId: ready.isolate.namespace?.id ?? null, actionKey: slot.key!, activationId: a.activationId });
    }
    const limits = action.limits;
    a.onPhase?.('run');
    const runStart = Date.now();
    const deadline = Math.min(a.deadline ?? Number.POSITIVE_INFINITY, runStart + limits.timeout);
    const env: Record<string, string> = {
      ...a.env,
      __OW_ACTIVATION_ID: a.activationId,
      __OW_ACTION_NAME: a.actionName,
      __OW_NAMESPACE: a.namespace,
      __OW_DEADLINE: String(deadline),
      __OW_ACTION_VERSION: action.version,
    };
    let exec: Execution;
    try {
      // params arrive merged (the action's defaults under the invocation's): the controller's
      // activation service does it once, with shared/model/parameters.ts.
      exec = await ready.isolate.execute(JSON.stringify(params), JSON.stringify(env), log, limits.timeout);
    } catch (e) {
      // Only the platform can fail here (a namespace per activation could not be had, params
      // that are not JSON): the activation is a whisk internal error, the isolate is kept.
      const message = e instanceof Error ? e.message : String(e);
      exec = { result: { kind: 'aborted', reason: 'internal', own: false, message }, namespaceId: null };
      if (!ready.isolate.disposed) {
        this.release(slot);
        const end = Date.now();
        return slotOutcome(a, slot, pl.kind, internalError(`The activation could not run: ${message}`), log, { received, runStart, end, waitEnd: initStart ?? runStart }, false, null);
      }
    }
    const end = Date.now();
    const c = classify(exec.result, limits.timeout, this.opts.resultLimitBytes);
    if (c.note !== undefined) log.note(c.note);
    if (c.fate === 'retire') this.transition(slot, 'retire');
    if (c.fate === 'gone') this.disposeSlot(slot, exec.result.kind === 'aborted' && exec.result.own ? (exec.result.reason === 'memory' ? 'memory' : 'timeout') : 'collateral');
    this.release(slot);
    const init = initTime ?? exec.initMs;
    const out = slotOutcome(a, slot, pl.kind, c.response, log, { received, runStart, end, waitEnd: initStart ?? runStart, initTime: init }, c.timedOut, exec.namespaceId, ready.isolate.freshContext);
    // The cold path's own phases, for tracing: creating the isolate (with its namespace) before init.
    if (pl.owner && pl.kind === 'cold') out.phases = { createMs: ready.createMs, namespaceMs: ready.isolate.namespaceMs };
    return out;
  }

  /** The queue without held tenants' activations: what may be placed now. */
  private admissible(): Pending[] {
    return this.holds.empty ? this.queue : this.queue.filter((p) => !this.holds.held(p.tenant));
  }

  private release(slot: Slot): void {
    slot.inFlight--;
    slot.lastUsed = Date.now();
    if (this.refillSoon) {
      this.refillSoon = false;
      this.prewarms.refillWhenQuiet(() => this.ensurePrewarms());
    }
    if (slot.state === 'retiring' && slot.inFlight <= 0) this.disposeSlot(slot, 'developer-error');
    else if (slot.inFlight === 0 && slot.state === 'warm' && slot.key !== null) {
      slot.priority = this.gd.priority(slot.key, slot.memoryMb);
      if (this.events.listening) this.events.emit({ type: 'idle', isolateId: slot.id, namespaceId: slot.isolate?.namespace?.id ?? null, actionKey: slot.key });
    }
    this.drain();
  }

  /**
   * Queued activations in serving order (least-holding tenant first, tenant-shares.ts); the first that needs new capacity and cannot get it blocks the
   * later ones that do. Re-entrant calls (an eviction inside tryPlace disposes an isolate, whose
   * gone() drains again) only ask for one more pass, so no activation is placed twice.
   */
  private drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        let blocked = false;
        let order = servingOrder(this.admissible(), heldByTenant(this.slots.values()));
        for (let i = 0; i < order.length; ) {
          const p = order[i]!;
          const placed = this.tryPlace(p, !blocked);
          if (placed) {
            this.queue.splice(this.queue.indexOf(p), 1);
            p.resolve(placed);
            order = servingOrder(this.admissible(), heldByTenant(this.slots.values()));
            i = 0;
            blocked = false;
          } else {
            blocked = true;
            i++;
          }
        }
      } while (this.drainAgain);
    } finally {
      this.draining = false;
    }
  }

  // ---- capacity and eviction -------------------------------------------------------------------

  private fits(mem: number): boolean {
    return usedMb(this.slots.values()) + mem <= this.opts.userMemoryMb;
  }

  /** Evicts idle isolates, lowest greedy-dual priority first, if that frees enough for `mem`; else evicts nothing. */
  private evictFor(mem: number, tenant: string): boolean {
    const victims = evictionVictims(this.slots, mem, tenant, this.opts.userMemoryMb);
    if (!victims) return false;
    for (const v of victims) this.evict(v, 'memory-pressure');
    return true;
  }

  private evict(slot: Slot, cause: 'keep-alive' | 'memory-pressure'): void {
    if (slot.key !== null) this.gd.evicted(slot.priority);
    this.events.emit({ type: 'evicted', isolateId: slot.id, namespaceId: slot.isolate?.namespace?.id ?? null, actionKey: slot.key, cause });
    this.disposeSlot(slot, cause);
  }

  // ---- isolate life ----------------------------------------------------------------------------

  private addSlot(memoryMb: number, prewarm: boolean, layer: boolean): Slot {
    const id = `${this.opts.idPrefix}-${++this.seq}`;
    const t0 = performance.now();
    const created = PooledIsolate.create({
      id,
      memoryMb,
      namespaces: this.opts.namespaces,
      ...(this.opts.network ? { network: this.opts.network } : {}),
      namespacePerActivation: this.opts.namespacePerActivation,
      layerSnapshot: layer,
      onLayerUse: (action, uses) => this.layers.learn(action, uses),
      resultLimit: this.opts.resultLimitBytes,
      packages: this.packages,
      onGone: (_iso, reason) => this.gone(slot, reason),
      onCatastrophicError: (message) => this.events.emit({ type: 'error', message: `catastrophic isolate error: ${message}` }),
    });
    const slot = newSlot(id, memoryMb, created, layer);
    this.slots.set(id, slot);
    created.then(
      (isolate) => {
        slot.isolate = isolate;
        this.transition(slot, 'created');
        this.events.emit({ type: 'created', isolateId: id, namespaceId: isolate.namespace?.id ?? null, memoryMb, prewarm, layer, ms: performance.now() - t0 });
        if (slot.state === 'gone') isolate.dispose(slot.cause ?? 'closed');
        else if (prewarm) this.drain();
      },
      (e: unknown) => {
        this.events.emit({ type: 'error', message: `isolate ${id} could not start: ${e instanceof Error ? e.message : String(e)}` });
        if (prewarm) this.prewarms.pause();
        this.gone(slot, 'internal');
      },
    );
    return slot;
  }

  private ensurePrewarms(): void {
    if (this.closed || this.queue.length > 0 || this.prewarms.paused()) return;
    const { memoryMb } = this.prewarms;
    const have = [0, 0]; // [plain, from the snapshot]
    for (const s of this.slots.values()) if (s.state === 'creating' || s.state === 'blank') have[s.layer ? 1 : 0]!++;
    while (have[0]! + have[1]! < this.prewarms.goal && this.fits(memoryMb)) {
      const layer = this.layers.prewarmKind(have[1]!, have[0]!, this.prewarms.goal);
      this.addSlot(memoryMb, true, layer);
      have[layer ? 1 : 0]!++;
    }
  }

  /** Reactive prewarm: a quiet sweep period lowers the target and disposes one surplus prewarm. */
  private adaptPrewarms(): void {
    const blank = [...this.slots.values()].filter((s) => s.state === 'blank');
    if (this.prewarms.sweep(blank.length)) this.evict(blank[0]!, 'keep-alive');
  }

  /** Whether `action`'s revision was seen to use the built-in layer (undefined: not yet; layer-choice.ts). */
  layerUse(action: Action): boolean | undefined {
    return this.layers.seen(action);
  }

  /** The number of blank isolates the pool currently aims to keep. */
  get prewarmGoal(): number {
    return this.prewarms.goal;
  }

  private disposeSlot(slot: Slot, cause: DisposeReason): void {
    if (slot.state === 'gone') return;
    this.transition(slot, 'dispose');
    slot.cause ??= cause;
    if (slot.isolate) slot.isolate.dispose(cause);
    else {
      // Still being created: it is disposed as soon as creation finishes (see addSlot).
      this.gone(slot, cause);
    }
  }

  /** The only way a slot's state changes (isolate-lifecycle.ts); illegal events throw in a strict pool. */
  private transition(slot: Slot, event: IsolateEvent): void {
    try {
      slot.state = nextState(slot.id, slot.state, event);
    } catch (err) {
      if (this.opts.strictLifecycle) throw err;
      this.events.emit({ type: 'error', message: (err as Error).message });
    }
  }

  /** The slot's isolate is gone (or never came): forget it and let waiting work use the capacity. */
  private gone(slot: Slot, reason: DisposeReason): void {
    if (!this.slots.has(slot.id)) return;
    this.transition(slot, 'gone');
    this.slots.delete(slot.id);
    const cause: DisposeReason = slot.cause ?? reason;
    if (slot.key !== null) {
      const set = this.byKey.get(slot.key);
      set?.delete(slot);
      if (set && set.size === 0) {
        this.byKey.delete(slot.key);
        this.gd.forget(slot.key);
      }
    }
    this.events.emit({ type: 'disposed', isolateId: slot.id, namespaceId: slot.isolate?.namespace?.id ?? null, actionKey: slot.key, cause });
    // At the time limit's own timer, before the activation's outcome exists and before the freed
    // capacity is drained: a hog's next queued activations must not take it (tenant-holds.ts).
    const tenant = slot.tenant;
    if (cause === 'timeout' && tenant !== null && this.opts.holdAfterTimeout && this.queue.some((p) => p.tenant === tenant)) this.holds.hold(tenant, slot.id);
    if (!this.closed) {
      this.drain();
      this.ensurePrewarms();
    }
  }
}
