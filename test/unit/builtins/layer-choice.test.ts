// Which isolates start from the built-in layer's startup snapshot (invoker/pool/layer-choice.ts):
// an action that does not use the layer gets a plain isolate, one that does gets the snapshot, a
// revision not seen yet is guessed from its code and then learned from its first activation, and
// blank prewarms are kept of both kinds.
import { afterEach, describe, expect, it } from 'vitest';
import '../../../invoker/isolate/isolate-runtime.js'; // builds the process's snapshot (at start)
import { guestBoot } from '../../../invoker/isolate/layer-snapshot.js';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import { guessLayerUse, LayerChoice } from '../../../invoker/pool/layer-choice.js';
import type { PoolEvent } from '../../../invoker/pool/pool-events.js';
import type { Action } from '../../../shared/model/action.js';
import { builtinCodeCache } from '../../../invoker/isolate/builtin-code-cache.js';
import { activation, fakeNamespaceCache, makeAction } from '../invoker/fixtures.js';

const HELLO = "function main(p) { return { greeting: 'Hello, ' + (p.name || 'world') + '!' } }";
const LAYER = "function main() { return { b64: Buffer.from('hi').toString('base64'), q: new URL('https://x.org/?a=1').searchParams.get('a') } }";

let pool: IsolatePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** A pool recording, per isolate it created, whether it started from the snapshot. */
async function recordingPool(prewarm = 0, userMemoryMb = 8192): Promise<{ pool: IsolatePool; created: Extract<PoolEvent, { type: 'created' }>[] }> {
  const p = new IsolatePool({ namespaces: fakeNamespaceCache(), userMemoryMb, strictLifecycle: true, prewarm: { count: prewarm, memoryMb: 128 } });
  const created: Extract<PoolEvent, { type: 'created' }>[] = [];
  p.events.subscribe((e) => {
    if (e.type === 'created') created.push(e);
  });
  await p.start();
  pool = p;
  return { pool: p, created };
}

/** Until the pool has learnt whether each action uses the layer (reported off the latency path). */
async function learnt(p: IsolatePool, actions: Action[]): Promise<void> {
  while (actions.some((a) => p.layerUse(a) === undefined)) await new Promise((r) => setTimeout(r, 5));
}

describe("the choice of isolates from the layer's startup snapshot", () => {
  it('guesses from the code: no module loader nor layer global named → plain; archives, long code, require, Buffer → the snapshot', () => {
    const a = (code: string, binary = false) => ({ ...makeAction(code), exec: { kind: 'nodejs:20', code, binary } });
    expect(guessLayerUse(a(HELLO))).toBe(false);
    expect(guessLayerUse(a('function main() { return { s: JSON.stringify([1, 2]).length, m: Math.max(1, 2) } }'))).toBe(false);
    expect(guessLayerUse(a(LAYER))).toBe(true);
    expect(guessLayerUse(a("const x = require('lodash'); function main() { return {} }"))).toBe(true);
    expect(guessLayerUse(a('async function main() { return (await fetch("https://x.org")).status }'))).toBe(true);
    expect(guessLayerUse(a('UEsDBA==', true))).toBe(true);
    expect(guessLayerUse(a(`function main() { return {} }\n//${'x'.repeat(70 * 1024)}`))).toBe(true);
  });

  it('a prewarm is kept of each kind; modes always and never override everything', () => {
    const auto = new LayerChoice('auto');
    // Beyond one of each, and for a lone prewarm: the last need (plain before any).
    expect([auto.prewarmKind(0, 0, 2), auto.prewarmKind(1, 0, 2), auto.prewarmKind(1, 1, 3), auto.prewarmKind(0, 0, 1)]).toEqual([true, false, false, false]);
    auto.need(makeAction(LAYER));
    expect(auto.prewarmKind(1, 1, 3)).toBe(true);
    expect(new LayerChoice('never').prewarmKind(0, 0, 2)).toBe(false);
    expect(new LayerChoice('always').need(makeAction(HELLO))).toBe(true);
    expect(new LayerChoice('never').need(makeAction(LAYER))).toBe(false);
  });

  it('starts hello world plain and the layer-using action from the snapshot, both answering right', async () => {
    expect(guestBoot.snapshot(), guestBoot.failure ?? '').not.toBeNull();
    const { pool: p, created } = await recordingPool();
    const hello = makeAction(HELLO);
    const layer = makeAction(LAYER);
    expect((await p.run(hello, { name: 'x' }, activation(hello))).response.result).toEqual({ greeting: 'Hello, x!' });
    expect((await p.run(layer, {}, activation(layer))).response.result).toEqual({ b64: 'aGk=', q: '1' });
    expect(created.map((e) => e.layer)).toEqual([false, true]);
  });

  it('learns from the first activation where the guess was wrong, in both directions', async () => {
    const { pool: p, created } = await recordingPool();
    // Names `require` only in a comment: guessed to use the layer, seen not to.
    const quiet = makeAction(`// no require here\nfunction main() { return { n: 1 } }`, { limits: { concurrency: 1 } });
    // Reaches Buffer by a computed name: guessed plain, seen to use it.
    const hidden = makeAction("function main() { const B = globalThis['Buf' + 'fer']; return { s: B.from('hi').toString('hex') } }");
    for (const a of [quiet, hidden]) expect((await p.run(a, {}, activation(a))).response.status).toBe('success');
    await learnt(p, [quiet, hidden]);
    expect([p.layerUse(quiet), p.layerUse(hidden)]).toEqual([false, true]);
    expect(created.map((e) => e.layer)).toEqual([true, false]);
    // The next isolates of those revisions (two activations at once: the warm one serves one, a new isolate the other).
    for (const a of [quiet, hidden]) {
      const both = await Promise.all([p.run(a, {}, activation(a)), p.run(a, {}, activation(a))]);
      for (const o of both) expect(o.response.status, JSON.stringify(o.response.result)).toBe('success');
    }
    expect(created.map((e) => e.layer)).toEqual([true, false, false, true]);
  });

  it('learns a global read in an isolate from the snapshot: the snapshot keeps every layer global unread (its getter tells)', async () => {
    // Each action names `require` (guessed: the snapshot) and reaches one global by a computed name.
    // Were a global's value put in place while the snapshot was made (layer-snapshot.ts SHAPE goes
    // through the module loader for that reason), its read would go unseen: learnt as not using the layer.
    const { pool: p, created } = await recordingPool();
    const uses = (global: string, expr: string) => makeAction(`// require\nfunction main() { const G = globalThis['${global.slice(0, 2)}' + '${global.slice(2)}']; return { v: ${expr} } }`);
    const actions = [uses('Buffer', "G.from('hi').toString('hex')"), uses('URL', "new G('https://x.org/?a=1').search"), uses('TextEncoder', "new G().encode('x').length")];
    for (const a of actions) expect((await p.run(a, {}, activation(a))).response.result).toEqual({ v: expect.anything() });
    await learnt(p, actions);
    expect(created.map((e) => e.layer)).toEqual([true, true, true]);
    expect(actions.map((a) => p.layerUse(a))).toEqual([true, true, true]);
  });

  it('learns what code used, not what the snapshot held: the same code in a plain isolate then precompiles none of the layer', async () => {
    const make = (mode: 'always' | 'never') => new IsolatePool({ namespaces: fakeNamespaceCache(), userMemoryMb: 8192, strictLifecycle: true, prewarm: { count: 0, memoryMb: 128 }, layerSnapshot: mode });
    const [snap, plain] = [make('always'), make('never')];
    await Promise.all([snap.start(), plain.start()]);
    try {
      // Cache data for the layer's modules exists (a plain isolate loaded them).
      const user = makeAction(`${LAYER}\n// data ${Math.random()}`);
      await plain.run(user, {}, activation(user));
      await builtinCodeCache.idle();
      const code = `${HELLO}\n// ${Math.random()}`;
      for (const [p, n] of [[snap, 1], [plain, 2], [plain, 3]] as const) {
        const a = makeAction(code, { name: `same-code-${n}` });
        const before = builtinCodeCache.compiles.cached;
        expect((await p.run(a, {}, activation(a))).response.status).toBe('success');
        await builtinCodeCache.idle();
        expect(builtinCodeCache.compiles.cached - before, `run ${n}`).toBe(0);
      }
    } finally {
      await Promise.all([snap.close(), plain.close()]);
    }
  });

  it("keeps V8 cache data per kind of isolate: data made in one from the snapshot is never handed to a plain one (V8 refuses it)", async () => {
    const make = (mode: 'always' | 'never') => new IsolatePool({ namespaces: fakeNamespaceCache(), userMemoryMb: 8192, strictLifecycle: true, prewarm: { count: 0, memoryMb: 128 }, layerSnapshot: mode });
    const [snap, plain] = [make('always'), make('never')];
    await Promise.all([snap.start(), plain.start()]);
    try {
      // node:zlib is not in the snapshot: both kinds load it, each from its own data.
      const code = `function main() { return { n: require('zlib').gzipSync('x'.repeat(100)).length > 0 } }\n// ${Math.random()}`;
      const rejected = builtinCodeCache.compiles.rejected;
      for (const [p, n] of [[snap, 1], [snap, 2], [plain, 3], [plain, 4], [snap, 5]] as const) {
        const a = makeAction(code, { name: `kinds-${n}` });
        expect((await p.run(a, {}, activation(a))).response.result).toEqual({ n: true });
        await builtinCodeCache.idle();
      }
      expect(builtinCodeCache.compiles.rejected - rejected).toBe(0);
    } finally {
      await Promise.all([snap.close(), plain.close()]);
    }
  });

  it('takes a blank of the other kind only when a new isolate of its own does not fit', async () => {
    // A lone prewarm starts plain. With room, the layer action gets a new isolate from the snapshot.
    const roomy = await recordingPool(1);
    const a = makeAction(LAYER);
    expect((await roomy.pool.run(a, {}, activation(a))).startKind).toBe('cold');
    expect(roomy.created.map((e) => e.layer)).toEqual([false, true]);
    await roomy.pool.close();
    // Without room (the budget is the prewarm's 128 MB), it takes the plain blank, and still answers right.
    const tight = await recordingPool(1, 128);
    const b = makeAction(LAYER);
    const o = await tight.pool.run(b, {}, activation(b));
    expect(o.startKind).toBe('prewarm');
    expect(o.response.result).toEqual({ b64: 'aGk=', q: '1' });
    expect(tight.created.map((e) => e.layer)).toEqual([false]);
  });

  it('keeps one prewarm of each kind and gives each action the one it needs', async () => {
    const { pool: p, created } = await recordingPool(2);
    expect(created.filter((e) => e.prewarm).map((e) => e.layer).sort()).toEqual([false, true]);
    const hello = makeAction(HELLO);
    const layer = makeAction(LAYER);
    const taken: Extract<PoolEvent, { type: 'warmed' }>[] = [];
    p.events.subscribe((e) => {
      if (e.type === 'warmed') taken.push(e);
    });
    await p.run(hello, {}, activation(hello));
    await p.run(layer, {}, activation(layer));
    const kindOf = (id: string) => created.find((e) => e.isolateId === id)!.layer;
    expect(taken.map((e) => [e.startKind, kindOf(e.isolateId)])).toEqual([['prewarm', false], ['prewarm', true]]);
  });
});
