// Runs sequences and conductor actions (compositions) from events, not from a waiting function:
// the only thing a composition holds between its steps is its progress record in the shared
// ProgressStore (composition-state.ts). A step is started through the activation service like any
// activation; when it ends (its completion, or the record of a nested composition), whichever
// controller sees it loads the progress, decides the next step, writes it with compare-and-set and
// starts it. Step activation ids are derived from the composition's id and the step number, so a
// step started twice is still one activation with one record (the invoker's put-if-absent).
//
// Durability: every controller incarnation says it is alive every lease/3 in the store; records of
// an incarnation that stopped saying so are claimed by another controller (or the same one,
// restarted), which looks at the current step: its record exists → advance; it is a nested
// composition still in progress → leave it, it will report; otherwise → start it again under the
// same id (it runs at least once, its record is written once). A composition that has ended but
// whose record was not yet written is finished by whoever claims it.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import { LIMIT_RANGES, type Action } from '../../shared/model/action.js';
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import type { ProgressRecord } from '../../shared/store/progress-store.js';
import type { Stores } from '../../shared/store/stores.js';
import type { ActivationService } from '../activation/activation-service.js';
import { isConductor, type ActivationRequest, type CompositionRunner, type StartedActivation } from '../activation/activation-request.js';
import { FinishedRecord } from '../activation/finished-record.js';
import { parseActionName } from './action-name.js';
import { afterRecord, afterRefusal, firstStep, TooDeepError, type CompositionState, type Next, type Step } from './composition-state.js';
import { compositionRecord } from './composition-record.js';

export interface CompositionEngineOptions {
  stores: Stores;
  activations: ActivationService;
  controllerId: string;
  /** OpenWhisk's actionSequenceLimit: atomic actions of a sequence, components of a composition, nesting depth. */
  maxLength: number;
  /** An incarnation silent this long is gone and its compositions are taken over. */
  leaseMs: number;
  /** Past a step's longest run and this grace, its owner looks at it again (a lost completion). */
  stepGraceMs: number;
}

/** How many orphans one tick claims; the next tick claims more. */
const CLAIM_BATCH = 100;
/** Every this many ticks the owner re-checks its own quiet steps. */
const QUIET_CHECK_TICKS = 10;
/** Most progress records kept as a read cache (the store stays the truth; a stale entry only costs a re-read). */
const CACHE_MAX = 10_000;

export class CompositionEngine implements CompositionRunner {
  /** This incarnation: a restarted controller with the same id is a new owner and claims the old one's records. */
  readonly owner: string;
  /** Compositions this controller took over from a gone one, and ones it finished (for operators and tests). */
  readonly counters = { started: 0, resumed: 0, finished: 0 };
  readonly #o: CompositionEngineOptions;
  readonly #waiters = new Map<string, Array<(r: ActivationRecord | undefined) => void>>();
  /**
   * The progress this controller last wrote, by composition: saves the store read before the next
   * step on the hot path. Only a cache: a version another controller has moved on makes the
   * compare-and-set fail, and the step is decided again from the store's copy.
   */
  readonly #cache = new Map<string, { version: number; data: string }>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #ticks = 0;

  constructor(options: CompositionEngineOptions) {
    this.#o = options;
    this.owner = `${options.controllerId}#${randomBytes(4).toString('hex')}`;
  }

  /** Says this incarnation is alive and starts taking over orphans; resolves after the first tick. */
  async startTakeover(): Promise<void> {
    await this.#tick();
    this.#timer = setInterval(() => void this.#tick(), Math.max(50, Math.floor(this.#o.leaseMs / 3)));
    this.#timer.unref();
  }

  /** Stops ticking (the lease then runs out and another controller takes over); waiting callers get undefined (202). */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    for (const list of this.#waiters.values()) for (const w of list) w(undefined);
    this.#waiters.clear();
  }

  async start(req: ActivationRequest & { activationId: string }, action: Action, params: Record<string, unknown>, meta: { acceptedAt: number; binding?: string }): Promise<StartedActivation> {
    const depth = req.parent ? req.parent.depth + 1 : 0;
    if (depth > this.#o.maxLength) throw new TooDeepError(depth);
    const id = req.activationId;
    const now = Date.now();
    const s: CompositionState = {
      kind: isConductor(action) ? 'conductor' : 'sequence',
      caller: req.caller,
      action: { namespace: action.namespace, name: action.name, version: action.version, ...action.limits },
      named: req.action,
      ...(meta.binding ? { binding: meta.binding } : {}),
      components: isConductor(action) ? [] : (action.exec.components ?? []),
      steps: 0, logs: [], duration: 0, maxMemory: action.limits.memory, start: now, waitTime: now - meta.acceptedAt,
      topmost: !req.parent,
      ...(req.cause ? { cause: req.cause } : {}),
      ...(req.parent ? { parent: req.parent.id } : {}),
      depth, blocking: req.blocking, componentRuns: 0, conductorRuns: 0, maxLength: this.#o.maxLength,
    };
    const finished = this.#wait(id).then((r) => (r ? FinishedRecord.of(r) : undefined));
    this.#settle(s, id, firstStep(s, params));
    // A nested composition started again after a crash may exist already: it runs, and reports to its parent.
    if (await this.#o.stores.progress.create({ id, owner: this.owner, data: toData(s) })) {
      this.counters.started++;
      this.#remember(id, 1, s);
      this.#act(id, s, req.trace);
    }
    return { activationId: id, action, invoker: '', finished };
  }

  /** A step ended with `record` (its completion, a nested composition's end, or a record found on takeover). */
  async onStepDone(id: string, stepId: string, record: ActivationRecord): Promise<void> {
    const cached = this.#cache.get(id);
    if (cached) {
      const s = JSON.parse(cached.data) as CompositionState;
      if (s.current?.id === stepId && (await this.#advance(id, cached.version, s, afterRecord(s, s.current, record)))) return;
    }
    const p = await this.#o.stores.progress.get(id);
    if (!p) return;
    const s = p.data as unknown as CompositionState;
    if (!s.current || s.current.id !== stepId) return; // already advanced (a duplicate completion)
    await this.#advance(id, p.version, s, afterRecord(s, s.current, record));
  }

  async #refused(id: string, step: Step, err: unknown): Promise<void> {
    const p = await this.#o.stores.progress.get(id);
    if (!p) return;
    const s = p.data as unknown as CompositionState;
    if (!s.current || s.current.id !== step.id) return;
    await this.#advance(id, p.version, s, afterRefusal(s, step, err));
  }

  /** Writes the next state with compare-and-set; only the writer that wins acts on it (and answers true). */
  async #advance(id: string, version: number, s: CompositionState, next: Next): Promise<boolean> {
    this.#settle(s, id, next);
    const v = await this.#o.stores.progress.replace(id, version, toData(s));
    if (v === undefined) {
      this.#cache.delete(id);
      return false;
    }
    this.#remember(id, v, s);
    this.#act(id, s);
    return true;
  }

  #remember(id: string, version: number, s: CompositionState): void {
    this.#cache.delete(id);
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(id, { version, data: JSON.stringify(s) });
  }

  #settle(s: CompositionState, id: string, next: Next): void {
    if (next.kind === 'end') {
      delete s.current;
      s.result = { response: next.response, end: Date.now() };
      return;
    }
    s.current = { id: stepId(id, s.steps), phase: next.phase, target: next.target, params: next.params, startedAt: Date.now(), timeoutMs: LIMIT_RANGES.timeout[1] };
    s.steps++;
  }

  /** `trace`: the caller's, for the first step; later steps start traces of their own (the state does not carry one). */
  #act(id: string, s: CompositionState, trace?: Context): void {
    const work = s.result ? this.#complete(id, s) : this.#launch(id, s, trace);
    work.catch((err: unknown) => console.error(`controller: composition ${id} could not go on (its owner looks again later):`, err));
  }

  /** Starts the current step; its end (or refusal) advances the composition. */
  async #launch(id: string, s: CompositionState, trace?: Context): Promise<void> {
    const step = s.current!;
    const ref = parseActionName(step.target, s.caller.namespace);
    let started: StartedActivation;
    try {
      if (!ref) throw new Error(`'${step.target}' is not an action name`);
      started = await this.#o.activations.start({
        caller: s.caller, action: ref, params: step.params, blocking: true, activationId: step.id, cause: id, causedBy: 'sequence',
        parent: { id, depth: s.depth }, primitive: step.phase === 'conductor', ...(trace ? { trace } : {}),
      });
    } catch (err) {
      return this.#refused(id, step, err);
    }
    void started.finished.then((finished) => (finished ? this.onStepDone(id, step.id, finished.record()) : undefined))
      .catch((err: unknown) => console.error(`controller: composition ${id}: advancing after ${step.id} failed (its owner looks again later):`, err));
  }

  /** Writes the composition's record (once), drops its progress, answers waiters and the parent. */
  async #complete(id: string, s: CompositionState): Promise<void> {
    const record = compositionRecord(id, s);
    const stored = (await this.#o.stores.activations.putIfAbsent(record)) ? record : ((await this.#o.stores.activations.get(id)) ?? record);
    // The record is durable: callers may have it before the progress is dropped.
    for (const w of this.#waiters.get(id) ?? []) w(stored);
    this.#waiters.delete(id);
    this.#cache.delete(id);
    await this.#o.stores.progress.remove(id);
    this.counters.finished++;
    if (s.parent) await this.onStepDone(s.parent, id, stored);
  }

  #wait(id: string): Promise<ActivationRecord | undefined> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(id) ?? [];
      list.push(resolve);
      this.#waiters.set(id, list);
    });
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const { progress } = this.#o.stores;
      await progress.alive(this.owner, this.#o.leaseMs);
      for (const orphan of await progress.claimOrphans(this.owner, CLAIM_BATCH)) {
        this.counters.resumed++;
        void this.#redrive(orphan);
      }
      if (++this.#ticks % QUIET_CHECK_TICKS === 0) {
        const now = Date.now();
        for (const own of await progress.owned(this.owner, 10_000)) {
          const s = own.data as unknown as CompositionState;
          if (s.result || (s.current && now > s.current.startedAt + s.current.timeoutMs + this.#o.stepGraceMs)) void this.#redrive(own);
        }
      }
    } catch (err) {
      console.error('controller: composition takeover check failed, will retry:', err);
    } finally {
      this.#ticking = false;
    }
  }

  /** Takes a composition up where its progress says it is. */
  async #redrive(p: ProgressRecord): Promise<void> {
    try {
      const s = p.data as unknown as CompositionState;
      if (s.result) return await this.#complete(p.id, s);
      const step = s.current;
      if (!step) return;
      const record = await this.#o.stores.activations.get(step.id);
      if (record) return await this.onStepDone(p.id, step.id, record);
      // A nested composition still in progress reports to this one when it ends.
      if (await this.#o.stores.progress.get(step.id)) return;
      step.startedAt = Date.now();
      const v = await this.#o.stores.progress.replace(p.id, p.version, toData(s));
      if (v !== undefined) await this.#launch(p.id, s);
    } catch (err) {
      console.error(`controller: taking up composition ${p.id} failed (looked at again later):`, err);
    }
  }
}

/** The step's activation id: 32 hex digits from the composition's id and the step number. */
export function stepId(compositionId: string, step: number): string {
  return createHash('sha256').update(`${compositionId}/${step}`).digest('hex').slice(0, 32);
}

function toData(s: CompositionState): Record<string, unknown> {
  return s as unknown as Record<string, unknown>;
}
