// The guest runtime's boot script, and a V8 startup snapshot of it with the compatibility layer's
// common modules already run (issue 14: "load it without paying for it on every cold start").
//
// The boot script evaluates the guest runtime (guest-runtime.js with the module loader, the
// built-ins and the memory layer) against late-bound stand-ins for the host's callbacks, and
// answers `attach(send, hostFs, hostCall, stage)`, which binds them and returns the runtime's API.
// A plain isolate runs it in each new context and attaches at once (as before). The snapshot runs
// it once per process, loads PRELOADED's modules (their top levels: bundles evaluated to their
// exports), and keeps `attach` under BIND_KEY on the global object: every context of an isolate made
// from it starts with the runtime and those modules in place, and the host attaches it (attach
// deletes BIND_KEY first) before any code of the function exists there.
//
// What a snapshot may hold: only photon's own code. It is built from this folder's guest files and
// invoker/builtins/.bundle/ (photon's bundles of photon's guest code and pinned npm packages) and
// nothing else: no action's code, no user input, no host reference (isolated-vm cannot snapshot one;
// the stand-ins answer an error until attached), no entropy (the host's CSPRNG is a host call, which
// fails in the snapshot; V8 reseeds Math.random per deserialised context). A module that needs the
// host at its top level therefore cannot be preloaded: the build fails and isolates start plain.
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import { BUILTIN_MODULES } from '../builtins/builtin-modules.js';
import { BUNDLED_PACKAGES } from '../builtins/bundled-packages.js';
import { builtinSource } from '../builtins/build-builtins.js';

// Each file is one parenthesised function expression followed by `;`.
const guestFile = (name: string): string => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8').trim().replace(/;$/, '');

/** Where an isolate made from the snapshot keeps `attach` until the host calls it (then deleted). */
const BIND_KEY = 'photon:attach';

/**
 * The modules run inside the snapshot: what most npm packages and actions touch (Buffer, URL,
 * process, events, util, stream, timers, the web globals) and what they load. Pure JavaScript
 * whose top levels need no host. Others still load lazily at their first require, with the code cache.
 */
const PRELOADED = ['buffer', 'events', 'process', 'util', 'url', 'stream', 'string_decoder', 'timers', 'internal/web'] as const;

/**
 * The boot expression: evaluates to { api, attach }. Host callbacks are read from `b` at each
 * call, so the runtime can be evaluated before they exist; attach fills `b` once.
 */
function bootSource(): string {
  const table = JSON.stringify(Object.fromEntries(Object.entries(BUILTIN_MODULES).map(([name, m]) => [name, { lazy: m.lazy }])));
  const packages = JSON.stringify(Object.keys(BUNDLED_PACKAGES));
  return `(() => {
  'use strict';
  const b = { send: undefined, hostFs: undefined, hostCall: undefined, stage: undefined };
  const unbound = () => { throw new Error('photon: the host is not attached to this context yet'); };
  const api = (${guestFile('guest-runtime.js')})(
    (m) => (b.send === undefined ? unbound() : (0, b.send)(m)),
    (op, p) => (b.hostFs === undefined ? (0, globalThis[${JSON.stringify(BIND_KEY)} + ':sources'] !== undefined && op === 'builtin' ? globalThis[${JSON.stringify(BIND_KEY)} + ':sources'](p) : unbound()) : (0, b.hostFs)(op, p)),
    (${guestFile('guest-module-loader.js')}), (${guestFile('guest-builtins.js')}),
    Object.freeze({ applySyncPromise: (t, a, o) => (b.hostCall === undefined ? unbound() : b.hostCall.applySyncPromise(t, a, o)) }),
    ${table}, ${packages}, () => b.stage, (${guestFile('guest-memory.js')}));
  function attach(send, hostFs, hostCall, stage) {
    delete globalThis[${JSON.stringify(BIND_KEY)}];
    delete globalThis[${JSON.stringify(BIND_KEY)} + ':loaded'];
    if (b.send !== undefined) throw new Error('photon: attached twice');
    b.send = send; b.hostFs = hostFs; b.hostCall = hostCall; b.stage = stage;
    api.started();
    return api;
  }
  return { api, attach };
})()`;
}

/**
 * The first of the snapshot's two scripts: the built-in sources its preload may read, as plain data
 * on the global object (the second script deletes it). A script of its own, so that its text (the
 * bundles, megabytes) is not the source of any function the snapshot keeps: V8 keeps a function's
 * whole script text alive with it, and it would be in every isolate's heap.
 */
function sourcesScript(): string {
  const entries = Object.keys(BUILTIN_MODULES).flatMap((name) => {
    const s = builtinSource(name);
    return s === undefined ? [] : [`${JSON.stringify(name)}: ${JSON.stringify(s)}`];
  });
  return `Object.defineProperty(globalThis, ${JSON.stringify(`${BIND_KEY}:sources`)}, { value: {${entries.join(',\n')}}, configurable: true });`;
}

/** The script that makes the snapshot's context: the boot, the preload, attach kept under BIND_KEY. */
function snapshotScript(boot: string): string {
  const key = JSON.stringify(BIND_KEY);
  return `(() => {
  // let, and dropped after the preload: the closures kept below share this scope.
  let sources = globalThis[${key} + ':sources'];
  delete globalThis[${key} + ':sources'];
  Object.defineProperty(globalThis, ${key} + ':sources', { value: (n) => (Object.prototype.hasOwnProperty.call(sources, n) ? sources[n] : undefined), configurable: true });
  const boot = ${boot};
  try { boot.api.preload(${JSON.stringify(PRELOADED)}); } finally { delete globalThis[${key} + ':sources']; sources = null; }
  Object.defineProperty(globalThis, ${key}, { value: boot.attach, configurable: true, enumerable: false, writable: false });
  Object.defineProperty(globalThis, ${key} + ':loaded', { value: boot.api.esm('builtins'), configurable: true, enumerable: false, writable: false });
  boot.api.snapshotting();
})();`;
}

/** The snapshot of one process, its size and what making it cost (the bench and the README report these). */
export interface LayerSnapshot {
  readonly snapshot: ivm.ExternalCopy<ArrayBuffer>;
  readonly bytes: number;
  readonly buildMs: number;
}

/**
 * The guest runtime's boot for this process. Contract: `script` evaluates in a fresh plain context
 * to attach(send, hostFs, hostCall, stage) → the runtime's API; `snapshot()` builds the layer's
 * snapshot once (synchronously, photon's own code only) and answers it, or null when it cannot be
 * built (the reason is in `failure`); a context of an isolate made from it has attach under `bindKey`.
 */
class GuestBoot {
  readonly bindKey = BIND_KEY;
  /** Every built-in the snapshot ran: PRELOADED and what they required (read from the snapshot). */
  preloaded: readonly string[] = [];
  private readonly boot = bootSource();
  readonly script = `${this.boot}.attach`;
  private built: LayerSnapshot | null | undefined;
  failure: string | null = null;

  /** The exact texts the snapshot is made from, in order (tests check that they hold photon's files only). */
  snapshotSources(): string[] {
    return [sourcesScript(), snapshotScript(this.boot)];
  }

  snapshot(): LayerSnapshot | null {
    if (this.built !== undefined) return this.built;
    const t0 = performance.now();
    try {
      const [sources, boot] = this.snapshotSources();
      const snapshot = ivm.Isolate.createSnapshot([{ code: sources!, filename: 'photon:layer-sources.js' }, { code: boot!, filename: 'photon:layer-snapshot.js' }]);
      this.built = { snapshot, bytes: snapshot.copy().byteLength, buildMs: performance.now() - t0 };
      // What the snapshot holds, asked of one isolate made from it (a JSON list of registry names).
      const probe = new ivm.Isolate({ memoryLimit: 64, snapshot });
      try {
        const loaded = JSON.parse(String(probe.createContextSync().global.getSync(`${BIND_KEY}:loaded`))) as unknown;
        this.preloaded = Array.isArray(loaded) ? loaded.filter((n): n is string => typeof n === 'string' && Object.hasOwn(BUILTIN_MODULES, n)) : [];
      } finally {
        probe.dispose();
      }
    } catch (e) {
      this.failure = e instanceof Error ? e.message : String(e);
      this.built = null;
    }
    return this.built;
  }
}

export const guestBoot = new GuestBoot();
