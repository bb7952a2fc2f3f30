// bench:isolates rows for Node's built-in modules inside the isolate (issue 14): cold start of an
// action that uses the common globals and modules against hello world (interleaved), RSS per warm
// isolate of each, Buffer base64 throughput inside the isolate as a ratio of this Node's; isolates
// from the layer's V8 startup snapshot (invoker/isolate/layer-snapshot.ts, the default) against
// plain ones (lazy loading per module with V8 code cache), interleaved in the same run.
import { builtinCodeCache } from '../invoker/isolate/builtin-code-cache.js';
import { guestBoot } from '../invoker/isolate/layer-snapshot.js';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import type { LayerSnapshotMode } from '../invoker/pool/layer-choice.js';
import type { NamespaceCache } from '../native/contracts.js';
import type { Action } from '../shared/model/action.js';
import { HELLO, benchAction } from './isolate-workloads.js';

/** An action that uses what most npm packages touch: Buffer, URL, TextEncoder, process, events, util, stream. */
export const LAYER_USER = `const { EventEmitter } = require('events'); const util = require('util'); const { Readable } = require('stream');
function main(p) { const b = Buffer.from('hello ' + (p.name || 'world')); const u = new URL('https://example.com/a?b=1');
  new EventEmitter().emit('x'); return { b64: b.toString('base64'), q: u.searchParams.get('b'), te: new TextEncoder().encode('é').length,
  env: typeof process.env, f: util.format('%s', 'x'), r: typeof Readable } }`;

const BASE64_SAMPLES = 9;
const BASE64_LOOP = (mb: number, rounds: number): string => `
  const b = Buffer.alloc(${mb} * 1048576, 'photon'); let s = ''; const t0 = Date.now();
  for (let i = 0; i < ${rounds}; i++) { s = b.toString('base64'); if (Buffer.from(s, 'base64').length !== b.length) throw new Error('round trip'); }
  return { ms: Date.now() - t0 };`;

export interface BuiltinRows {
  /** The pool's default ('auto', layer-choice.ts): hello world starts plain, the layer-using action from the snapshot. */
  coldHello: number[];
  coldLayer: number[];
  /** The same action's code loaded for the first time ('auto': its guess; built-ins beyond the snapshot compiled by the guest). */
  coldFirst: number[];
  /** Every isolate from the snapshot ('always': what main did before this choice), same run, interleaved. */
  coldHelloAlways: number[];
  coldLayerAlways: number[];
  /** Plain isolates ('never': what every cold start was before the snapshot), same run, interleaved. */
  coldHelloPlain: number[];
  /** Plain isolates, the action's built-ins precompiled with V8 code cache (lazy loading per module). */
  coldLayerPlain: number[];
  /** From a blank prewarm: 'auto' (one of each kind kept), and 'always' (every prewarm from the snapshot). */
  prewarmHello: number[];
  prewarmLayer: number[];
  prewarmHelloAlways: number[];
  prewarmLayerAlways: number[];
  /** Built-ins precompiled with cache data during the cold-start samples. */
  precompiled: number;
  rssHelloMb: number;
  rssLayerMb: number;
  rssHelloAlwaysMb: number;
  rssHelloPlainMb: number;
  rssLayerPlainMb: number;
  isolates: number;
  /** Medians over the alternated samples, and each sample's ratio (isolate over Node). */
  base64IsolateMBs: number;
  base64NodeMBs: number;
  base64Ratios: number[];
  snapshot: { bytes: number; buildMs: number; modules: number };
  /** What one minor page fault costs this host, µs (median of 5 fresh 64 MB buffers touched a page at a time). */
  faultMicros: number;
}

/**
 * A page fault's cost here: the part of a new isolate's start that moves most between hosts (V8
 * writes each new isolate's heap onto pages the kernel must map and zero: ~2 µs each on one VM this
 * project ran on, ~12 µs on another), printed so that cold-start figures can be compared across them.
 * On a VM the first touch of guest memory since boot costs the hypervisor's fault too: 8.8 µs a page
 * there against 1.3-1.75 µs once touched, on the same machine (a C loop over 8 GB, 2026-11-30), so a
 * fresh VM reads high until its memory has been used once.
 */
function faultMicros(): number {
  const costs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const f0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    const b = Buffer.allocUnsafeSlow(64 << 20); // past glibc's largest mmap threshold (32 MB): fresh pages, never a reused heap
    for (let at = 0; at < b.length; at += 4096) b[at] = 1;
    costs.push(((performance.now() - t0) * 1000) / Math.max(1, process.resourceUsage().minorPageFault - f0));
  }
  return pct(costs, 0.5);
}

const activation = (a: Action): { activationId: string; namespace: string; actionName: string } => ({ activationId: `b${Math.random().toString(16).slice(2)}`, namespace: 'guest', actionName: `/guest/${a.name}` });
const pct = (s: number[], q: number): number => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.floor(q * s.length))]!;

/** Until the pool has `n` blank prewarms ready (they are refilled when the pool is quiet). */
async function prewarmsReady(p: IsolatePool, n: number): Promise<void> {
  for (let i = 0; i < 400 && p.stats().prewarm < n; i++) await new Promise((r) => setTimeout(r, 5));
}

export async function builtinRows(cache: NamespaceCache, samples: number, settle: () => Promise<void>, rssMb: () => number): Promise<BuiltinRows> {
  // Cold starts, interleaved so that load on the machine hits all alike: the pool's default
  // ('auto'), every isolate from the layer's startup snapshot ('always') and plain ones ('never').
  const opts = (idPrefix: string, layerSnapshot: LayerSnapshotMode, count = 0): ConstructorParameters<typeof IsolatePool>[0] => ({ namespaces: cache, prewarm: { count, memoryMb: 128 }, userMemoryMb: 1 << 30, idPrefix, layerSnapshot });
  const pool = new IsolatePool(opts('tib-b', 'auto'));
  const always = new IsolatePool(opts('tib-a', 'always'));
  const plain = new IsolatePool(opts('tib-p', 'never'));
  // Prewarmed: 'auto' keeps one of each kind, 'always' one from the snapshot.
  const warmAuto = new IsolatePool(opts('tib-wb', 'auto', 2));
  const warmAlways = new IsolatePool(opts('tib-wa', 'always', 1));
  const pools = [pool, always, plain, warmAuto, warmAlways];
  await Promise.all(pools.map((p) => p.start()));
  const rows = { coldHello: [] as number[], coldLayer: [] as number[], coldFirst: [] as number[], coldHelloAlways: [] as number[], coldLayerAlways: [] as number[], coldHelloPlain: [] as number[], coldLayerPlain: [] as number[],
    prewarmHello: [] as number[], prewarmLayer: [] as number[], prewarmHelloAlways: [] as number[], prewarmLayerAlways: [] as number[] };
  const cachedBefore = builtinCodeCache.compiles.cached;
  // A new action per sample each time. LAYER_USER's code is the same in every sample, so from the
  // second on a plain isolate gets the built-ins its code loaded before precompiled with V8 cache
  // data (a cold start of an action that has run on this invoker before; its own comment keeps
  // its learned set apart from the snapshot pool's); `first` makes the code new each time (a
  // comment), so every sample is that code's first load.
  for (let i = 0; i < samples; i++) {
    const variants = [
      [pool, HELLO, 'coldHello'], [plain, HELLO, 'coldHelloPlain'], [always, HELLO, 'coldHelloAlways'], [pool, LAYER_USER, 'coldLayer'],
      [always, LAYER_USER, 'coldLayerAlways'], [plain, `${LAYER_USER}\n// plain isolates`, 'coldLayerPlain'], [pool, `${LAYER_USER}\n// first load ${i}`, 'coldFirst'],
      [warmAuto, HELLO, 'prewarmHello'], [warmAuto, LAYER_USER, 'prewarmLayer'], [warmAlways, HELLO, 'prewarmHelloAlways'], [warmAlways, LAYER_USER, 'prewarmLayerAlways'],
    ] as const;
    // A new random order each sample: no row always follows the same other one.
    const order = [...variants];
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(Math.random() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const [p, code, row] of order) {
      // Each sample starts with the prewarm pools refilled and the code cache's background work
      // done: a refill (new isolates on this thread) or a compile left by the previous sample
      // would otherwise land in whichever row comes next.
      await Promise.all([prewarmsReady(warmAuto, 2), prewarmsReady(warmAlways, 1), builtinCodeCache.idle()]);
      const a = benchAction(`b${row}${i}`, code);
      const t = performance.now();
      const o = await p.run(a, { name: 'x' }, activation(a));
      if (o.response.status !== 'success') throw new Error(`builtins bench: ${JSON.stringify(o.response.result)}`);
      rows[row].push(performance.now() - t);
    }
  }
  await Promise.all(pools.map((p) => p.close()));
  await builtinCodeCache.idle();
  const precompiled = builtinCodeCache.compiles.cached - cachedBefore;
  // RSS per warm isolate: N of each, measured apart. Every pool stays open until all rows are
  // read: closing one let the next row's isolates take the memory it freed, and a row then read
  // less than nothing (−3.5 MB per isolate, the last of five, twice in one evening).
  const held: IsolatePool[] = [];
  const rss = async (code: string, tag: string, n: number, layerSnapshot: LayerSnapshotMode): Promise<number> => {
    const p = new IsolatePool({ ...opts(`tib-r${tag}`, layerSnapshot) });
    held.push(p);
    await settle();
    const before = rssMb();
    for (let i = 0; i < n; i++) {
      const a = benchAction(`br${tag}${i}`, code);
      await p.run(a, { name: 'x' }, activation(a));
    }
    await settle();
    return (rssMb() - before) / n;
  };
  const isolates = Math.min(90, samples * 2);
  const rssHelloPlainMb = await rss(HELLO, 'hp', isolates, 'never');
  const rssHelloMb = await rss(HELLO, 'h', isolates, 'auto');
  const rssHelloAlwaysMb = await rss(HELLO, 'ha', isolates, 'always');
  const rssLayerPlainMb = await rss(`${LAYER_USER}\n// plain isolates`, 'lp', isolates, 'never');
  const rssLayerMb = await rss(LAYER_USER, 'l', isolates, 'auto');
  await Promise.all(held.map((p) => p.close()));
  // Buffer base64 round trips of 1 MB, inside the isolate and here: BASE64_SAMPLES pairs, the two
  // sides alternated (which goes first too), each pair's ratio kept. One run of each side was the
  // figure before: 0.32 and 0.90 in two runs a minute apart (both sides' time is mostly the kernel
  // faulting in fresh pages for 1.3 MB strings and 1 MB buffers, which moves with the machine).
  const rounds = 40;
  const tp = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 256 }, userMemoryMb: 1 << 30, idPrefix: 'tib-t' });
  const ba = benchAction('b64', `async function main() { ${BASE64_LOOP(1, rounds)} }`);
  ba.limits.memory = 256;
  const nodeLoop = new Function('Buffer', BASE64_LOOP(1, rounds)) as (b: typeof Buffer) => { ms: number };
  const isolateMs = async (): Promise<number> => ((await tp.run(ba, {}, activation(ba))).response.result as { ms: number }).ms;
  await isolateMs(); // warm, and the module loaded
  nodeLoop(Buffer);
  const b64: { iso: number; node: number }[] = [];
  for (let i = 0; i < BASE64_SAMPLES; i++) {
    let iso: number;
    let node: number;
    if (i % 2 === 0) {
      iso = await isolateMs();
      node = nodeLoop(Buffer).ms;
    } else {
      node = nodeLoop(Buffer).ms;
      iso = await isolateMs();
    }
    b64.push({ iso: Math.max(iso, 1), node: Math.max(node, 1) });
  }
  await tp.close();
  const mbMoved = rounds * 2; // encode + decode of 1 MB per round
  const mbs = (ms: number): number => mbMoved / (ms / 1000);
  const snap = guestBoot.snapshot();
  return {
    ...rows, precompiled, rssHelloMb, rssLayerMb, rssHelloAlwaysMb, rssHelloPlainMb, rssLayerPlainMb, isolates,
    base64IsolateMBs: pct(b64.map((x) => mbs(x.iso)), 0.5), base64NodeMBs: pct(b64.map((x) => mbs(x.node)), 0.5),
    base64Ratios: b64.map((x) => x.node / x.iso),
    snapshot: { bytes: snap?.bytes ?? 0, buildMs: snap?.buildMs ?? 0, modules: guestBoot.preloaded.length },
    faultMicros: faultMicros(),
  };
}

export function printBuiltinRows(r: BuiltinRows, ms: (v: number) => string): void {
  const p50 = (s: number[]): number => pct(s, 0.5);
  const base = p50(r.coldHelloPlain);
  const row = (label: string, s: number[]): void => console.log(`  ${label.padEnd(58)} p50 ${ms(p50(s)).padEnd(9)} p99 ${ms(pct(s, 0.99)).padEnd(9)} added ${ms(p50(s) - base)}`);
  const sn = r.snapshot;
  console.log(`built-in modules (issue 14); ${r.coldHello.length} interleaved samples each, new isolate + cached namespace, a new action per sample;`);
  console.log(`  "added": over a plain isolate's hello world (today's cold start without the snapshot), same run. Snapshot: ${(sn.bytes / 1048576).toFixed(1)} MB, ${sn.modules} built-ins run in it, built in ${ms(sn.buildMs)} at process start (V8's blob, then the scripts' sources: snapshot-external-sources.patch)`);
  console.log(`  this host: a minor page fault costs ${r.faultMicros.toFixed(1)} µs (a new isolate from the snapshot faults in ~300 pages more than a plain one: invoker/README.md, "Sources outside the heap")`);
  row('cold start, hello world, plain isolate', r.coldHelloPlain);
  row('cold start, hello world, auto (plain: no layer named)', r.coldHello);
  row('cold start, hello world, always from the snapshot', r.coldHelloAlways);
  row('Buffer+URL+process+events+util+stream, auto (snapshot)', r.coldLayer);
  console.log(`    goal ≤ +2 ms: ${p50(r.coldLayer) - base <= 2 ? 'met' : 'not met'}`);
  row('the same, always from the snapshot', r.coldLayerAlways);
  row('the same, the code\'s first load, auto', r.coldFirst);
  row(`the same, plain isolate, code cache (${r.precompiled} precompiles)`, r.coldLayerPlain);
  row('from a prewarm, hello world, auto (plain prewarm)', r.prewarmHello);
  row('from a prewarm, the layer action, auto (snapshot prewarm)', r.prewarmLayer);
  row('from a prewarm, hello world, always (snapshot prewarm)', r.prewarmHelloAlways);
  row('from a prewarm, the layer action, always (snapshot prewarm)', r.prewarmLayerAlways);
  console.log(`  RSS per warm isolate (${r.isolates} each): hello plain ${r.rssHelloPlainMb.toFixed(2)} MB, hello auto ${r.rssHelloMb.toFixed(2)} MB, hello always from the snapshot ${r.rssHelloAlwaysMb.toFixed(2)} MB, layer auto ${r.rssLayerMb.toFixed(2)} MB (added ${(r.rssLayerMb - r.rssHelloPlainMb).toFixed(2)} MB), layer plain ${r.rssLayerPlainMb.toFixed(2)} MB   goal ≤ +2 MB`);
  const ratios = [...r.base64Ratios].sort((a, b) => a - b);
  const ratio = pct(ratios, 0.5);
  console.log(`  Buffer base64 (1 MB encode+decode, ${ratios.length} alternated pairs): isolate ${r.base64IsolateMBs.toFixed(0)} MB/s, this Node ${r.base64NodeMBs.toFixed(0)} MB/s (medians), ratio p50 ${ratio.toFixed(2)} (pairs ${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)})   goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'not met'}`);
}
