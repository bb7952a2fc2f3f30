// The built-in layer's V8 startup snapshot (invoker/isolate/layer-snapshot.ts): isolates start from
// it with the guest runtime and the common built-ins already run; the host is attached to each
// context before any function code, nothing of the host is reachable, no clock or entropy of the
// snapshot's making leaks into a function, and the snapshot is made of photon's own code only.
import ivm from 'isolated-vm';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../../invoker/isolate/isolate-runtime.js'; // builds the process's snapshot (at start)
import { guestBoot, readHandedSnapshot } from '../../../invoker/isolate/layer-snapshot.js';
import { builtinSource } from '../../../invoker/builtins/build-builtins.js';
import { useBuiltinPool } from './builtin-pool.js';

const run = useBuiltinPool({ layerSnapshot: 'always' });
const asMain = (body: string): string => `async function main() { ${body} }`;

describe("the built-in layer's startup snapshot", () => {
  it('is built at start, and an isolate from it has the layer already run, its host attached, nothing of the snapshot left on the global object', async () => {
    const snap = guestBoot.snapshot();
    expect(snap, guestBoot.failure ?? '').not.toBeNull();
    expect(guestBoot.preloaded).toEqual(expect.arrayContaining(['buffer', 'events', 'process', 'util', 'url', 'stream', 'string_decoder', 'timers', 'internal/web']));
    const o = await run(asMain(`const { EventEmitter } = require('events'); let n = 0; const e = new EventEmitter(); e.on('x', () => n++); e.emit('x');
      return { photon: Object.getOwnPropertyNames(globalThis).filter((k) => k.startsWith('photon')), b64: Buffer.from('hello').toString('base64'),
        q: new URL('https://example.com/?a=1').searchParams.get('a'), n, f: require('util').format('%s=%d', 'x', 1),
        // A host call (the CSPRNG) and a synchronous host call's staging area (a hash) work: the host is attached.
        uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()), hash: require('crypto').createHash('sha256').update('x').digest('hex').slice(0, 8),
        origin: performance.timeOrigin, uptime: process.uptime(), now: performance.now() };`));
    expect(o.response.status, JSON.stringify(o.response.result)).toBe('success');
    const r = o.response.result as Record<string, unknown>;
    expect(r).toMatchObject({ photon: [], b64: 'aGVsbG8=', q: '1', n: 1, f: 'x=1', uuid: true, hash: '2d711642' });
    // The clocks count from the context's attach, not from when the modules ran in the snapshot.
    expect(r.origin as number).toBeGreaterThanOrEqual(snap!.madeAt);
    expect(r.uptime as number).toBeLessThan(5);
  });

  it("keeps the memory layer on what V8 installs afresh in a context it deserialises (WebAssembly, growable SharedArrayBuffer)", async () => {
    // V8 gives each context made from a snapshot a new WebAssembly object: without wrapping that
    // one at attach (guest-memory.js), a memory grown from JavaScript went uncounted.
    const wasm = await run(asMain('const m = new WebAssembly.Memory({ initial: 1 }); m.grow(16383); return { bytes: m.buffer.byteLength };'), {}, { limits: { memory: 128 } });
    expect(wasm.response.result).toEqual({ error: 'The action exhausted its memory and was aborted.' });
    const sab = await run(asMain('const b = new SharedArrayBuffer(1, { maxByteLength: 2 ** 30 }); b.grow(2 ** 30); return { bytes: b.byteLength };'), {}, { limits: { memory: 128 } });
    expect(sab.response.result).toEqual({ error: 'The action exhausted its memory and was aborted.' });
  });

  it('carries no entropy: two isolates from it draw different random values', async () => {
    const body = asMain('return { uuid: crypto.randomUUID(), r: Math.random(), bytes: Array.from(crypto.getRandomValues(new Uint8Array(8))) };');
    const [a, b] = [await run(body), await run(body)];
    expect(a.response.result).not.toEqual(b.response.result);
    expect((a.response.result as { uuid: string }).uuid).not.toBe((b.response.result as { uuid: string }).uuid);
    expect((a.response.result as { r: number }).r).not.toBe((b.response.result as { r: number }).r);
  });

  it("keeps a function's changes to its context to itself: the next isolate from the snapshot has the layer as built", async () => {
    const first = await run(asMain(`Buffer.prototype.toString = () => 'patched'; require('events').EventEmitter.prototype.emit = () => 'patched';
      globalThis.leftover = 1; return { s: Buffer.from('a').toString() };`));
    expect(first.response.result).toEqual({ s: 'patched' });
    const next = await run(asMain(`return { s: Buffer.from('a').toString(), e: new (require('events'))().emit('x'), left: typeof globalThis.leftover };`));
    expect(next.response.result).toEqual({ s: 'a', e: false, left: 'undefined' });
  });

  it("is made of photon's own code only: no action's code, even one run before it is (re)made, is in its scripts or its bytes", async () => {
    const MARK = `userCodeMarker${Math.random().toString(36).slice(2)}`;
    const o = await run(`function ${MARK}() { return '${MARK}'; }\nfunction main() { globalThis.${MARK} = ${MARK}; return { m: ${MARK}() }; }`);
    expect(o.response.result).toEqual({ m: MARK });
    const { scripts, warmup } = guestBoot.snapshotSources();
    // Every script but the boot is exactly one of photon's bundles; the boot and the warm-up are photon's text.
    for (const s of scripts.slice(0, -1)) {
      const name = s.filename.slice('node:'.length);
      expect(s.code).toBe(`Object.defineProperty(globalThis, ${JSON.stringify(`photon:attach:module:${name}`)}, { value: ${builtinSource(name)!}, configurable: true });`);
    }
    expect(scripts.at(-1)!.filename).toBe('photon:layer-snapshot.js');
    for (const text of [...scripts.map((s) => s.code), warmup]) expect(text.includes(MARK)).toBe(false);
    // The process's snapshot and one made now (after the action ran) hold none of it.
    const bytesOf = (e: ivm.ExternalCopy<ArrayBuffer>): Buffer => Buffer.from(e.copy());
    const made = ivm.Isolate.createSnapshot(scripts, warmup);
    for (const bytes of [bytesOf(guestBoot.snapshot()!.snapshot), bytesOf(made)]) {
      expect(bytes.includes('photon: attached twice')).toBe(true); // the scan sees the snapshot's strings
      expect(bytes.includes(MARK)).toBe(false);
    }
    // The scan would see user code if a snapshot held it.
    const tainted = ivm.Isolate.createSnapshot([...scripts, { code: `globalThis.f = function ${MARK}() { return 1; };`, filename: 'user.js' }]);
    expect(bytesOf(tainted).includes(MARK)).toBe(true);
  });

  it('hands isolated-vm its scripts one byte a character (V8 keeps a snapshot script as copied: two-byte text doubled the boot in every isolate)', () => {
    // isolated-vm copies a string by representation (String::IsOneByte), not content: ASCII built
    // from a file that had a `\u2192` stayed two bytes a character through replace() and concatenation.
    const { scripts } = guestBoot.snapshotSources();
    const copies = [...scripts.map((s) => s.code), guestBoot.script].map((code) => {
      const before = ivm.ExternalCopy.totalExternalSize;
      const copy = new ivm.ExternalCopy(code);
      const bytes = ivm.ExternalCopy.totalExternalSize - before;
      copy.release();
      return { chars: code.length, bytes };
    });
    for (const c of copies) expect(c.bytes).toBeLessThan(c.chars * 1.5);
  });

  it("is handed to a sandbox as a file used only when its bytes are the supervisor's (SHA-256) and its V8 and isolated-vm build the same; else refused", () => {
    const dir = mkdtempSync(join(tmpdir(), 'photon-snap-'));
    try {
      const handed = guestBoot.handOver(dir)!;
      expect(handed).not.toBeNull();
      expect(statSync(handed.file).mode & 0o777).toBe(0o644);
      const ok = readHandedSnapshot(handed);
      expect(typeof ok, String(ok)).toBe('object');
      // An isolate from the read bytes has the layer and its attach point, as one from the process's own.
      const iso = new ivm.Isolate({ memoryLimit: 64, snapshot: ok as ivm.ExternalCopy<ArrayBuffer> });
      try {
        expect(iso.createContextSync().global.getSync('photon:attach', { reference: true })?.typeof).toBe('function');
      } finally {
        iso.dispose();
      }
      // One byte changed after the supervisor wrote it (by anyone but the supervisor): refused, the sandbox builds its own.
      const bytes = readFileSync(handed.file);
      bytes[bytes.length >> 1]! ^= 1;
      writeFileSync(handed.file, bytes);
      expect(readHandedSnapshot(handed)).toMatch(/SHA-256 differs/);
      expect(readHandedSnapshot({ ...handed, v8: '0.0.0' })).toMatch(/made by V8 0\.0\.0/);
      // Same V8, another isolated-vm build: the patched one keeps the layer in an added context the prebuilt one never reads.
      expect(handed.v8.startsWith(`${process.versions.v8} isolated-vm `)).toBe(true);
      expect(readHandedSnapshot({ ...handed, v8: `${process.versions.v8} isolated-vm other` })).toMatch(/made by V8 .* isolated-vm other, this is/);
      expect(readHandedSnapshot({ ...handed, file: join(dir, 'absent') })).toMatch(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
