// The invoker as a supervisor: an ActionRunner that runs activations in a small pool of sandbox
// processes (each an unchanged IsolatePool, unprivileged, in its own cgroup) and can kill them.
//
// Placement (cordons): a tenant (OpenWhisk namespace) always goes to the same sandbox, hash of its
// name modulo the count, so one hostile tenant shares its process with about 1/count of the
// others. A namespace whose activation killed a sandbox, or that ran activations to their time
// limit concurrently in a shared sandbox (a CPU hog), is moved for `quarantineMs` to a quarantine
// sandbox of its own (quarantine.ts: at most `maxQuarantine`, shared beyond that), which weighs a
// quarter of an ordinary sandbox in CPU; its activations still queued in the shared sandbox are
// withdrawn from there (they never started) and run in its quarantine sandbox. So that its queue
// is still there to withdraw, an ordinary sandbox's pool holds a namespace's queued activations
// from the moment one of its activations is stopped at its time limit (holdAfterTimeout,
// pool/tenant-holds.ts) until this supervisor answers the 'done' (with `hold`) by 'resume', after
// the withdraws: the capacity the hog's timed-out isolates free never goes to its next loops.
//
// Kill deadline per activation: dispatch (or the latest 'queued'/'init'/'run' phase the sandbox
// reported) + the action's timeout + `graceMs`. The sandbox's own timer stops a normal overrun at
// the timeout; the grace is for what V8 cannot interrupt (a sparse-array sort, a wedged thread).
// When it passes, the sandbox is SIGKILLed. Then, for every activation it had in flight:
//   - the one(s) past their deadline: developer error, OpenWhisk's timeout message;
//   - a sandbox that died on its own (V8 fatal OOM, the cgroup's OOM killer, a crash) with one
//     activation in flight: that one gets the memory message as a developer error;
//   - every other one: whisk internal error saying why. None is re-run (at-most-once, as OpenWhisk
//     does for a container that dies), so an activation that killed a sandbox is never retried
//     into another one, and none is lost: each gets exactly one outcome.
// The replacement sandbox starts at once; activations for it wait for it to be ready.
import { MESSAGES, developerError, internalError, type ActivationOutcome } from '../pool/activation-outcome.js';
import type { NamespaceCache } from '../../native/index.js';
import type { WarmCounts } from '../../shared/store/warm-registry.js';
import type { ActionRunner, RunOutcome, RunRequest, RunnerStats } from '../service/action-runner.js';
import type { FromSandbox, SandboxConfig } from './sandbox-protocol.js';
import { SandboxProcess, prepareSandboxEntry } from './sandbox-process.js';
import { removeStaleCgroups } from './sandbox-cgroup.js';
import { Quarantine } from './quarantine.js';
import { unpackOutcome } from './outcome-wire.js';

export interface SandboxRunnerOptions {
  invokerId: string;
  namespaces: NamespaceCache;
  /** Sandboxes for ordinary placement (default 2: one per core here); a quarantine one is started on first need. */
  count?: number;
  /** MB of isolate memory in total (split evenly between the sandboxes). Default 2048. */
  userMemoryMb?: number;
  /** ms past an activation's time limit before its sandbox is killed (default 1000, see README). */
  graceMs?: number;
  /** How long a namespace that killed a sandbox stays in quarantine (default 10 min). */
  quarantineMs?: number;
  /** Quarantine sandboxes at most (one per quarantined namespace up to this; default 4). */
  maxQuarantine?: number;
  prewarm?: { count: number; memoryMb: number; max?: number };
  /** Ordinary sandboxes hold a namespace's queue at its timeout until quarantine is decided (default true; false only to measure without it). */
  holdAfterTimeout?: boolean;
  /** Tests of the layers above only: run sandboxes unconfined. */
  confine?: boolean;
  /** Told about sandboxes that are killed or die, and about missing confinement (loud by default). */
  log?(line: string): void;
}

interface InFlight {
  id: number;
  request: RunRequest;
  sandbox: Slot;
  dispatched: number;
  phase: 'dispatched' | 'queued' | 'init' | 'run';
  timer: NodeJS.Timeout | null;
  overran: boolean;
  /** Log lines the sandbox streamed so far ('log'): the record keeps them even if the sandbox goes. */
  logs: string[];
  resolve(o: RunOutcome): void;
}

interface Slot {
  index: number;
  proc: SandboxProcess | null;
  ready: Promise<void>;
  busyMb: number;
  warm: Record<string, WarmCounts>;
  inFlight: Map<number, InFlight>;
  killedByUs: boolean;
  generation: number;
  /** Action keys this sandbox process was sent (it keeps them; a warm run then carries no code). */
  knownActions: Set<string>;
  /** A quarantine sandbox whose namespaces have all served their time: closed, not replaced. */
  retired: boolean;
}

/** Actions a sandbox keeps before the supervisor tells it to forget them all (bounds its memory). */
const KNOWN_ACTIONS_MAX = 2000;

/** How often empty quarantine sandboxes are looked for and closed. */
const QUARANTINE_SWEEP_MS = 10_000;
const CPU_SHARES = 1024;
const QUARANTINE_CPU_SHARES = 256;

/** Contract: ActionRunner's; run() never rejects and answers exactly once per request, whatever the sandbox does. */
export class SandboxRunner implements ActionRunner {
  private readonly slots: Slot[] = [];
  /** Quarantine sandboxes by seat (slot index -seat). */
  private readonly qslots = new Map<number, Slot>();
  private readonly quarantine: Quarantine;
  private sweeper: NodeJS.Timeout | null = null;
  private seq = 0;
  private closing = false;
  private readonly listeners = new Set<(changed: Record<string, WarmCounts | null>) => void>();
  private lastMerged: Record<string, WarmCounts> = {};
  private readonly count: number;
  private readonly shareMb: number;
  private readonly graceMs: number;
  private readonly quarantineMs: number;
  private readonly holdAfterTimeout: boolean;
  private readonly log: (line: string) => void;
  /** Sandboxes killed or dead so far, for operators and tests. */
  kills = 0;
  crashes = 0;

  constructor(private readonly o: SandboxRunnerOptions) {
    this.count = Math.max(1, o.count ?? 2);
    this.shareMb = Math.max(256, Math.floor((o.userMemoryMb ?? 2048) / this.count));
    this.graceMs = o.graceMs ?? 1000;
    this.quarantineMs = o.quarantineMs ?? 600_000;
    this.holdAfterTimeout = o.holdAfterTimeout ?? true;
    this.quarantine = new Quarantine(Math.max(1, o.maxQuarantine ?? 4), this.quarantineMs);
    this.log = o.log ?? ((l) => console.error(`photon: ${l}`));
  }

  private get prefix(): string {
    return `photon-${this.o.invokerId}-sb-`;
  }

  async start(): Promise<void> {
    removeStaleCgroups(this.prefix);
    await prepareSandboxEntry(this.log);
    for (let i = 0; i < this.count; i++) this.slots.push(this.newSlot(i));
    await Promise.all(this.slots.map((s) => s.ready));
    this.sweeper = setInterval(() => this.retireEmptyQuarantines(), QUARANTINE_SWEEP_MS);
    this.sweeper.unref();
    const missing = this.slots[0]?.proc?.missing ?? [];
    if (missing.length > 0) this.log(`WARNING: sandbox processes run WITHOUT ${missing.join('; ')}`);
  }

  run(request: RunRequest): Promise<RunOutcome> {
    if (this.closing) return Promise.resolve(this.synthetic(request, internalError('The invoker is shutting down.'), Date.now(), 'closed'));
    const slot = this.place(request.namespace);
    return new Promise<RunOutcome>((resolve) => {
      const f: InFlight = { id: ++this.seq, request, sandbox: slot, dispatched: Date.now(), phase: 'dispatched', timer: null, overran: false, logs: [], resolve };
      this.assign(f, slot);
    });
  }

  /** Puts `f` on `slot` and sends it there once the sandbox is ready. */
  private assign(f: InFlight, slot: Slot): void {
    f.sandbox = slot;
    f.phase = 'dispatched';
    slot.inFlight.set(f.id, f);
    const { request } = f;
    const { action } = request;
    const dispatch = (): void => {
      if (!slot.inFlight.has(f.id) || !slot.proc) return; // settled while the sandbox was starting
      f.dispatched = Date.now();
      this.arm(f);
      const actionKey = `${action.namespace}/${action.name}@${action.revision}`;
      const known = slot.knownActions.has(actionKey);
      if (!known) {
        if (slot.knownActions.size >= KNOWN_ACTIONS_MAX) {
          slot.knownActions.clear();
          slot.proc.send({ t: 'forget-actions' });
        }
        slot.knownActions.add(actionKey);
      }
      // Alone in flight on this sandbox (c = 1): written at once; else with the rest of the turn's runs.
      slot.proc.send({ t: 'run', id: f.id, actionKey, ...(known ? {} : { action }), params: request.params, activationId: request.activationId, namespace: request.namespace, actionName: `/${action.namespace}/${action.name}`, deadline: request.deadline, ...(request.env ? { env: { ...request.env } } : {}) }, undefined, undefined, slot.inFlight.size <= 1);
    };
    if (slot.proc?.alive && slot.ready === READY) dispatch(); // arms the kill deadline once, from now
    else {
      this.arm(f); // while the sandbox starts (a replacement that never gets ready must not hold it for ever)
      void slot.ready.then(dispatch);
    }
  }

  stats(): RunnerStats {
    let busy = 0;
    for (const s of this.allSlots()) busy += s.busyMb;
    return { userMemory: this.shareMb * this.count, busyMemory: busy, freeNamespaces: this.o.namespaces.stats().free };
  }

  warmSnapshot(): Record<string, WarmCounts> {
    const out: Record<string, WarmCounts> = {};
    for (const s of this.allSlots()) {
      for (const [k, c] of Object.entries(s.warm)) {
        const m = out[k];
        if (!m) out[k] = { ...c };
        else if (m.revision === c.revision) {
          m.warm += c.warm;
          m.idle += c.idle;
          m.busy += c.busy;
        }
      }
    }
    return out;
  }

  onWarmChange(listener: (changed: Record<string, WarmCounts | null>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sandboxes' pids by slot (quarantine last, when started): for tests and operators. */
  pids(): (number | undefined)[] {
    return this.allSlots().map((s) => s.proc?.child.pid);
  }

  /** Which ordinary sandbox a namespace is placed on (its cordon), quarantine aside. */
  placement(namespace: string): number {
    return hash(namespace) % this.count;
  }

  isQuarantined(namespace: string): boolean {
    return this.quarantine.seatOf(namespace, Date.now()) !== null;
  }

  /** Quarantine sandboxes running now (bounded by maxQuarantine). */
  quarantineSandboxes(): number {
    return this.qslots.size;
  }

  /** Closes every sandbox: asks each to close its pool, kills it after `boundMs` (a wedged one never answers). */
  async close(boundMs = 5000): Promise<void> {
    this.closing = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.allSlots().map(async (s) => {
      const proc = s.proc;
      if (!proc?.alive) return;
      s.killedByUs = true;
      proc.send({ t: 'close' });
      const t = setTimeout(() => proc.kill(), boundMs);
      await proc.exitedPromise;
      clearTimeout(t);
    }));
  }

  // ---- placement and sandboxes --------------------------------------------------------------------

  private allSlots(): Slot[] {
    return this.qslots.size > 0 ? [...this.slots, ...this.qslots.values()] : this.slots;
  }

  private place(namespace: string): Slot {
    const seat = this.quarantine.seatOf(namespace, Date.now());
    if (seat !== null) {
      let slot = this.qslots.get(seat);
      if (!slot) this.qslots.set(seat, (slot = this.newSlot(-seat)));
      return slot;
    }
    return this.slots[this.placement(namespace)]!;
  }

  /** Quarantines `namespace` (its own sandbox while there are fewer than maxQuarantine) and moves its queued activations there. */
  private quarantineNamespace(namespace: string, why: string): void {
    const { seat, shared } = this.quarantine.add(namespace, Date.now());
    if (!this.qslots.has(seat)) this.qslots.set(seat, this.newSlot(-seat));
    this.log(`namespace ${namespace} ${why}: quarantined for ${this.quarantineMs} ms in sandbox q${seat}${shared ? ' (shared: all quarantine sandboxes in use)' : ''}`);
    for (const slot of this.slots) {
      for (const f of slot.inFlight.values()) {
        // 'dispatched' too: a run sent before this decision may be queued (held) there already, its
        // 'queued' not here yet; one that was placed ignores the withdraw (the channel keeps order).
        if (f.request.namespace === namespace && (f.phase === 'queued' || f.phase === 'dispatched')) slot.proc?.send({ t: 'withdraw', id: f.id });
      }
    }
  }

  private retireEmptyQuarantines(): void {
    const busy = (seat: number): boolean => (this.qslots.get(seat)?.inFlight.size ?? 0) > 0;
    for (const seat of this.quarantine.takeEmptySeats(Date.now(), busy)) {
      const slot = this.qslots.get(seat);
      this.qslots.delete(seat);
      if (!slot?.proc?.alive) continue;
      slot.retired = true;
      slot.killedByUs = true;
      const proc = slot.proc;
      proc.send({ t: 'close' });
      setTimeout(() => proc.kill(), 5000).unref();
    }
  }

  private newSlot(index: number): Slot {
    const slot: Slot = { index, proc: null, ready: Promise.resolve(), busyMb: 0, warm: {}, inFlight: new Map(), killedByUs: false, generation: 0, knownActions: new Set(), retired: false };
    this.startProcess(slot);
    return slot;
  }

  private startProcess(slot: Slot): void {
    slot.generation++;
    slot.killedByUs = false;
    slot.busyMb = 0;
    slot.knownActions = new Set();
    const name = slot.index < 0 ? `q${-slot.index}` : String(slot.index);
    const config: SandboxConfig = {
      id: `${this.o.invokerId}-sb${name}.${slot.generation}`,
      userMemoryMb: this.shareMb,
      isolation: this.o.namespaces.isolation,
      ...(this.o.prewarm ? { prewarm: this.o.prewarm } : {}),
      // Ordinary sandboxes hold a CPU hog's queue at its first timeout until this supervisor has
      // quarantined it (withdrawn its queue); a quarantine sandbox has nowhere further to send it.
      holdAfterTimeout: slot.index >= 0 && this.holdAfterTimeout,
      ...(process.env.PHOTON_SANDBOX_MEMORY_LOG ? { memoryLog: process.env.PHOTON_SANDBOX_MEMORY_LOG } : {}),
    };
    let readyResolve!: () => void;
    slot.ready = new Promise<void>((r) => { readyResolve = r; });
    const proc = new SandboxProcess({
      config,
      cgroupName: `${this.prefix}${name}-${process.pid}-${slot.generation}`,
      namespaces: this.o.namespaces,
      // The isolates' limits are V8 heap limits, which isolated-vm says hostile code can pass by
      // 2-3x; the cgroup is the backstop above that, plus Node's own ~60 MB.
      memoryLimitMb: 2 * this.shareMb + 256,
      // Threads count as tasks: Node's ~11, isolated-vm's pool, tsx's esbuild: far below this.
      pidsLimit: 256,
      // Equal weights for ordinary sandboxes: a cordon with 20 spinning threads gets no more CPU
      // than one with a single busy thread. The quarantine sandbox weighs a quarter of one.
      cpuShares: slot.index < 0 ? QUARANTINE_CPU_SHARES : CPU_SHARES,
      ...(this.o.confine !== undefined ? { confine: this.o.confine } : {}),
      onMessage: (m) => this.onMessage(slot, m, readyResolve),
      onExit: (code, signal) => this.onExit(slot, proc, code, signal),
    });
    slot.proc = proc;
  }

  private onMessage(slot: Slot, m: FromSandbox, ready: () => void): void {
    switch (m.t) {
      case 'ready':
        if (m.missing) slot.proc?.missing.push(...m.missing.filter((x) => !slot.proc?.missing.includes(x)));
        slot.ready = READY;
        ready();
        break;
      case 'done': {
        slot.busyMb = m.busyMb;
        const f = slot.inFlight.get(m.id);
        if (f) {
          const outcome = unpackOutcome(m.outcome, f.request.action, f.request.activationId);
          if (f.logs.length > 0) outcome.logs = [...f.logs, ...outcome.logs];
          this.settle(f, outcome);
          // A CPU hog: ran to its time limit while more of its namespace's activations share this ordinary sandbox.
          const ns = f.request.namespace;
          if (slot.index >= 0 && outcome.annotations.some((a) => a.key === 'timeout' && a.value === true) && [...slot.inFlight.values()].some((g) => g.request.namespace === ns) && !this.isQuarantined(ns)) {
            this.quarantineNamespace(ns, 'ran concurrent activations to their time limit in a shared sandbox');
          }
        }
        // The sandbox held the namespace's queue at the timeout (its pool drained nothing of it):
        // the withdraws above go first on the channel, then the hold is lifted, whatever was decided.
        if (m.hold && m.outcome.isolateId !== null) slot.proc?.send({ t: 'resume', isolateId: m.outcome.isolateId });
        break;
      }
      case 'log': {
        const f = slot.inFlight.get(m.id);
        if (f) f.logs.push(...m.lines);
        break;
      }
      case 'withdrawn': {
        const f = slot.inFlight.get(m.id);
        if (!f) break;
        slot.inFlight.delete(f.id);
        this.disarm(f);
        if (this.closing) f.resolve(this.synthetic(f.request, internalError('The invoker shut down before the activation ended.'), Date.now(), null));
        else this.assign(f, this.place(f.request.namespace));
        break;
      }
      case 'phase': {
        const f = slot.inFlight.get(m.id);
        if (!f) break;
        f.phase = m.phase;
        if (m.phase === 'queued') this.disarm(f);
        else {
          f.dispatched = Date.now();
          this.arm(f);
        }
        break;
      }
      case 'warm':
        slot.warm = m.snapshot;
        this.warmChanged();
        break;
      default:
        break;
    }
  }

  private arm(f: InFlight): void {
    this.disarm(f);
    f.timer = setTimeout(() => this.overrun(f), f.request.action.limits.timeout + this.graceMs);
    f.timer.unref();
  }

  private disarm(f: InFlight): void {
    if (f.timer) clearTimeout(f.timer);
    f.timer = null;
  }

  private overrun(f: InFlight): void {
    const slot = f.sandbox;
    if (!slot.inFlight.has(f.id)) return;
    f.overran = true;
    const ns = f.request.namespace;
    this.kills++;
    this.log(`sandbox ${slot.proc?.id} killed: activation ${f.request.activationId} of namespace ${ns} ran ${this.graceMs} ms past its time limit of ${f.request.action.limits.timeout} ms (${slot.inFlight.size - 1} other activations in it)`);
    this.quarantineNamespace(ns, 'killed a sandbox');
    slot.killedByUs = true;
    slot.proc?.kill();
  }

  private onExit(slot: Slot, proc: SandboxProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.proc !== proc) return;
    const entries = [...slot.inFlight.values()];
    slot.inFlight.clear();
    slot.warm = {};
    this.warmChanged();
    const crashed = !slot.killedByUs;
    if (crashed) {
      this.crashes++;
      this.log(`sandbox ${proc.id} died (exit code ${code}, signal ${signal}) with ${entries.length} activations in flight`);
      if (entries.length === 1) this.quarantineNamespace(entries[0]!.request.namespace, 'was alone in a sandbox that died');
    }
    const now = Date.now();
    for (const f of entries) {
      this.disarm(f);
      const limits = f.request.action.limits;
      let response;
      if (f.overran) response = developerError(f.phase === 'init' ? MESSAGES.timeoutInit(limits.timeout) : MESSAGES.timeout(limits.timeout));
      else if (crashed && entries.length === 1) response = developerError(MESSAGES.memory);
      else if (this.closing) response = internalError('The invoker shut down before the activation ended.');
      else response = internalError(crashed ? `The sandbox process running this activation died (exit code ${code}, signal ${signal}).` : MESSAGES.sandboxCollateral);
      f.resolve({ ...this.synthetic(f.request, response, f.dispatched, null, f.overran, proc.id, now), logs: f.logs });
    }
    // A sandbox that died before it was ready (it cannot start at all) is retried after a pause, not in a loop.
    if (!this.closing && !slot.retired) {
      if (slot.ready === READY) this.startProcess(slot);
      else setTimeout(() => { if (!this.closing) this.startProcess(slot); }, 1000).unref();
    }
  }

  private settle(f: InFlight, outcome: ActivationOutcome): void {
    this.disarm(f);
    f.sandbox.inFlight.delete(f.id);
    f.resolve(outcome);
  }

  private synthetic(r: RunRequest, response: ActivationOutcome['response'], start: number, refused: 'closed' | null, timedOut = false, sandbox: string | null = null, end = Date.now()): RunOutcome {
    return {
      activationId: r.activationId,
      ...(refused ? { refused } : {}),
      response,
      logs: [],
      runStart: start,
      end,
      poolWaitMs: 0,
      startKind: 'warm',
      isolateId: sandbox,
      namespaceId: null,
      annotations: [
        { key: 'limits', value: r.action.limits },
        { key: 'timeout', value: timedOut },
        ...(sandbox ? [{ key: 'sandbox', value: sandbox }] : []),
      ],
    };
  }

  private warmChanged(): void {
    const now = this.warmSnapshot();
    const changed: Record<string, WarmCounts | null> = {};
    let any = false;
    for (const [k, c] of Object.entries(now)) {
      const p = this.lastMerged[k];
      // As PoolActionRunner: isolates coming and going (and revisions) are reported; idle/busy is the heartbeat's.
      if (!p || p.revision !== c.revision || p.warm !== c.warm) { changed[k] = c; any = true; }
    }
    for (const k of Object.keys(this.lastMerged)) if (!(k in now)) { changed[k] = null; any = true; }
    this.lastMerged = now;
    if (any) for (const l of this.listeners) l(changed);
  }
}

const READY = Promise.resolve();

/** FNV-1a: a stable spread of namespace names over sandboxes. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
