// Node's built-in modules and globals inside real isolates (issue 14), each through a real action:
// the fidelity cases (builtin-cases.ts) are also run in this Node.js process and must answer the
// same; then what cannot be compared with the host (os, process, placeholders), and the hostile
// cases (process.exit, floods, nothing of the host reachable from what built-ins return).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inNode, useBuiltinPool } from './builtin-pool.js';
import { FIDELITY_CASES } from './builtin-cases.js';

const run = useBuiltinPool({ layerSnapshot: 'always' }); // the walk of the built-ins' exports on isolates from the snapshot
const asMain = (body: string): string => `async function main() { ${body} }`;

describe('built-in modules answer as Node.js does (the same code run here, in Node, gives the known answer)', () => {
  it.each(Object.keys(FIDELITY_CASES))('%s', async (name) => {
    const body = FIDELITY_CASES[name]!;
    const expected = JSON.parse(JSON.stringify(await inNode(body))) as unknown;
    const o = await run(asMain(body));
    expect(o.response.status, JSON.stringify(o.response.result)).toBe('success');
    expect(o.response.result).toEqual(expected);
  });
});

describe('what cannot be compared with the host', () => {
  it('gives process its OpenWhisk face: __OW_ env only, nextTick, hrtime, versions, platform, cwd, memoryUsage', async () => {
    const o = await run(asMain(`const t = process.hrtime(); const big = process.hrtime.bigint();
      return { keys: Object.keys(process.env).filter((k) => !k.startsWith('__OW_')), ow: Object.keys(process.env).filter((k) => k.startsWith('__OW_')).sort(),
        version: process.version, node: process.versions.node, platform: process.platform, arch: process.arch, cwd: process.cwd(),
        hr: Array.isArray(t) && t.length === 2, big: typeof big, mem: process.memoryUsage(), same: process === require('process') && process === require('node:process'),
        emitter: typeof process.on, exitType: typeof process.exit, tick: await new Promise((r) => process.nextTick(r, 'ticked')) };`));
    const r = o.response.result as Record<string, unknown> & { mem: Record<string, number> };
    expect(r.keys).toEqual([]);
    expect(r.ow).toEqual(['__OW_ACTION_NAME', '__OW_ACTION_VERSION', '__OW_ACTIVATION_ID', '__OW_DEADLINE', '__OW_NAMESPACE']);
    expect(r).toMatchObject({ version: expect.stringMatching(/^v20\./), node: expect.stringMatching(/^20\./), platform: 'linux', arch: 'x64', cwd: '/nodejsAction', hr: true, big: 'bigint', same: true, emitter: 'function', exitType: 'function', tick: 'ticked' });
    expect(r.mem.heapUsed).toBeGreaterThan(0);
    expect(r.mem.heapUsed).toBeLessThan(128 * 1024 * 1024);
  });

  it("gives os the isolate's honest view: the action's memory, one CPU, no interfaces of its own", async () => {
    const o = await run(asMain(`const os = require('os'); return { total: os.totalmem(), free: os.freemem() > 0, cpus: os.cpus().length, par: os.availableParallelism(),
      nics: os.networkInterfaces(), tmp: os.tmpdir(), eol: os.EOL, platform: os.platform(), home: os.homedir() };`), {}, { limits: { memory: 256 } });
    expect(o.response.result).toEqual({ total: 256 * 1024 * 1024, free: true, cpus: 1, par: 1, nics: {}, tmp: '/tmp', eol: '\n', platform: 'linux', home: '/nodejsAction' });
  });

  it("keeps V8's experimental base64 builtins (node:buffer's fast path) out of the function's reach, as Node 20 has none", async () => {
    const o = await run(asMain(`const names = ['toBase64', 'toHex', 'setFromBase64', 'setFromHex'].filter((k) => k in Uint8Array.prototype)
        .concat(['fromBase64', 'fromHex'].filter((k) => k in Uint8Array));
      let own; try { own = require('photon:base64'); } catch (e) { own = e.code; }
      return { names, own, b64: Buffer.from('aGVsbG8', 'base64').toString(), sub: Buffer.from([9, 251, 255, 191]).subarray(1).toString('base64') };`));
    expect(o.response.result).toEqual({ names: [], own: 'MODULE_NOT_FOUND', b64: 'hello', sub: '+/+/' });
  });

  it("keeps the native digest of photon's isolated-vm build (node:crypto's fast path) out of the function's reach", async () => {
    // The build puts it on every context's global (deploy/isolated-vm/native-digest.patch); the
    // layer takes it before any function code exists (from the context of the layer's snapshot
    // when the context is bound; crypto.test.ts's isolates use it without the snapshot too).
    const body = asMain(`const g = Object.getOwnPropertyNames(globalThis).concat(Object.getOwnPropertySymbols(globalThis).map(String)).filter((k) => /digest|photon/i.test(k));
      let own; try { own = require('photon:digest'); } catch (e) { own = e.code; }
      return { g, has: 'photon:digest' in globalThis, own, h: require('crypto').createHash('sha384').update('x').digest('hex') };`);
    const expected = { g: [], has: false, own: 'MODULE_NOT_FOUND', h: createHash('sha384').update('x').digest('hex') };
    expect((await run(body)).response.result).toEqual(expected);
    expect((await run(body, {}, { name: 'digest-second' })).response.result).toEqual(expected);
  });

  it('has no placeholder left: every module of issue 14 is real (dgram included)', async () => {
    const o = await run(asMain(`const out = {};
      for (const m of ['crypto', 'zlib', 'net', 'http', 'https', 'dns', 'tls', 'dgram', 'fs', 'fs/promises']) {
        const mod = require('node:' + m); try { mod.anything(); out[m] = 'ran'; } catch (e) { out[m] = e.code || e.name; } }
      return out;`));
    const r = o.response.result as Record<string, string>;
    // A real module has no `anything` (a TypeError: not a function); a placeholder would answer every name.
    expect(r).toEqual({ crypto: 'TypeError', zlib: 'TypeError', net: 'TypeError', http: 'TypeError', https: 'TypeError', dns: 'TypeError', tls: 'TypeError', dgram: 'TypeError', fs: 'TypeError', 'fs/promises': 'TypeError' });
  });

  it('lets child_process, cluster, worker_threads, vm, v8 and inspector be imported, and throws at the call saying photon does not provide them', async () => {
    const o = await run(asMain(`const out = {};
      for (const [m, f] of [['child_process', 'spawn'], ['cluster', 'fork'], ['worker_threads', 'Worker'], ['vm', 'runInNewContext'], ['v8', 'getHeapStatistics'], ['inspector', 'open']]) {
        const mod = require(m); try { mod[f](); out[m] = 'ran'; } catch (e) { out[m] = e.code + ': ' + e.message; } }
      return out;`));
    const r = o.response.result as Record<string, string>;
    expect(Object.keys(r)).toHaveLength(6);
    for (const [m, text] of Object.entries(r)) {
      expect(text).toMatch(/^ERR_NOT_SUPPORTED_IN_PHOTON: /);
      expect(text).toContain(`node:${m}.`);
      expect(text).toContain('not provided by photon');
    }
  });

  it("answers Node's errors for unknown modules in a single-file action", async () => {
    const o = await run(asMain(`const out = {}; for (const m of ['node:nope', 'nope', 'internal/web', 'photon:host']) { try { require(m); out[m] = 'loaded'; } catch (e) { out[m] = e.code; } } return out;`));
    expect(o.response.result).toEqual({ 'node:nope': 'ERR_UNKNOWN_BUILTIN_MODULE', nope: 'MODULE_NOT_FOUND', 'internal/web': 'MODULE_NOT_FOUND', 'photon:host': 'MODULE_NOT_FOUND' });
  });

  it('loads a module only when first required: an action that uses none pays for none', async () => {
    const o = await run(asMain(`return { before: Object.getOwnPropertyDescriptor(globalThis, 'Buffer').get !== undefined, type: typeof Buffer,
      after: Object.getOwnPropertyDescriptor(globalThis, 'Buffer').get === undefined, assignable: (() => { globalThis.URL = 1; return URL === 1; })() };`));
    expect(o.response.result).toEqual({ before: true, type: 'function', after: true, assignable: true });
  });
});

describe('hostile', () => {
  it('process.exit() ends only that activation, with OpenWhisk\'s message, even from a callback or a catch', async () => {
    const exiting = await run(asMain(`setTimeout(() => process.exit(3), 5); try { await new Promise(() => {}); } catch { return { caught: true }; }`));
    expect(exiting.response).toMatchObject({ status: 'action developer error', result: { error: 'The action did not produce a valid response and exited unexpectedly.' } });
    const caught = await run(asMain(`try { process.exit(0); } catch (e) { } return { survived: true };`));
    expect(caught.response.result).toEqual({ error: 'The action did not produce a valid response and exited unexpectedly.' });
    const atLoad = await run(`process.exit(1); function main() { return {}; }`);
    expect(atLoad.response.result).toEqual({ error: 'The action did not initialize and exited unexpectedly.' });
    const other = await run(asMain('return { fine: true };'));
    expect(other.response.result).toEqual({ fine: true });
  });

  it("refuses a base64 string past the action's memory (native-text.patch) with a RangeError the function can catch, and keeps serving", async () => {
    // 63 MB of bytes would be an 84 MB string beside them in an action of 128 MB (the native
    // encoder's string lives outside the V8 heap: the isolate's allocator is asked first, as for an
    // ArrayBuffer). 3 MB → 4 MB fits.
    const o = await run(asMain(`const b = Buffer.alloc(63 << 20, 1); let big; try { big = b.toString('base64').length; } catch (e) { big = e.name + ': ' + e.message; }
      return { big, small: b.subarray(0, 3 << 20).toString('base64').length };`), {}, { limits: { memory: 128 } });
    expect(o.response.result, 'the isolated-vm in use lacks native-text.patch (the prebuilt binary: V8 makes the string in its heap)').toEqual({ big: "RangeError: photon: the base64 string would pass the isolate's memory limit", small: 4 << 20 });
    const other = await run(asMain('return { fine: Buffer.alloc(200000, 2).toString(\'base64\').length };'));
    expect(other.response.result).toEqual({ fine: 266668 });
  });

  it("ends an action that decodes text past its memory (native-text.patch: V8's decoder, the heap's limit) with the memory error, and keeps serving", async () => {
    // 16 MB of 'é' read as text again and again, every string kept: 16 MB of two-byte text each in
    // an action of 128 MB. The pool's answer for an isolate V8 stopped at its limit; the next runs.
    const o = await run(asMain(`const b = Buffer.alloc(16 << 20, 'é'); const kept = []; for (let i = 0; i < 64; i++) kept.push(b.toString()); return kept.length;`), {}, { limits: { memory: 128 } });
    expect(o.response.result).toEqual({ error: 'The action exhausted its memory and was aborted.' });
    const other = await run(asMain(`return { fine: Buffer.from('h\\u00e9llo').toString() };`));
    expect(other.response.result).toEqual({ fine: 'h\u00e9llo' });
  });

  it('stops a setImmediate flood and a process.nextTick flood at the timeout, and keeps serving', async () => {
    const immediates = await run(asMain(`let n = 0; const f = () => { n++; setImmediate(f); }; f(); return new Promise(() => {});`), {}, { limits: { timeout: 300 } });
    expect(immediates.response.result).toEqual({ error: 'The action exceeded its time limits of 300 milliseconds.' });
    const ticks = await run(asMain(`const f = () => process.nextTick(f); f(); await new Promise((r) => setTimeout(r, 10)); return {};`), {}, { limits: { timeout: 300 } });
    expect(ticks.response.result).toEqual({ error: 'The action exceeded its time limits of 300 milliseconds.' });
    const other = await run(asMain('await new Promise((r) => setImmediate(r)); return { fine: true };'));
    expect(other.response.result).toEqual({ fine: true });
  });

  it('never exposes a host object: a walk of everything built-ins export and return finds no host function, binding or require', async () => {
    const o = await run(asMain(`
      // Every function reachable from the standard intrinsics, before the layer is touched.
      const known = new Set(); const seen = new Set();
      const names = Object.getOwnPropertyNames(globalThis).filter((n) => /^[A-Z]/.test(n) || ['parseInt', 'parseFloat', 'isNaN', 'isFinite', 'eval', 'escape', 'unescape', 'encodeURI', 'decodeURI', 'encodeURIComponent', 'decodeURIComponent'].includes(n));
      const intrinsic = ['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Date', 'RegExp', 'JSON', 'Math', 'Reflect', 'Proxy', 'ArrayBuffer', 'DataView', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'Intl', 'SharedArrayBuffer', 'AggregateError', 'EvalError', 'ReferenceError', 'URIError', 'WebAssembly'];
      const walk = (root, visit, depth = 6) => { const q = [[root, 0]]; while (q.length) { const [v, d] = q.shift(); if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue; seen.add(v); visit(v);
        if (d >= depth) continue; let keys = []; try { keys = Reflect.ownKeys(v); } catch { continue; }
        for (const k of keys) { let desc; try { desc = Object.getOwnPropertyDescriptor(v, k); } catch { continue; } if (desc && 'value' in desc) q.push([desc.value, d + 1]); if (desc && desc.get) q.push([desc.get, d + 1]); if (desc && desc.set) q.push([desc.set, d + 1]); }
        try { q.push([Object.getPrototypeOf(v), d + 1]); } catch {} } };
      for (const n of intrinsic) if (globalThis[n] !== undefined) walk(globalThis[n], (v) => { if (typeof v === 'function') known.add(v); });
      for (const f of [(async () => {}).constructor, (function* () {}).constructor, (async function* () {}).constructor, Object.getPrototypeOf(Uint8Array), Object.getPrototypeOf([][Symbol.iterator]())]) walk(f, (v) => { if (typeof v === 'function') known.add(v); });
      for (const n of names) { try { walk(globalThis[n], (v) => { if (typeof v === 'function') known.add(v); }, 3); } catch {} }
      seen.clear();
      // Then every built-in, the globals Node defines, and what their common calls return.
      const mods = ['assert', 'buffer', 'events', 'stream', 'stream/web', 'string_decoder', 'url', 'querystring', 'util', 'path', 'timers', 'os', 'punycode', 'async_hooks', 'diagnostics_channel', 'process', 'crypto', 'zlib', 'fs', 'net', 'http', 'child_process', 'vm', 'v8'];
      const roots = mods.map((m) => require(m));
      for (const g of ['Buffer', 'process', 'URL', 'TextEncoder', 'AbortController', 'Blob', 'Headers', 'Request', 'Response', 'fetch', 'crypto', 'performance', 'ReadableStream', 'setImmediate', 'structuredClone', 'EventTarget', 'FormData']) roots.push(globalThis[g]);
      roots.push(new (require('events'))(), new (require('stream').Readable)(), new URL('http://x'), new Response('x'), new Request('http://x'), Buffer.from('x'), new AbortController().signal,
        require('timers').setTimeout(() => {}, 1), setImmediate(() => {}), process.memoryUsage(), crypto.getRandomValues(new Uint8Array(2)), new TextDecoder(), new Blob(['x']), require('util').promisify(setTimeout));
      const leaks = []; let count = 0;
      for (const r of roots) walk(r, (v) => { count++;
        if (typeof v === 'function') {
          let src = ''; try { src = Function.prototype.toString.call(v); } catch {}
          if (src.includes('[native code]') && !known.has(v)) leaks.push(v.name || '(anonymous native)');
        }
        const ctor = (() => { try { return v.constructor && v.constructor.name; } catch { return ''; } })();
        if (['Reference', 'ExternalCopy', 'Callback', 'NativeModule', 'Isolate', 'Context'].includes(ctor)) leaks.push('instance of ' + ctor);
        for (const k of ['applySyncPromise', 'applySync', 'derefInto', 'copyInto', 'binding', '_load', 'dlopen', 'mainModule']) {
          try { if (k in v && typeof v[k] === 'function' && !(v === process && k === 'binding')) leaks.push(k); } catch {} } });
      let binding; try { process.binding('fs'); binding = 'reachable'; } catch (e) { binding = e.message; }
      return { leaks: [...new Set(leaks)], count, binding, require: typeof globalThis.require, module: typeof globalThis.module, ctorEscape: (() => { const G = Buffer.constructor.constructor('return this')(); return G === globalThis; })() };`));
    expect(o.response.status, JSON.stringify(o.response.result)).toBe('success');
    const r = o.response.result as { leaks: string[]; count: number; binding: string; require: string; module: string; ctorEscape: boolean };
    expect(r.count).toBeGreaterThan(1000); // objects walked: the check covers the layer, not a corner of it
    expect(r.leaks).toEqual([]);
    expect(r).toMatchObject({ binding: 'No such module: fs', require: 'undefined', module: 'undefined', ctorEscape: true });
  });

  it('answers a host call with hostile arguments as an error, not a crash', async () => {
    const o = await run(asMain(`const out = {}; for (const n of [-1, 1e9, 'x', NaN]) { try { crypto.getRandomValues(new Uint8Array(Number(n) > 0 && Number(n) < 1e6 ? n : 1)); out[n] = 'ok'; } catch (e) { out[n] = e.name; } }
      try { crypto.getRandomValues(new Uint8Array(70000)); } catch (e) { out.big = e.name; } try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { out.float = e.name; }
      return out;`));
    expect(o.response.result).toMatchObject({ big: 'QuotaExceededError', float: 'TypeMismatchError' });
  });
});
