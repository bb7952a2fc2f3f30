// Where a new isolate's time goes with the built-in layer's startup snapshot (issue 14's cold-start
// goal), in isolated-vm alone (no pool, no namespace): the snapshot's size, `new ivm.Isolate` (V8's
// isolate deserialisation plus the default context isolated-vm makes in its constructor, which
// photon never uses: the whole layer with the prebuilt binary, blank with photon's patched build,
// deploy/isolated-vm/), `createContext()` (the context photon uses), the guest runtime's attach (from
// the snapshot) or boot (plain: compiled with V8 code cache, as isolate-runtime.ts does), the
// action's install, and its first and second run. Rows: a plain isolate with hello world (today's
// cold start without the snapshot), isolates from the snapshot with hello world, with the bench's
// layer action (Buffer, URL, process, events, util, stream: bench/builtins-rows.ts) and with an
// action using only globals (Buffer, URL, TextEncoder, process). One process per
// checkout and round, checkouts alternated (BENCH_BASELINE=/dir: another checkout, as bench:peers; /a,/b: several),
// rows in a random order each sample. `--modules`: what each preloaded module adds to `new Isolate` +
// `createContext` (snapshots of other sets made in this process, this checkout only, interleaved).
//
//   node --no-node-snapshot --import tsx bench/layer-start.ts [samples per round] [rounds]   (BENCH_BASELINE=/a[,/b], BENCH_CHILD_FLAGS='--v8-flag';
//     BENCH_CHILD_FLAGS=--profile-deserialization also counts V8's deserialisations of each snapshot part per child)
//   node --no-node-snapshot --import tsx bench/layer-start.ts --modules [samples]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import v8 from 'node:v8';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type ivmNs from 'isolated-vm';

/**
 * isolated-vm as installed in the checkout at `root`: one process must load one copy of the addon
 * (a second, from another checkout's node_modules, aborts in its init), and a baseline child runs
 * this file from this checkout against the baseline's own modules.
 */
const loadIvm = async (root: string): Promise<typeof ivmNs> =>
  ((await import(pathToFileURL(resolve(root, 'node_modules/isolated-vm/isolated-vm.js')).href)) as { default: typeof ivmNs }).default;
import type * as BuildBuiltins from '../invoker/builtins/build-builtins.js';
import type * as LayerSnapshotModule from '../invoker/isolate/layer-snapshot.js';

const STEPS = ['isolate', 'context', 'attach', 'install', 'run1', 'run2'] as const;
type Step = (typeof STEPS)[number];
type Samples = Record<string, Record<Step, number[]>>;
interface ChildResult {
  bytes: number;
  /** Which isolated-vm the checkout loaded: the patch it was built with (isolated-vm-build.ts), or 'prebuilt'. */
  build: string;
  samples: Samples;
}

const HELLO = "function main(p) { return { greeting: 'Hello, ' + (p.name || 'world') + '!' } }";
// The same code as bench/builtins-rows.ts LAYER_USER (kept here: a baseline checkout may lack this file).
const LAYER_USER = `const { EventEmitter } = require('events'); const util = require('util'); const { Readable } = require('stream');
function main(p) { const b = Buffer.from('hello ' + (p.name || 'world')); const u = new URL('https://example.com/a?b=1');
  new EventEmitter().emit('x'); return { b64: b.toString('base64'), q: u.searchParams.get('b'), te: new TextEncoder().encode('é').length,
  env: typeof process.env, f: util.format('%s', 'x'), r: typeof Readable } }`;
// An action that uses only the layer's globals (no require: Buffer, URL, TextEncoder, process):
// what an isolate from the snapshot costs an action that needs none of util's or stream's code.
const GLOBALS_USER = `function main(p) { const b = Buffer.from('hello ' + (p.name || 'world')); const u = new URL('https://example.com/a?b=1');
  return { b64: b.toString('base64'), q: u.searchParams.get('b'), te: new TextEncoder().encode('é').length, env: typeof process.env } }`;
const ROWS = [
  ['plain hello world', false, HELLO],
  ['snapshot hello world', true, HELLO],
  ['snapshot layer action', true, LAYER_USER],
  ['snapshot globals action', true, GLOBALS_USER],
] as const;

const median = (s: number[]): number => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)] ?? NaN;

/** One process's samples, in the checkout at `root` (its own snapshot, bundles and guest runtime). */
async function child(root: string, samples: number): Promise<ChildResult> {
  const at = (p: string): string => pathToFileURL(resolve(root, p)).href;
  // As isolate-runtime.ts sets it before any isolate exists (the pool's isolates run node:buffer's
  // base64 natively with it; without it, in JavaScript): the same for every checkout.
  if (process.env.PHOTON_V8_BASE64 !== 'off') v8.setFlagsFromString('--js-base-64');
  const { ensureBuiltins, builtinSource } = (await import(at('invoker/builtins/build-builtins.ts'))) as typeof BuildBuiltins;
  await ensureBuiltins();
  const { guestBoot } = (await import(at('invoker/isolate/layer-snapshot.ts'))) as typeof LayerSnapshotModule;
  const ivm = await loadIvm(root);
  const snap = guestBoot.snapshot();
  if (snap === null) throw new Error(`no layer snapshot in ${root}: ${guestBoot.failure}`);
  const hostFs = new ivm.Callback((op: unknown, path: unknown): unknown => (op === 'builtin' && typeof path === 'string' ? builtinSource(path) : op === 'stat' ? 0 : undefined));
  let bootCache: ivmNs.ExternalCopy<ArrayBuffer> | undefined;
  const out: Samples = {};
  let recording = false;
  const one = async (row: string, fromSnapshot: boolean, code: string): Promise<void> => {
    const times = recording ? (out[row] ??= Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>) : Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
    let t = performance.now();
    const lap = (step: Step): void => {
      const now = performance.now();
      times[step].push(now - t);
      t = now;
    };
    const isolate = new ivm.Isolate({ memoryLimit: 128, ...(fromSnapshot ? { snapshot: snap.snapshot } : {}) });
    try {
      lap('isolate');
      const context = await isolate.createContext();
      lap('context');
      let factory: ivmNs.Reference<unknown>;
      if (fromSnapshot) factory = (await context.global.get(guestBoot.bindKey, { reference: true })) as ivmNs.Reference<unknown>;
      else {
        const script = bootCache
          ? isolate.compileScriptSync(guestBoot.script, { filename: 'photon:guest-runtime.js', cachedData: bootCache })
          : isolate.compileScriptSync(guestBoot.script, { filename: 'photon:guest-runtime.js', produceCachedData: true });
        bootCache ??= (script as ivmNs.Script & ivmNs.CachedDataResult).cachedData;
        factory = (await script.run(context, { reference: true })) as ivmNs.Reference<unknown>;
      }
      const stage = new ivm.ExternalCopy(new SharedArrayBuffer(64 * 1024)).copyInto({ release: true });
      const api = (await factory.apply(undefined, [new ivm.Callback(() => undefined), hostFs, new ivm.Reference(() => undefined), stage], { result: { reference: true } })) as ivmNs.Reference<Record<string, unknown>>;
      lap('attach');
      const install = (await api.get('install', { reference: true })) as ivmNs.Reference<(...a: string[]) => string>;
      const run = (await api.get('run', { reference: true })) as ivmNs.Reference<(p: string, e: string) => Promise<string>>;
      const installed = String(await install.apply(undefined, [code, 'main', '{}', ''], { result: { copy: true } }));
      if (!installed.includes('"ok":true')) throw new Error(`install: ${installed}`);
      lap('install');
      for (const step of ['run1', 'run2'] as const) {
        const r = String(await run.apply(undefined, ['{"name":"x"}', '{}'], { result: { promise: true, copy: true } }));
        if (!r.startsWith('o')) throw new Error(`run: ${r}`);
        lap(step);
      }
    } finally {
      isolate.dispose();
    }
  };
  for (const [row, fromSnapshot, code] of ROWS) await one(row, fromSnapshot, code); // unrecorded: the boot's code cache, first compiles
  recording = true;
  for (let i = 0; i < samples; i++) {
    const order = [...ROWS].sort(() => Math.random() - 0.5);
    for (const [row, fromSnapshot, code] of order) await one(row, fromSnapshot, code);
  }
  const patch = (ivm as unknown as { readonly photonPatch?: unknown }).photonPatch;
  return { bytes: snap.bytes, build: typeof patch === 'string' ? patch : 'prebuilt', samples: out };
}

function parent(samples: number, rounds: number): void {
  const here = fileURLToPath(new URL('..', import.meta.url));
  // BENCH_BASELINE: one checkout, or several separated by commas (each named by its folder).
  const baselines = (process.env.BENCH_BASELINE ?? '').split(',').filter((d) => d !== '');
  const checkouts: (readonly [string, string])[] = [['this checkout', here], ...baselines.map((d) => [baselines.length === 1 ? 'baseline' : `baseline ${d}`, resolve(d)] as const)];
  // BENCH_CHILD_FLAGS: V8/Node flags for every child (e.g. --no-rehash-snapshot, to see what V8's
  // per-isolate rehash of the snapshot's hash tables costs); printed with the figures.
  const childFlags = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const load0 = os.loadavg()[0]!;
  const all = new Map<string, { bytes: number; build: string; samples: Samples }>();
  for (let r = 0; r < rounds; r++) {
    // Each round in another order: reversed every other round, and rotated (with three or more).
    const rotated = [...checkouts.slice(r % checkouts.length), ...checkouts.slice(0, r % checkouts.length)];
    for (const [name, root] of r % 2 === 0 ? rotated : rotated.reverse()) {
      const p = spawnSync(process.execPath, ['--no-node-snapshot', ...childFlags, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', root, String(samples)], { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
      const line = p.stdout.trim().split('\n').at(-1) ?? '';
      if (!line.startsWith('{') || !line.endsWith('}')) throw new Error(`${name}: status ${p.status}, signal ${p.signal}, ${p.error?.message ?? ''}\nstdout: ${p.stdout.slice(-500)}\nstderr: ${p.stderr.slice(-2000)}`);
      // A child sometimes dies at its exit after printing (SIGSEGV in isolated-vm's teardown, about 1
      // in 10 children of main and of this branch alike): its samples are whole; said, not hidden.
      if (p.status !== 0) console.error(`${name}: the child ended with status ${p.status}, signal ${p.signal} after printing its samples`);
      if (childFlags.includes('--profile-deserialization')) deserialised(name, p.stdout);
      const res = JSON.parse(line) as ChildResult;
      const acc = all.get(name) ?? { bytes: res.bytes, build: res.build, samples: {} };
      for (const [row, steps] of Object.entries(res.samples)) for (const s of STEPS) ((acc.samples[row] ??= Object.fromEntries(STEPS.map((x) => [x, [] as number[]])) as Record<Step, number[]>)[s]).push(...steps[s]);
      all.set(name, acc);
    }
  }
  console.log(`new isolate with the layer, in-process (isolated-vm alone), ${samples} samples × ${rounds} rounds per checkout, checkouts alternated; p50 ms per step; load ${load0.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}${childFlags.length > 0 ? `; child flags ${childFlags.join(' ')}` : ''}`);
  for (const [name, acc] of all) {
    console.log(`${name}: snapshot ${(acc.bytes / 1024).toFixed(0)} KB, isolated-vm ${acc.build}`);
    const base = acc.samples['plain hello world']!;
    const sumTo = (row: Record<Step, number[]>, upto: number): number => STEPS.slice(0, upto).reduce((a, s) => a + median(row[s]), 0);
    for (const [row, steps] of Object.entries(acc.samples)) {
      const cells = STEPS.map((s) => `${s} ${median(steps[s]).toFixed(2)}`).join('  ');
      // To the end of the first run: what a cold start pays here.
      console.log(`  ${row.padEnd(22)} ${cells}   to run1 ${sumTo(steps, 5).toFixed(2)} (${(sumTo(steps, 5) - sumTo(base, 5) >= 0 ? '+' : '')}${(sumTo(steps, 5) - sumTo(base, 5)).toFixed(2)})`);
    }
  }
}

/**
 * V8's own account of one child (BENCH_CHILD_FLAGS=--profile-deserialization, which V8 prints on
 * stdout): per size of snapshot part, how many times it was deserialised and the median time. An
 * isolate from the layer's snapshot deserialises its isolate part once; with the prebuilt isolated-vm
 * its context part twice (isolated-vm's default context in `new Isolate`, then photon's in
 * `createContext()`), with photon's patched build a blank default context and the layer's once.
 */
function deserialised(name: string, stdout: string): void {
  const parts = new Map<string, number[]>();
  for (const m of stdout.matchAll(/\[Deserializing (isolate|context #\d+) \((\d+) bytes\) took ([\d.]+) ms\]/g)) {
    const key = `${m[1]!.startsWith('isolate') ? 'isolate' : 'context'} part ${m[2]} bytes`;
    parts.set(key, [...(parts.get(key) ?? []), Number(m[3])]);
  }
  console.log(`${name}, V8's deserialisations: ${[...parts].map(([k, t]) => `${k} ×${t.length} (p50 ${median(t).toFixed(2)} ms)`).join('; ')}`);
}

/** isolate + context per preload set: the default, none, and the default without one module (and what only it loads). */
async function modules(samples: number): Promise<void> {
  const ivm = await loadIvm(fileURLToPath(new URL('..', import.meta.url)));
  const { ensureBuiltins } = await import('../invoker/builtins/build-builtins.js');
  await ensureBuiltins();
  const { guestBoot } = await import('../invoker/isolate/layer-snapshot.js');
  const all = ['buffer', 'events', 'process', 'util', 'url', 'stream', 'string_decoder', 'timers', 'internal/web'];
  const without = (...m: string[]): string[] => all.filter((n) => !m.includes(n));
  const sets: [string, string[] | undefined][] = [['default (this checkout)', undefined], ['none (runtime only)', []], ['default without stream', without('stream')],
    ['default without util, stream', without('util', 'stream')], ['default without url', without('url')], ['globals only (buffer, process, timers, url, web, events)', without('util', 'stream', 'string_decoder')]];
  const snaps = sets.map(([name, set]) => {
    const { scripts, warmup } = guestBoot.snapshotSources(set);
    return { name, snapshot: ivm.Isolate.createSnapshot(scripts, warmup) };
  });
  const empty = { name: 'empty snapshot (V8 only)', snapshot: ivm.Isolate.createSnapshot([{ code: 'globalThis.x = 1' }]) };
  const rows = [...snaps, empty, { name: 'plain isolate', snapshot: null }];
  const t = new Map<string, { iso: number[]; ctx: number[] }>(rows.map((r) => [r.name, { iso: [], ctx: [] }]));
  const load0 = os.loadavg()[0]!;
  for (let i = 0; i < samples; i++) {
    for (const r of [...rows].sort(() => Math.random() - 0.5)) {
      const t0 = performance.now();
      const isolate = new ivm.Isolate({ memoryLimit: 128, ...(r.snapshot ? { snapshot: r.snapshot } : {}) });
      const t1 = performance.now();
      await isolate.createContext();
      t.get(r.name)!.iso.push(t1 - t0);
      t.get(r.name)!.ctx.push(performance.now() - t1);
      isolate.dispose();
    }
  }
  console.log(`new Isolate + createContext per preload set, ${samples} interleaved samples, p50 ms; load ${load0.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`);
  for (const r of rows) {
    const { iso, ctx } = t.get(r.name)!;
    const kb = r.snapshot ? `${(r.snapshot.copy().byteLength / 1024).toFixed(0)} KB` : '';
    console.log(`  ${r.name.padEnd(56)} ${kb.padStart(8)}  isolate ${median(iso).toFixed(2)}  context ${median(ctx).toFixed(2)}  sum ${(median(iso) + median(ctx)).toFixed(2)}`);
  }
}

if (process.argv[2] === '--modules') await modules(Number(process.argv[3] ?? 40));
else if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await child(process.argv[3]!, Number(process.argv[4] ?? 20))));
  process.exit(0);
} else parent(Number(process.argv[2] ?? 20), Number(process.argv[3] ?? 4));
