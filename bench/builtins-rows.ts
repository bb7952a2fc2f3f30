// bench:isolates rows for Node's built-in modules inside the isolate (issue 14): cold start of an
// action that uses the common globals and modules against hello world (interleaved), RSS per warm
// isolate of each, Buffer base64 throughput inside the isolate as a ratio of this Node's, and the
// choice between a V8 startup snapshot of the layer and lazy loading per module (measured here with
// isolated-vm directly: new Isolate from a snapshot against running the same code).
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinCodeCache } from '../invoker/isolate/builtin-code-cache.js';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import type { NamespaceCache } from '../native/contracts.js';
import type { Action } from '../shared/model/action.js';
import { HELLO, benchAction } from './isolate-workloads.js';

/** An action that uses what most npm packages touch: Buffer, URL, TextEncoder, process, events, util, stream. */
export const LAYER_USER = `const { EventEmitter } = require('events'); const util = require('util'); const { Readable } = require('stream');
function main(p) { const b = Buffer.from('hello ' + (p.name || 'world')); const u = new URL('https://example.com/a?b=1');
  new EventEmitter().emit('x'); return { b64: b.toString('base64'), q: u.searchParams.get('b'), te: new TextEncoder().encode('é').length,
  env: typeof process.env, f: util.format('%s', 'x'), r: typeof Readable } }`;

const BASE64_LOOP = (mb: number, rounds: number): string => `
  const b = Buffer.alloc(${mb} * 1048576, 'photon'); let s = ''; const t0 = Date.now();
  for (let i = 0; i < ${rounds}; i++) { s = b.toString('base64'); if (Buffer.from(s, 'base64').length !== b.length) throw new Error('round trip'); }
  return { ms: Date.now() - t0 };`;

export interface BuiltinRows {
  coldHello: number[];
  coldLayer: number[];
  /** The same action's code loaded for the first time (no built-in precompiled). */
  coldFirst: number[];
  /** Built-ins precompiled with cache data during the cold-start samples. */
  precompiled: number;
  rssHelloMb: number;
  rssLayerMb: number;
  isolates: number;
  base64IsolateMBs: number;
  base64NodeMBs: number;
  snapshot: { bytes: number; fromSnapshotMs: number[]; runScriptMs: number[]; heapSnapshotMb: number; heapScriptMb: number };
}

const activation = (a: Action): { activationId: string; namespace: string; actionName: string } => ({ activationId: `b${Math.random().toString(16).slice(2)}`, namespace: 'guest', actionName: `/guest/${a.name}` });
const pct = (s: number[], q: number): number => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor(q * s.length))]!;

export async function builtinRows(cache: NamespaceCache, samples: number, settle: () => Promise<void>, rssMb: () => number): Promise<BuiltinRows> {
  // Cold starts, interleaved so that load on the machine hits both alike.
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, userMemoryMb: 1 << 30, idPrefix: 'tib-b' });
  await pool.start();
  const coldHello: number[] = [];
  const coldLayer: number[] = [];
  const coldFirst: number[] = [];
  const cachedBefore = builtinCodeCache.compiles.cached;
  // A new action per sample each time. LAYER_USER's code is the same in every sample, so from the
  // second on its isolate gets the built-ins its code loaded before precompiled with V8 cache data
  // (a cold start of an action that has run on this invoker before); `first` makes the code new
  // each time (a comment), so every sample is that code's first load: the built-ins compiled by
  // the guest from source, as every cold start was before the code cache.
  for (let i = 0; i < samples; i++) {
    for (const [code, out] of [[HELLO, coldHello], [LAYER_USER, coldLayer], [`${LAYER_USER}\n// first load ${i}`, coldFirst]] as const) {
      const a = benchAction(`bl${out === coldHello ? 'h' : out === coldLayer ? 'l' : 'f'}${i}`, code);
      const t = performance.now();
      const o = await pool.run(a, { name: 'x' }, activation(a));
      if (o.response.status !== 'success') throw new Error(`builtins bench: ${JSON.stringify(o.response.result)}`);
      out.push(performance.now() - t);
    }
  }
  await pool.close();
  const precompiled = builtinCodeCache.compiles.cached - cachedBefore;
  // RSS per warm isolate: N of each, measured apart.
  const rss = async (code: string, tag: string, n: number): Promise<number> => {
    const p = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, userMemoryMb: 1 << 30, idPrefix: `tib-r${tag}` });
    await settle();
    const before = rssMb();
    for (let i = 0; i < n; i++) {
      const a = benchAction(`br${tag}${i}`, code);
      await p.run(a, { name: 'x' }, activation(a));
    }
    await settle();
    const per = (rssMb() - before) / n;
    await p.close();
    return per;
  };
  const isolates = Math.min(90, samples * 2);
  const rssHelloMb = await rss(HELLO, 'h', isolates);
  const rssLayerMb = await rss(LAYER_USER, 'l', isolates);
  // Buffer base64 round trips of 1 MB, inside the isolate and here.
  const rounds = 40;
  const tp = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 256 }, userMemoryMb: 1 << 30, idPrefix: 'tib-t' });
  const ba = benchAction('b64', `async function main() { ${BASE64_LOOP(1, rounds)} }`);
  ba.limits.memory = 256;
  await tp.run(ba, {}, activation(ba)); // warm, and the module loaded
  const inIsolate = await tp.run(ba, {}, activation(ba));
  await tp.close();
  const isoMs = (inIsolate.response.result as { ms: number }).ms;
  const nodeMs = (new Function('Buffer', BASE64_LOOP(1, rounds)) as (b: typeof Buffer) => { ms: number })(Buffer).ms;
  const mbMoved = rounds * 2; // encode + decode of 1 MB per round
  return {
    coldHello, coldLayer, coldFirst, precompiled, rssHelloMb, rssLayerMb, isolates,
    base64IsolateMBs: mbMoved / (Math.max(isoMs, 1) / 1000), base64NodeMBs: mbMoved / (Math.max(nodeMs, 1) / 1000),
    snapshot: snapshotVersusScript(samples),
  };
}

/**
 * The layer's modules that LAYER_USER needs, evaluated with a stand-in loader: once into a V8
 * startup snapshot (then: new Isolate from it + a context), once run as a script in a new isolate.
 */
export function snapshotVersusScript(samples: number): BuiltinRows['snapshot'] {
  const dir = fileURLToPath(new URL('../invoker/builtins/.bundle/', import.meta.url));
  const names = ['internal/runtime', 'internal/web', 'buffer', 'events', 'process', 'util', 'assert', 'url', 'punycode', 'querystring', 'stream', 'string_decoder', 'stream/web', 'timers'];
  const table = names.map((n) => `${JSON.stringify(n)}: ${readFileSync(`${dir}${n.replace(/\//g, '__')}.js`, 'utf8')}`).join(',\n');
  const script = `(() => { globalThis.process = { env: {}, version: 'v20.19.0', versions: {}, platform: 'linux', nextTick: (f, ...a) => Promise.resolve().then(() => f(...a)) };
    const table = {${table}}; const cache = {};
    const stub = new Proxy({}, { get: () => () => undefined }); const rt = { env: {}, config: {}, setTimer() {}, clearTimer() {}, setImmediate() {}, clearImmediate() {}, log() {}, emit() {}, utf8Encode: () => new Uint8Array(0), utf8Decode: () => '', toArrayBuffer: () => new ArrayBuffer(0), rawFetch() {}, request() {}, exit() {} };
    const req = (n) => { n = n.replace(/^node:/, ''); if (n === 'photon:host') return stub; if (n === 'photon:runtime') return rt; if (n === 'photon:base64') return null; if (cache[n]) return cache[n].exports;
      const m = { exports: {}, id: 'node:' + n }; cache[n] = m; table[n].call(m.exports, m.exports, req, m); return m.exports; };
    const lazy = { TextEncoder: 'internal/web', TextDecoder: 'internal/web', Event: 'internal/web', EventTarget: 'internal/web', AbortController: 'internal/web', AbortSignal: 'internal/web',
      DOMException: 'internal/web', Blob: 'internal/web', atob: 'internal/web', btoa: 'internal/web', URL: 'url', URLSearchParams: 'url', Buffer: 'buffer',
      ReadableStream: 'stream/web', WritableStream: 'stream/web', TransformStream: 'stream/web' };
    for (const [g, m] of Object.entries(lazy)) Object.defineProperty(globalThis, g, { configurable: true, get: () => req(m)[g] });
    for (const g of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask']) globalThis[g] = () => 0;
    for (const n of ['buffer', 'events', 'util', 'url', 'stream', 'process']) req(n); globalThis.__layer = cache; })();`;
  const snap = ivm.Isolate.createSnapshot([{ code: script }]);
  const bytes = snap.copy().byteLength;
  const fromSnapshotMs: number[] = [];
  const runScriptMs: number[] = [];
  let heapSnapshot = 0;
  let heapScript = 0;
  for (let i = 0; i < samples; i++) {
    let t = performance.now();
    const a = new ivm.Isolate({ memoryLimit: 128, snapshot: snap });
    const ca = a.createContextSync();
    if (ca.global.getSync('__layer') === undefined) throw new Error('the snapshot lost the layer');
    fromSnapshotMs.push(performance.now() - t);
    heapSnapshot = a.getHeapStatisticsSync().used_heap_size;
    a.dispose();
    t = performance.now();
    const b = new ivm.Isolate({ memoryLimit: 128 });
    const cb = b.createContextSync();
    b.compileScriptSync(script).runSync(cb);
    runScriptMs.push(performance.now() - t);
    heapScript = b.getHeapStatisticsSync().used_heap_size;
    b.dispose();
  }
  return { bytes, fromSnapshotMs, runScriptMs, heapSnapshotMb: heapSnapshot / 1048576, heapScriptMb: heapScript / 1048576 };
}

export function printBuiltinRows(r: BuiltinRows, ms: (v: number) => string): void {
  const p50 = (s: number[]): number => pct(s, 0.5);
  const added = p50(r.coldLayer) - p50(r.coldHello);
  console.log(`built-in modules (issue 14), lazy per module; ${r.coldHello.length} interleaved samples each, new isolate + cached namespace, a new action per sample:`);
  console.log(`  cold start, hello world (layer untouched)     p50 ${ms(p50(r.coldHello)).padEnd(9)} p99 ${ms(pct(r.coldHello, 0.99)).padEnd(9)}`);
  console.log(`  cold start, Buffer+URL+process+events+util+stream used, code run before (built-ins precompiled, V8 code cache; ${r.precompiled} precompiles)`);
  console.log(`                                                p50 ${ms(p50(r.coldLayer)).padEnd(9)} p99 ${ms(pct(r.coldLayer, 0.99)).padEnd(9)} added ${ms(added)}   goal ≤ +2 ms`);
  console.log(`  the same, the code's first load (built-ins compiled in the guest from source)`);
  console.log(`                                                p50 ${ms(p50(r.coldFirst)).padEnd(9)} p99 ${ms(pct(r.coldFirst, 0.99)).padEnd(9)} added ${ms(p50(r.coldFirst) - p50(r.coldHello))}`);
  console.log(`  RSS per warm isolate: hello ${r.rssHelloMb.toFixed(2)} MB, with those modules ${r.rssLayerMb.toFixed(2)} MB (added ${(r.rssLayerMb - r.rssHelloMb).toFixed(2)} MB; ${r.isolates} isolates each)   goal ≤ +2 MB`);
  console.log(`  Buffer base64 (1 MB encode+decode): isolate ${r.base64IsolateMBs.toFixed(0)} MB/s, this Node ${r.base64NodeMBs.toFixed(0)} MB/s, ratio ${(r.base64IsolateMBs / r.base64NodeMBs).toFixed(2)}   goal ≥ 0.5`);
  const s = r.snapshot;
  console.log(`  V8 snapshot of those modules (${(s.bytes / 1048576).toFixed(1)} MB): new Isolate + context from it p50 ${ms(p50(s.fromSnapshotMs))}, heap ${s.heapSnapshotMb.toFixed(1)} MB;`);
  console.log(`    the same code run in a new isolate p50 ${ms(p50(s.runScriptMs))}, heap ${s.heapScriptMb.toFixed(1)} MB (lazy loading pays only for modules an action uses)`);
}
