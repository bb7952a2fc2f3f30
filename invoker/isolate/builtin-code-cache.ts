// V8 code cache for Node's built-in modules inside the isolate (invoker/builtins/.bundle/), one per
// invoker process, and which built-ins each action has loaded, so that its later isolates get those
// modules precompiled with cache data at a safe point (before the install, by asynchronous calls on
// the isolate's own thread) instead of parsed and compiled by the guest at its first require.
//
// Safety: the cache data is produced here by V8, from photon's own bundles, and is only ever passed
// back as `cachedData` for the same source (never bytes a user could supply: untrusted cached data
// is a known isolated-vm sandbox escape). What an action influences is only *which* of photon's
// bundles are precompiled for its next isolates, and when their data is produced.
import type ivm from 'isolated-vm';
import { createHash } from 'node:crypto';
import { BUILTIN_MODULES } from '../builtins/builtin-modules.js';
import { builtinSource } from '../builtins/build-builtins.js';
import type { ActionFiles } from './guest-protocol.js';

/** A built-in's cache data; `full` when produced after a load that ran the module compiled from it. */
interface Entry {
  data: ivm.ExternalCopy<ArrayBuffer>;
  full: boolean;
}

/** Learned sets kept for single-file actions (by code hash); archive revisions keep theirs with their files. */
const MAX_KEYS = 512;
/** Characters of a single-file action's head and tail its key is hashed from (all of a shorter one). */
const KEY_SLICE = 64 * 1024;

/** The guest's source of built-in `name` as the guest itself compiles it (guest-builtins.js load). */
const sourceOf = (name: string): string | undefined => {
  const s = Object.hasOwn(BUILTIN_MODULES, name) ? builtinSource(name) : undefined;
  return s === undefined ? undefined : s + '\n//# sourceURL=node:' + name;
};

/**
 * Per process: cache data per built-in and the built-ins each action loaded. Contract: precompile()
 * answers wrapper functions evaluated in `context` for the built-ins the action loaded before and
 * that have data (none the first time); learn() records what a context loaded and produces the
 * missing data in the background, one module per turn of the event loop.
 */
export class BuiltinCodeCache {
  private readonly data = new Map<string, Entry>();
  private readonly byCode = new Map<string, readonly string[]>();
  private readonly byFiles = new WeakMap<ActionFiles, readonly string[]>();
  private work: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();
  /** Compiles with cache data accepted / rejected by V8 (the bench and the tests read these). */
  readonly compiles = { cached: 0, rejected: 0 };

  /** The key an action's learned set is kept under: its archive revision's files, else its code. */
  key(code: string, files: ActionFiles | undefined): ActionFiles | string {
    if (files) return files;
    // On the event loop at every install: a large file (up to the code limit) is keyed by its
    // length and ends. Two codes sharing a key only precompile bundles one of them does not use.
    const h = createHash('sha1');
    if (code.length <= KEY_SLICE * 2) h.update(code);
    else h.update(`${code.length}:`).update(code.slice(0, KEY_SLICE)).update(code.slice(-KEY_SLICE));
    return h.digest('base64');
  }

  private learned(key: ActionFiles | string): readonly string[] {
    return (typeof key === 'string' ? this.byCode.get(key) : this.byFiles.get(key)) ?? [];
  }

  /**
   * The built-ins `key` loaded before, compiled with their data and evaluated to their wrapper
   * functions in `context` (asynchronous calls: no guest code runs, and nothing runs on the
   * invoker's thread). Names are answered as `node:<name>`, the guest's install takes them.
   * `snapshot`: the built-ins the context already has (run in the layer's startup snapshot, which
   * the isolate starts from), null for a plain isolate. V8 refuses data made in an isolate of the
   * other kind (their read-only heaps differ), so each kind has its own.
   */
  async precompile(isolate: ivm.Isolate, context: ivm.Context, key: ActionFiles | string, snapshot: readonly string[] | null = null): Promise<{ paths: string[]; fns: ivm.Reference<unknown>[] }> {
    const todo: { name: string; source: string; data: ivm.ExternalCopy<ArrayBuffer> }[] = [];
    for (const name of this.learned(key)) {
      if (snapshot?.includes(name)) continue;
      const entry = this.data.get(dataKey(snapshot, name));
      const source = sourceOf(name);
      if (entry && source !== undefined) todo.push({ name, source, data: entry.data });
    }
    if (todo.length === 0) return { paths: [], fns: [] };
    // All compiles queued at once, then all runs: the isolate's thread works through them back to back.
    const compiled = await Promise.allSettled(todo.map((t) => isolate.compileScript(t.source, { filename: `node:${t.name}`, cachedData: t.data })));
    const scripts = compiled.flatMap((c) => (c.status === 'fulfilled' ? [c.value as ivm.Script & { cachedDataRejected?: boolean }] : []));
    try {
      const failed = compiled.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw failed.reason;
      for (const script of scripts) {
        if (script.cachedDataRejected === true) this.compiles.rejected++;
        else this.compiles.cached++;
      }
      const fns = (await Promise.all(scripts.map((script) => script.run(context, { reference: true })))) as ivm.Reference<unknown>[];
      return { paths: todo.map((t) => `node:${t.name}`), fns };
    } finally {
      for (const script of scripts) script.release();
    }
  }

  /**
   * What a context of action `key` has loaded (`loaded`, after its first activation) and which of
   * those it got precompiled: remembered for the action's next isolates; data is produced for
   * the loaded ones that have none (from source: the eagerly compiled functions only) and again,
   * once, for precompiled ones whose data was not full (V8's in-isolate compilation cache then
   * holds the functions that load compiled lazily too). In `isolate`, asynchronously, for its
   * kind (`snapshot` as in precompile). No data is produced for built-ins the snapshot already ran.
   */
  learn(isolate: ivm.Isolate, key: ActionFiles | string, loaded: Promise<unknown>, precompiled: readonly string[], snapshot: readonly string[] | null = null): void {
    // The answer may wait for the isolate (busy with another activation): only the production of
    // data is queued, so one busy isolate does not hold the others' learning.
    const p = loaded.then(
      (answer) => (this.work = this.work.then(() => this.record(isolate, key, answer, precompiled, snapshot)).catch(() => undefined)),
      () => undefined, // the isolate went away: nothing learned from it
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when everything learn() started is done (tests and benches wait for it). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.work;
  }

  private async record(isolate: ivm.Isolate, key: ActionFiles | string, answer: unknown, precompiled: readonly string[], snapshot: readonly string[] | null): Promise<void> {
    // The guest's answer is hostile input (the action ran first and may have patched what answers
    // it): only names of the registry count, each once, at most the registry's size.
    if (!Array.isArray(answer)) return;
    const names = [...new Set(answer.filter((n): n is string => typeof n === 'string' && sourceOf(n) !== undefined))].slice(0, Object.keys(BUILTIN_MODULES).length);
    if (typeof key === 'string') {
      this.byCode.delete(key);
      this.byCode.set(key, names);
      if (this.byCode.size > MAX_KEYS) this.byCode.delete(this.byCode.keys().next().value!);
    } else {
      this.byFiles.set(key, names);
    }
    const pre = new Set(precompiled.map((p) => p.slice('node:'.length)));
    // Built-ins the snapshot holds need no data in an isolate that starts from it.
    const todo = names.filter((n) => !snapshot?.includes(n) && (!this.data.has(dataKey(snapshot, n)) || (pre.has(n) && !this.data.get(dataKey(snapshot, n))!.full)));
    for (const name of todo) {
      const full = pre.has(name);
      const known = this.data.get(dataKey(snapshot, name));
      if (isolate.isDisposed || (known && (known.full || !full))) continue;
      try {
        const script = (await isolate.compileScript(sourceOf(name)!, { filename: `node:${name}`, produceCachedData: true })) as ivm.Script & Partial<ivm.CachedDataResult>;
        if (script.cachedData) this.data.set(dataKey(snapshot, name), { data: script.cachedData, full });
        script.release();
      } catch {
        // The isolate went away meanwhile: no data this time.
      }
      await new Promise<void>((r) => setImmediate(r));
    }
  }
}

/** A built-in's data is kept per kind of isolate: from the layer's snapshot (`snapshot` non-null) or plain. */
const dataKey = (snapshot: readonly string[] | null, name: string): string => `${snapshot === null ? 'plain' : 'snapshot'}:${name}`;

/** The invoker process's one cache (the bundles are the same for every isolate of the process). */
export const builtinCodeCache = new BuiltinCodeCache();
