// The built-in modules' V8 code cache (invoker/isolate/builtin-code-cache.ts): an action's later
// isolates get the built-ins it loaded before precompiled with cache data photon produced from its
// own bundles, answer as the first did, and what the guest reports about its built-ins is hostile
// input (the action ran first and may have patched everything the report is made with).
import { describe, expect, it } from 'vitest';
import { builtinCodeCache } from '../../../invoker/isolate/builtin-code-cache.js';
import { useBuiltinPool } from './builtin-pool.js';

// Plain isolates: from the layer's startup snapshot, the built-ins these actions use are already
// run (layer-snapshot.test.ts); the code cache serves the others, and every built-in of a plain isolate.
const run = useBuiltinPool({ layerSnapshot: 'never' });

// Each run is a new action (a new isolate) with the same code: the cache is keyed by the code.
const USER = (tag: string): string => `// ${tag}
const { EventEmitter } = require('events'); const util = require('util');
async function main(p) { const u = new URL('https://example.com/a?b=' + p.n); const e = new EventEmitter(); let seen = 0; e.on('x', () => seen++); e.emit('x');
  return { b64: Buffer.from('photon ' + p.n).toString('base64'), q: u.searchParams.get('b'), f: util.format('%s=%d', 'n', p.n), seen,
    stack: new Error('here').stack.split('\\n').length > 1, inspect: util.inspect({ a: [1, { b: 2 }] }) }; }`;

describe('built-ins precompiled with V8 code cache for an action that has run before', () => {
  it('precompiles the built-ins the first isolate loaded (load time and first activation) for the next isolates, which answer the same', async () => {
    const code = USER(`cache ${Math.random()}`);
    const before = builtinCodeCache.compiles.cached;
    const first = await run(code, { n: 1 });
    expect(first.response.status, JSON.stringify(first.response.result)).toBe('success');
    await builtinCodeCache.idle();
    // Nothing was known about this code: its first isolate compiled every built-in from source.
    const afterFirst = builtinCodeCache.compiles.cached;
    const second = await run(code, { n: 1 });
    await builtinCodeCache.idle();
    const third = await run(code, { n: 1 });
    expect(second.response.result).toEqual(first.response.result);
    expect(third.response.result).toEqual(first.response.result);
    // events, util, buffer, url (and what they require) came precompiled in both later isolates.
    const perIsolate = (builtinCodeCache.compiles.cached - afterFirst) / 2;
    expect(perIsolate).toBeGreaterThanOrEqual(4);
    expect(afterFirst - before).toBe(0);
    expect(builtinCodeCache.compiles.rejected).toBe(0);
  });

  it("takes only registry names from what an action's guest reports after the action patched Array.from and Map's iterator", async () => {
    // Without the host's check of the report, '__proto__' and 'constructor' (own-less keys that
    // BUILTIN_MODULES answers through Object's prototype) sent the host to read bundle files that
    // do not exist and the report was dropped whole; names that are not built-ins must never be
    // compiled. With the check, the one real name in the junk (events) is learned and precompiled.
    const code = `${USER(`hostile ${Math.random()}`)}
      const junk = ['__proto__', 'constructor', '../../../etc/passwd', 'photon:host', 'internal/nope', 42, null, 'events', 'events', { toString() { throw new Error('x'); } }];
      const inner = main;
      main = async (p) => { const r = await inner(p); Array.from = () => junk; Map.prototype.keys = function () { return junk[Symbol.iterator](); }; return r; };`;
    const first = await run(code, { n: 2 });
    expect(first.response.status, JSON.stringify(first.response.result)).toBe('success');
    await builtinCodeCache.idle();
    const before = builtinCodeCache.compiles.cached;
    const second = await run(code, { n: 2 });
    await builtinCodeCache.idle();
    expect(second.response.result).toEqual(first.response.result);
    expect(builtinCodeCache.compiles.cached - before).toBe(1);
  });
});
