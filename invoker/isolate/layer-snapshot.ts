// The guest runtime's boot script, and a V8 startup snapshot of it with the compatibility layer's
// common modules already run (issue 14: "load it without paying for it on every cold start").
//
// The boot script evaluates the guest runtime (guest-runtime.js with the module loader, the
// built-ins, the memory layer and guest-text.js) against late-bound stand-ins for the host's callbacks, and
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
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_MODULES } from '../builtins/builtin-modules.js';
import { BUNDLED_PACKAGES } from '../builtins/bundled-packages.js';
import { builtinSource } from '../builtins/build-builtins.js';
import { ISOLATED_VM_BUILD } from './isolated-vm-build.js';
// Before any isolate exists (this module makes the first): V8's tiering for short-lived isolates.
import './v8-tiering.js';

// Each file is one parenthesised function expression followed by `;`. Characters beyond ASCII (a
// few, in comments: `→`, `…`) as \u escapes, which mean the same in comments, strings and regular
// expressions: one of them made V8 keep the whole boot text two bytes a character, 182 KB instead
// of 91 KB in every isolate made from the snapshot (and copied into every plain isolate's compile).
const guestFile = (name: string): string =>
  readFileSync(new URL(`./${name}`, import.meta.url), 'utf8').trim().replace(/;$/, '').replace(/[^\t\n\r -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * `text` (ASCII) in V8's one-byte representation. Escaping is not enough: V8 builds the result of
 * replace() on a two-byte subject (a file that had a `→`) two bytes a character however ASCII it
 * is, and so does every string concatenated from it; isolated-vm copies a script by representation
 * (`String::IsOneByte`, not by content), and V8 keeps a snapshot's script sources as they came. The
 * boot script was 182 KB of two-byte text in every isolate made from the snapshot, 91 KB as one byte.
 * A latin1 round trip gives a one-byte string of the same characters; anything beyond ASCII is
 * refused (the snapshot's build fails and isolates start plain) rather than silently changed.
 */
function oneByte(text: string): string {
  if (/[\u0080-\uffff]/.test(text)) throw new Error('photon: a layer snapshot script is not ASCII');
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** Where an isolate made from the snapshot keeps `attach` until the host calls it (then deleted). */
const BIND_KEY = 'photon:attach';

/**
 * The modules run inside the snapshot: what most npm packages and actions touch (Buffer, URL,
 * process, events, util, stream, timers, the web globals) and what they load. Pure JavaScript
 * whose top levels need no host. Others still load lazily at their first require, with the code cache.
 */
const PRELOADED: readonly string[] = ['buffer', 'events', 'process', 'util', 'url', 'stream', 'string_decoder', 'timers', 'internal/web'];

/**
 * photon's own warm-up action (never a user's): common calls into the preloaded built-ins and the
 * runtime's install and run paths. Run by V8's snapshot warm-up in a scratch context that is thrown
 * away (isolated-vm's createSnapshot warmup_script): only the bytecode it compiled is kept (the
 * functions are shared with the snapshot's context), so an isolate's first calls do not compile them.
 * Each part runs only when the snapshot holds its modules (the scratch context has no host to load others from).
 */
const WARM_PARTS: readonly { needs: readonly string[]; head?: string; body: string; out: string }[] = [
  { needs: ['buffer'], body: `const b = Buffer.from('hello ' + (p.name || 'world')); const c = Buffer.concat([b, Buffer.from('aGk=', 'base64'), Buffer.alloc(2)]);`,
    out: `b64: b.toString('base64'), hex: c.toString('hex'), s: c.toString('utf8', 0, 5), sl: c.subarray(1, 3).length, eq: b.equals(c),` },
  { needs: ['url'], body: `const u = new URL('https://example.com/a/b?c=1&d=two#e'); u.searchParams.set('f', 'g'); const q = new URLSearchParams('x=1&y=2');
    const v = new URL('b/./c/../d?e=%41 f#g h', 'HTTP://User@Example.COM:8080/a/x');`,
    out: `q: u.searchParams.get('c'), h: u.host + u.pathname + u.search + u.hash, qs: q.get('y') + String(q), v: v.href,` },
  { needs: ['events'], head: `const { EventEmitter } = require('events');`, body: `const e = new EventEmitter(); let n = 0; const f = () => n++; e.on('x', f); e.once('y', f); e.emit('x', 1); e.emit('y'); e.off('x', f);`, out: 'n,' },
  { needs: ['stream'], head: `const { Readable } = require('stream');`, body: `const r = new Readable({ read() {} }); r.push('a'); r.push(null);`, out: '' },
  { needs: ['internal/web'], body: `const t = new TextDecoder().decode(new TextEncoder().encode('é' + String(p.name)));`, out: `t, id: typeof structuredClone === 'function' && atob(btoa('x')),` },
  { needs: ['util'], head: `const util = require('util');`, body: '', out: `f: util.format('%s=%d %j', 'n', 1, { a: 1 }), p: typeof util.promisify((cb) => cb(null, 1)),` },
  { needs: ['string_decoder', 'buffer'], head: `const { StringDecoder } = require('string_decoder');`, body: '', out: `d: new StringDecoder('utf8').write(Buffer.from('hé')),` },
  { needs: ['process'], body: '', out: `env: typeof process.env, v: process.version,` },
  { needs: ['timers'], body: '', out: `ts: typeof setTimeout + typeof setImmediate,` },
];

/**
 * photon's own calls into the preloaded modules, run in the snapshot's context itself (guest-builtins.js
 * preload): V8 keeps what they build once per context (maps, transitions, prototypes made fast) in
 * the snapshot, so an isolate's first Buffer, URL or encoder does not. Each only if its module is held.
 */
const SHAPE = `(req) => {
  const b = req('buffer'); if (b) { const x = b.Buffer.from('hello'); x.toString('base64'); x.toString(); b.Buffer.from('aGk=', 'base64'); b.Buffer.concat([x, b.Buffer.alloc(1)]); }
  const u = req('url'); if (u) { const x = new u.URL('https://example.com/a/b?c=1#d'); x.searchParams.get('c'); String(x); new u.URLSearchParams('e=1').get('e'); String(new u.URL('b/./c/../d?e=%41 f#g h', 'HTTP://User@Example.COM:8080/a/x')); }
  const w = req('internal/web'); if (w) { new w.TextDecoder().decode(new w.TextEncoder().encode('x')); }
  const e = req('events'); if (e) { const x = new e.EventEmitter(); x.on('x', () => {}); x.emit('x'); }
}`;

/** The warm-up action for the modules the snapshot holds. */
function warmAction(held: readonly string[]): string {
  const parts = WARM_PARTS.filter((w) => w.needs.every((n) => held.includes(n)));
  return `${parts.map((w) => w.head ?? '').join(' ')}
function main(p) {
  ${parts.map((w) => w.body).join('\n  ')}
  return { ${parts.map((w) => w.out).join(' ')} };
}`;
}

/** The warm-up script: attach inert stand-ins in the scratch context, install and run the warm-up action there. */
function warmupScript(preloaded: readonly string[]): string {
  return `(() => {
  const api = globalThis[${JSON.stringify(BIND_KEY)}](() => undefined, (op) => (op === 'stat' ? 0 : undefined), Object.freeze({ applySyncPromise() { throw new Error('no host while warming up'); } }), undefined);
  const out = api.install(${JSON.stringify(warmAction(preloaded))}, 'main', '{}', '');
  if (JSON.parse(out).ok !== true) throw new Error('photon: the snapshot warm-up did not install: ' + out);
  void api.run('{"name":"x"}', '{}');
})();`;
}

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
    (op, p) => (b.hostFs === undefined ? unbound() : (0, b.hostFs)(op, p)),
    (${guestFile('guest-module-loader.js')}), (${guestFile('guest-builtins.js')}),
    Object.freeze({ applySyncPromise: (t, a, o) => (b.hostCall === undefined ? unbound() : b.hostCall.applySyncPromise(t, a, o)) }),
    ${table}, ${packages}, () => b.stage, (${guestFile('guest-memory.js')}), (${guestFile('guest-text.js')}));
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

/** `preloaded` and every built-in they may require (the registry's deps, which the build checks): what the snapshot may run. */
function moduleClosure(preloaded: readonly string[]): string[] {
  const out = new Set<string>();
  const visit = (n: string): void => {
    if (out.has(n) || !Object.hasOwn(BUILTIN_MODULES, n)) return;
    out.add(n);
    for (const d of BUILTIN_MODULES[n]!.deps) visit(d);
  };
  for (const n of preloaded) visit(n);
  return [...out];
}

/**
 * One script per built-in the snapshot may run, named `node:<name>` as the guest names a module it
 * compiles (stack traces read the same): its bundle's wrapper function, left on the global object
 * for the boot script, which takes it. Scripts of their own, not text handed to eval: V8 shares a
 * script's functions between the snapshot's context and the scratch context of its warm-up, so the
 * bytecode the warm-up compiles is the snapshot's (an eval'd function is compiled per context).
 * Those the preload does not run are garbage before the snapshot is taken (not kept).
 */
function moduleScripts(preloaded: readonly string[]): { code: string; filename: string }[] {
  return moduleClosure(preloaded).flatMap((name) => {
    const source = builtinSource(name);
    return source === undefined ? [] : [{ code: `Object.defineProperty(globalThis, ${JSON.stringify(`${BIND_KEY}:module:${name}`)}, { value: ${source}, configurable: true });`, filename: `node:${name}` }];
  });
}

/** The script that makes the snapshot's context: the boot, the preload, attach kept under BIND_KEY. */
function snapshotScript(boot: string, names: readonly string[], preloaded: readonly string[]): string {
  const key = JSON.stringify(BIND_KEY);
  return `(() => {
  const factories = {};
  for (const n of ${JSON.stringify(names)}) { factories[n] = globalThis[${key} + ':module:' + n]; delete globalThis[${key} + ':module:' + n]; }
  const boot = ${boot};
  boot.api.preload(${JSON.stringify(preloaded)}, factories, ${SHAPE});
  Object.defineProperty(globalThis, ${key}, { value: boot.attach, configurable: true, enumerable: false, writable: false });
  Object.defineProperty(globalThis, ${key} + ':loaded', { value: boot.api.esm('builtins'), configurable: true, enumerable: false, writable: false });
  boot.api.snapshotting();
})();`;
}

/**
 * A snapshot handed to a sandbox process by its supervisor (sandbox-spawn.ts passes these in the
 * environment): the file, the SHA-256 of its bytes, and the V8 and isolated-vm build it was made
 * by (`makerId`). The file is written once by the supervisor into the folder of the sandbox's own
 * bundled entry (not writable by a sandbox's uid: a sandbox runs code from there already), and is
 * used only when its bytes hash to what the supervisor said and this V8 and build are the same
 * (the patched isolated-vm keeps the layer in a context the prebuilt one never reads); else the
 * sandbox builds its own.
 */
export interface HandedSnapshot {
  readonly file: string;
  readonly sha256: string;
  readonly v8: string;
}

/** The environment variables a sandbox process gets a HandedSnapshot through. */
export const HANDED_SNAPSHOT_ENV = { file: 'PHOTON_LAYER_SNAPSHOT_FILE', sha256: 'PHOTON_LAYER_SNAPSHOT_SHA256', v8: 'PHOTON_LAYER_SNAPSHOT_V8' } as const;

/** What made this process's snapshots: its V8 and isolated-vm build (HandedSnapshot's `v8`). */
const makerId = `${process.versions.v8} ${ISOLATED_VM_BUILD.tag}`;

/** The handed snapshot's bytes when they are the ones described, else why not (the caller builds its own). */
export function readHandedSnapshot(h: HandedSnapshot): ivm.ExternalCopy<ArrayBuffer> | string {
  if (h.v8 !== makerId) return `made by V8 ${h.v8}, this is ${makerId}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(h.file);
  } catch (e) {
    return `cannot read ${h.file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (createHash('sha256').update(bytes).digest('hex') !== h.sha256) return `${h.file} is not the snapshot the supervisor made (SHA-256 differs)`;
  return new ivm.ExternalCopy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** The snapshot of one process, its size and what making it cost (the bench and the README report these). */
export interface LayerSnapshot {
  readonly snapshot: ivm.ExternalCopy<ArrayBuffer>;
  readonly bytes: number;
  readonly buildMs: number;
  /** Read from the supervisor's file (buildMs: the read and its check) rather than built here. */
  readonly handed: boolean;
  /** Date.now() when it was made: no clock inside a context made from it may start before this. */
  readonly madeAt: number;
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
  readonly script = oneByte(`${this.boot}.attach`);
  private built: LayerSnapshot | null | undefined;
  failure: string | null = null;

  /**
   * Whether the built-ins a context's code asked for (the guest's answer, hostile input: anything
   * but an array of strings counts as none) include one the snapshot holds; never without a
   * snapshot in this process (`preloaded` stays empty: nothing to gain by starting from one).
   */
  usesLayer(touched: unknown): boolean {
    return Array.isArray(touched) && touched.some((n) => typeof n === 'string' && this.preloaded.includes(n));
  }

  /**
   * The exact scripts the snapshot is made from, in order, and its warm-up (tests check that they
   * hold photon's files only). `preloaded`: another set than PRELOADED, for benchmarks that compare sets.
   */
  snapshotSources(preloaded: readonly string[] = PRELOADED): { scripts: { code: string; filename: string }[]; warmup: string } {
    const modules = moduleScripts(preloaded);
    const scripts = [...modules, { code: snapshotScript(this.boot, modules.map((m) => m.filename.slice('node:'.length)), preloaded), filename: 'photon:layer-snapshot.js' }];
    return { scripts: scripts.map((s) => ({ ...s, code: oneByte(s.code) })), warmup: warmupScript(preloaded) };
  }

  /** Why a snapshot handed to this process was not used (then it built its own), or null. */
  handedFailure: string | null = null;

  snapshot(): LayerSnapshot | null {
    if (this.built !== undefined) return this.built;
    const t0 = performance.now();
    try {
      const file = process.env[HANDED_SNAPSHOT_ENV.file];
      const handed = file === undefined ? undefined : readHandedSnapshot({ file, sha256: process.env[HANDED_SNAPSHOT_ENV.sha256] ?? '', v8: process.env[HANDED_SNAPSHOT_ENV.v8] ?? '' });
      if (typeof handed === 'string') this.handedFailure = handed;
      let snapshot: ivm.ExternalCopy<ArrayBuffer>;
      if (handed !== undefined && typeof handed !== 'string') snapshot = handed;
      else {
        const { scripts, warmup } = this.snapshotSources();
        snapshot = ivm.Isolate.createSnapshot(scripts, process.env.PHOTON_LAYER_SNAPSHOT === 'cold' ? undefined : warmup);
      }
      this.built = { snapshot, bytes: snapshot.copy().byteLength, buildMs: performance.now() - t0, handed: snapshot === handed, madeAt: Date.now() };
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

  /**
   * Writes this process's snapshot into `dir` for sandbox processes to start from (readable by
   * all, replaced atomically); null when there is none. Photon's code only, as built above.
   */
  handOver(dir: string): HandedSnapshot | null {
    const built = this.snapshot();
    if (built === null) return null;
    const bytes = Buffer.from(built.snapshot.copy());
    const file = join(dir, 'layer-snapshot.bin');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    chmodSync(tmp, 0o644);
    renameSync(tmp, file);
    return { file, sha256: createHash('sha256').update(bytes).digest('hex'), v8: makerId };
  }
}

export const guestBoot = new GuestBoot();
