// deploy/isolated-vm/: the patch to isolated-vm that photon builds at install (postinstall.ts), and
// the build in use. The build test fails on upstream's prebuilt binary on purpose (the install falls
// back to it where it cannot compile, with a warning; this says so too, never skipping): every
// isolate from the layer's snapshot then deserialises the snapshot's context twice.
import ivm from 'isolated-vm';
import { createHash, createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFilePatch, parsePatch, PATCH_NAME, PATCHES } from '../../../deploy/isolated-vm/postinstall.js';
import { ISOLATED_VM_BUILD } from '../../../invoker/isolate/isolated-vm-build.js';

const root = resolve(import.meta.dirname, '../../..');
const patchOf = (name: string): ReturnType<typeof parsePatch> => parsePatch(readFileSync(join(root, `deploy/isolated-vm/${name}.patch`), 'utf8'));
const patch = patchOf(PATCH_NAME);
const digestPatch = patchOf('native-digest');
const base64Patch = patchOf('native-text');
const sourcesPatch = patchOf('snapshot-external-sources');
const ivmDir = dirname(createRequire(join(root, 'package.json')).resolve('isolated-vm/package.json'));

describe('deploy/isolated-vm: the patch and its applier', () => {
  it('is made against the pinned isolated-vm, and the installed sources are that version (patched or not)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.dependencies['isolated-vm']).toBe('7.0.1');
    expect(pkg.scripts.postinstall).toBe('node deploy/isolated-vm/postinstall.ts');
    expect(PATCHES).toEqual([PATCH_NAME, 'native-digest', 'native-text', 'snapshot-external-sources']);
    expect(patch.map((f) => f.path).sort()).toEqual(['src/isolate/environment.cc', 'src/isolate/environment.h', 'src/module/isolate.cc', 'src/module/isolate_handle.cc']);
    expect(digestPatch.map((f) => f.path)).toEqual(['src/module/isolate_handle.cc']);
    expect(base64Patch.map((f) => f.path)).toEqual(['src/external_copy/string.cc', 'src/external_copy/string.h', 'src/module/isolate_handle.cc']);
    expect(sourcesPatch.map((f) => f.path)).toEqual(['src/isolate/environment.h', 'src/isolate/environment.cc', 'src/module/isolate_handle.cc']);
    // Applying to what is installed throws unless every hunk is there already or applies exactly once.
    for (const file of [...patch, ...digestPatch, ...base64Patch, ...sourcesPatch]) expect(() => applyFilePatch(readFileSync(join(ivmDir, file.path), 'utf8'), file)).not.toThrow();
  });

  it('applies each hunk once: a second run changes nothing, and other sources are refused by name', () => {
    for (const file of [...patch, ...digestPatch, ...base64Patch, ...sourcesPatch]) {
      // The unpatched file as far as the patch sees it: each hunk's before-text between unrelated lines.
      const original = file.hunks.map((h) => `// line\n${h.before}\n// line`).join('\n');
      const once = applyFilePatch(original, file);
      expect(once.changed).toBe(true);
      for (const h of file.hunks) expect(once.text).toContain(h.after);
      expect(applyFilePatch(once.text, file)).toEqual({ text: once.text, changed: false });
      expect(() => applyFilePatch('int main() {}\n', file)).toThrow(`${file.path}: hunk 1 does not apply`);
    }
  });

  it('applies in order, and a rerun over sources both patched changes nothing: the second never edits text the first added', () => {
    // isolate_handle.cc as the first patch leaves it (its own hunks applied to their before-texts).
    const first = patch.find((f) => f.path === 'src/module/isolate_handle.cc')!;
    const second = digestPatch[0]!;
    const third = base64Patch.find((f) => f.path === 'src/module/isolate_handle.cc')!;
    const original = [...first.hunks, ...second.hunks].map((h) => `// line\n${h.before}\n// line`).join('\n');
    const one = applyFilePatch(original, first);
    const both = applyFilePatch(one.text, second);
    expect(both.changed).toBe(true);
    for (const h of [...first.hunks, ...second.hunks]) expect(both.text).toContain(h.after);
    expect(applyFilePatch(both.text, first)).toEqual({ text: both.text, changed: false });
    expect(applyFilePatch(both.text, second)).toEqual({ text: both.text, changed: false });
    // The third after both, then a rerun of all three: nothing changes.
    const withThird = `${both.text}\n${third.hunks.map((h) => `// line\n${h.before}\n// line`).join('\n')}`;
    const all = applyFilePatch(withThird, third);
    expect(all.changed).toBe(true);
    for (const file of [first, second, third]) expect(applyFilePatch(all.text, file)).toEqual({ text: all.text, changed: false });
    // The fourth after the three, then a rerun of all four.
    const fourth = sourcesPatch.find((f) => f.path === 'src/module/isolate_handle.cc')!;
    const four = applyFilePatch(`${all.text}\n${fourth.hunks.map((h) => `// line\n${h.before}\n// line`).join('\n')}`, fourth);
    expect(four.changed).toBe(true);
    for (const file of [first, second, third, fourth]) expect(applyFilePatch(four.text, file)).toEqual({ text: four.text, changed: false });
  });

  it('parses hunks by their line counts, empty context lines included', () => {
    const [file] = parsePatch('header\n--- a/x.cc\n+++ b/x.cc\n@@ -1,3 +1,4 @@\n a\n\n-b\n+c\n+--- d\n');
    expect(file).toEqual({ path: 'x.cc', hunks: [{ before: 'a\n\nb', after: 'a\n\nc\n--- d' }] });
    expect(() => parsePatch('--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n')).toThrow('cut short');
  });
});

describe('the isolated-vm build in use', () => {
  it(`is photon's patched build (${PATCH_NAME}), not the prebuilt fallback`, () => {
    expect(
      ISOLATED_VM_BUILD.patch,
      `isolated-vm in use is upstream's prebuilt binary: the install could not build ${PATCH_NAME}.patch (npm ci printed "photon postinstall: WARNING: ..." with the reason; ` +
        `install g++, make and python3 and run npm ci again, or node deploy/isolated-vm/postinstall.ts). photon works on it, but every isolate from the layer's snapshot deserialises its context twice.`,
    ).toBe(PATCH_NAME);
  });

  it("deserialises a snapshot's context only into the contexts asked for, not into isolated-vm's default context", () => {
    // ~200,000 objects (several MB of heap) in the snapshot's scripts. The prebuilt binary puts them
    // in the default context isolated-vm's constructor makes, so a new isolate holds them before any
    // context is asked for (8.4 MB used against 0.45 for a plain isolate, measured), and each context holds them again.
    const snapshot = ivm.Isolate.createSnapshot([{ code: 'globalThis.big = Array.from({ length: 200000 }, (_, i) => ({ i })); globalThis.answer = 42;' }]);
    const isolate = new ivm.Isolate({ memoryLimit: 128, snapshot });
    const plain = new ivm.Isolate({ memoryLimit: 128 });
    try {
      const usedNew = isolate.getHeapStatisticsSync().used_heap_size;
      const usedPlain = plain.getHeapStatisticsSync().used_heap_size;
      const context = isolate.createContextSync();
      expect(context.evalSync('answer + big.length')).toBe(200042);
      const perContext = isolate.getHeapStatisticsSync().used_heap_size - usedNew;
      expect(perContext).toBeGreaterThan(4 << 20);
      // The new isolate is a plain one's size: the layer was not deserialised in its constructor.
      expect(usedNew - usedPlain, `a new isolate from the snapshot holds ${usedNew - usedPlain} bytes more than a plain one`).toBeLessThan(perContext / 4);
      // A second context has it too, and a plain isolate's contexts are untouched.
      expect(isolate.createContextSync().evalSync('typeof big')).toBe('object');
      expect(plain.createContextSync().evalSync('typeof big')).toBe('undefined');
    } finally {
      isolate.dispose();
      plain.dispose();
    }
  });
});

// The function native-digest.patch gives each context (the layer takes it: guest-builtins.js); here
// straight from isolated-vm, so hostile arguments reach it as they are.
describe("native-digest.patch's photon:digest", () => {
  const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-224', 'sha512-256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512'];
  const withContext = <T>(fn: (context: ivm.Context) => T): T => {
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    try {
      return fn(isolate.createContextSync());
    } finally {
      isolate.dispose();
    }
  };
  const hexOf = "(ab) => Array.from(new Uint8Array(ab), (b) => b.toString(16).padStart(2, '0')).join('')";

  it('is in every context createContext() makes, not enumerable (on the prebuilt binary: absent, and node:crypto makes a host call per digest)', () => {
    expect(withContext((context) => context.evalSync(`typeof globalThis['photon:digest'] + ' ' + Object.keys(globalThis).includes('photon:digest')`)), 'isolated-vm in use is not built with native-digest.patch').toBe('function false');
  });

  it("equals node:crypto's hash and HMAC for every listed algorithm: empty, chunks, views at offsets, empty and long keys", () => {
    const got = withContext((context) => JSON.parse(context.evalSync(`(() => {
      const d = globalThis['photon:digest']; const hex = ${hexOf}; const out = {};
      const big = new Uint8Array(70000).map((_, i) => (i * 31 + 7) & 255);
      for (const a of ${JSON.stringify(ALGORITHMS)}) out[a] = [
        hex(d(a, null, new Uint8Array(0))), hex(d(a, null, [])), hex(d(a, null, [big.subarray(5, 9000), new Uint8Array(0), big.subarray(9000)])),
        hex(d(a, new Uint8Array(0), [])), hex(d(a, big.subarray(1, 301), big.subarray(17))), hex(d(a, new Uint8Array([1, 2, 3]), [new Uint8Array([97]), new Uint8Array([98, 99])])),
      ];
      return JSON.stringify(out);
    })()`) as string) as Record<string, string[]>);
    const big = Uint8Array.from({ length: 70000 }, (_, i) => (i * 31 + 7) & 255);
    for (const a of ALGORITHMS) {
      const h = (b: Uint8Array): string => createHash(a).update(b).digest('hex');
      const m = (k: Uint8Array, b: Uint8Array): string => createHmac(a, k).update(b).digest('hex');
      expect(got[a], a).toEqual([h(new Uint8Array(0)), h(new Uint8Array(0)), h(big.subarray(5)), m(new Uint8Array(0), new Uint8Array(0)), m(big.subarray(1, 301), big.subarray(17)), m(Uint8Array.of(1, 2, 3), Buffer.from('abc'))]);
    }
  });

  it('hashes views of a SharedArrayBuffer and length-tracking views of a resized buffer as Node does', () => {
    const [shared, tracking, length] = withContext((context) => JSON.parse(context.evalSync(`(() => {
      const d = globalThis['photon:digest']; const hex = ${hexOf};
      const sab = new SharedArrayBuffer(16); new Uint8Array(sab).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const rab = new ArrayBuffer(16, { maxByteLength: 64 }); const track = new Uint8Array(rab, 4); new Uint8Array(rab).fill(7); rab.resize(32);
      return JSON.stringify([hex(d('sha256', null, new Uint8Array(sab, 2, 8))), hex(d('sha1', new Uint8Array(sab, 0, 3), [track])), track.length]);
    })()`) as string) as [string, string, number]);
    expect(length).toBe(28);
    expect(shared).toBe(createHash('sha256').update(Uint8Array.of(3, 4, 5, 6, 7, 8, 9, 10)).digest('hex'));
    expect(tracking).toBe(createHmac('sha1', Uint8Array.of(1, 2, 3)).update(Buffer.concat([Buffer.alloc(12, 7), Buffer.alloc(16)])).digest('hex'));
  });

  it('throws a TypeError for hostile arguments, never crashes, and is no constructor', () => {
    const got = withContext((context) => context.evalSync(`(() => {
      const d = globalThis['photon:digest']; const out = [];
      const detached = new ArrayBuffer(8); const view = new Uint8Array(detached); detached.transfer();
      const getter = []; Object.defineProperty(getter, 0, { get() { throw new RangeError('mine'); } });
      const sparse = []; sparse.length = 2 ** 20 + 1;
      const resizable = new ArrayBuffer(16, { maxByteLength: 64 }); const tracking = new Uint8Array(resizable, 8); resizable.resize(4);
      const cases = [[], ['sha256'], [1, null, new Uint8Array(1)], ['nope', null, new Uint8Array(1)], ['x'.repeat(1e6), null, new Uint8Array(1)],
        ['ripemd160', null, new Uint8Array(1)], ['SHA256', null, new Uint8Array(1)], ['sha256\\0x', null, new Uint8Array(1)], ['sha256', 5, new Uint8Array(1)], ['sha256', {}, new Uint8Array(1)], ['sha256', null, 'x'],
        ['sha256', null, [1]], ['sha256', null, new Uint16Array(1)], ['sha256', null, new ArrayBuffer(1)], ['sha256', null, view], ['sha256', view, []], ['sha256', null, [view]],
        ['sha256', null, getter], ['sha256', null, sparse], ['sha256', null, new Proxy([], {})], ['sha256', null, tracking]];
      for (const args of cases) { try { d(...args); out.push('answered'); } catch (e) { out.push(e.constructor.name); } }
      try { new d('sha256', null, []); out.push('constructed'); } catch (e) { out.push(e.constructor.name); }
      return out.join(',');
    })()`) as string);
    const expected = Array<string>(22).fill('TypeError');
    expected[17] = 'RangeError'; // the getter's own error
    expect(got.split(',')).toEqual(expected);
  });
});

describe("native-digest.patch's photon:digest with an out view (no ArrayBuffer per digest)", () => {
  it('writes the digest into out and answers its length, for every listed algorithm and an HMAC, at an offset', () => {
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    try {
      const got = JSON.parse(isolate.createContextSync().evalSync(`(() => {
        const d = globalThis['photon:digest']; const out = new Uint8Array(new ArrayBuffer(80), 8); const res = [];
        for (const a of ['md5', 'sha1', 'sha256', 'sha512', 'sha3-256']) { out.fill(0); const n = d(a, null, [new Uint8Array([97, 98]), new Uint8Array([99])], out);
          res.push([n, Array.from(out.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(''), out.subarray(n).every((b) => b === 0)]); }
        const n = d('sha256', new Uint8Array([1, 2]), new Uint8Array([3]), out);
        res.push([n, Array.from(out.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(''), true]);
        return JSON.stringify(res);
      })()`) as string) as [number, string, boolean][];
      const want = ['md5', 'sha1', 'sha256', 'sha512', 'sha3-256'].map((a) => createHash(a).update('abc').digest('hex'));
      want.push(createHmac('sha256', Uint8Array.of(1, 2)).update(Uint8Array.of(3)).digest('hex'));
      expect(got).toEqual(want.map((h) => [h.length / 2, h, true]));
    } finally {
      isolate.dispose();
    }
  });

  it('throws a TypeError for an out view that is not a Uint8Array over a live ArrayBuffer of 64 bytes or more, and writes nothing', () => {
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    try {
      const got = isolate.createContextSync().evalSync(`(() => {
        const d = globalThis['photon:digest']; const res = [];
        const detached = new ArrayBuffer(64); const dview = new Uint8Array(detached); detached.transfer();
        const shrunk = new ArrayBuffer(64, { maxByteLength: 128 }); const sview = new Uint8Array(shrunk); shrunk.resize(16);
        for (const out of [null, {}, new Uint16Array(new ArrayBuffer(64)), new Uint8Array(new ArrayBuffer(63)), new Uint8Array(new ArrayBuffer(80), 20), dview, sview, new ArrayBuffer(64)]) {
          try { d('sha256', null, new Uint8Array(1), out); res.push('answered'); } catch (e) { res.push(e.constructor.name); }
        }
        return res.join(',');
      })()`) as string;
      expect(got.split(',')).toEqual(Array<string>(8).fill('TypeError'));
    } finally {
      isolate.dispose();
    }
  });
});

// The encoder native-text.patch gives each context (node:buffer's, from 96 KB on: buffer.cjs);
// here straight from isolated-vm, so hostile arguments reach it as they are.
describe("native-text.patch's photon:base64-encode", () => {
  const withContext = <T>(fn: (context: ivm.Context) => T, memoryLimit = 64): T => {
    const isolate = new ivm.Isolate({ memoryLimit });
    try {
      return fn(isolate.createContextSync());
    } finally {
      isolate.dispose();
    }
  };

  it('is in every context createContext() makes, not enumerable (on the prebuilt binary: absent, and node:buffer uses V8\'s toBase64)', () => {
    expect(withContext((context) => context.evalSync(`typeof globalThis['photon:base64-encode'] + ' ' + Object.keys(globalThis).includes('photon:base64-encode')`)), 'isolated-vm in use is not built with native-text.patch').toBe('function false');
  });

  it("equals Node's base64 and base64url for every length up to 300 and at 1 MB, at offsets, on a SharedArrayBuffer and a length-tracking view", () => {
    const got = withContext((context) => JSON.parse(context.evalSync(`(() => {
      const e = globalThis['photon:base64-encode']; const out = [];
      const big = new Uint8Array(1 << 20).map((_, i) => (i * 131 + 7) & 255);
      for (let n = 0; n <= 300; n++) out.push(e(big.subarray(3, 3 + n), false), e(big.subarray(5, 5 + n), true));
      out.push(e(big, false), e(big.subarray(1), true));
      const sab = new SharedArrayBuffer(40000); new Uint8Array(sab).fill(251); out.push(e(new Uint8Array(sab, 1), false));
      const rab = new ArrayBuffer(16, { maxByteLength: 4096 }); const track = new Uint8Array(rab, 4); new Uint8Array(rab).fill(190); rab.resize(3000); out.push(e(track, false));
      return JSON.stringify(out);
    })()`) as string) as string[]);
    const big = Buffer.from(Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 131 + 7) & 255));
    const want: string[] = [];
    for (let n = 0; n <= 300; n++) want.push(big.subarray(3, 3 + n).toString('base64'), big.subarray(5, 5 + n).toString('base64url'));
    want.push(big.toString('base64'), big.subarray(1).toString('base64url'), Buffer.alloc(39999, 251).toString('base64'), Buffer.concat([Buffer.alloc(12, 190), Buffer.alloc(2984)]).toString('base64'));
    expect(got.length).toBe(want.length);
    for (const [i, s] of want.entries()) expect(got[i], `case ${i}`).toBe(s);
  });

  it('throws a TypeError for hostile arguments, never crashes, and is no constructor', () => {
    const got = withContext((context) => context.evalSync(`(() => {
      const e = globalThis['photon:base64-encode']; const out = [];
      const detached = new ArrayBuffer(8); const view = new Uint8Array(detached); detached.transfer();
      const cases = [[], [new Uint8Array(1)], [new Uint8Array(1), 1], ['abc', false], [new Uint16Array(4), false], [new ArrayBuffer(4), false], [[1, 2], false], [new Proxy(new Uint8Array(4), {}), false], [new Uint8Array(1), false, 3]];
      for (const args of cases) { try { e(...args); out.push('answered'); } catch (err) { out.push(err.constructor.name); } }
      out.push(JSON.stringify(e(view, false)));
      try { new e(new Uint8Array(1), false); out.push('constructed'); } catch (err) { out.push(err.constructor.name); }
      return out.join(',');
    })()`) as string);
    expect(got.split(',')).toEqual([...Array<string>(9).fill('TypeError'), '""', 'TypeError']);
  });

  it("refuses a string past the isolate's memory limit with a RangeError, and the isolate goes on (without the check: a string beside the limit)", () => {
    // 24 MB of bytes (an ArrayBuffer: outside the V8 heap, counted by isolated-vm's allocator)
    // would be a 32 MB string in an isolate of 48 MB; 3 MB would be 4 MB, which fits.
    const got = withContext((context) => context.evalSync(`(() => {
      const e = globalThis['photon:base64-encode']; const out = [];
      const big = new Uint8Array(24 << 20);
      try { out.push(e(big, false).length); } catch (err) { out.push(err.constructor.name + ': ' + err.message); }
      out.push(e(big.subarray(0, 3 << 20), false).length);
      return out.join(',');
    })()`) as string, 48);
    expect(got).toBe(`RangeError: photon: the base64 string would pass the isolate's memory limit,${4 << 20}`);
  });

  it('loses no memory: 400 MB of strings in an isolate of 64 MB (dead ones collected), and an isolate disposed with live ones', () => {
    const lengths = withContext((context) => context.evalSync(`(() => {
      const e = globalThis['photon:base64-encode']; const u = new Uint8Array(3 << 20).fill(9); let n = 0;
      for (let i = 0; i < 100; i++) n += e(u, i % 2 === 1).length;
      return n;
    })()`) as number);
    expect(lengths).toBe(50 * (4 << 20) + 50 * (4 << 20));
    // Disposed with 20 MB of them alive: V8 finalises each in its teardown.
    withContext((context) => context.evalSync(`globalThis.kept = []; const u = new Uint8Array(1 << 20).fill(1); for (let i = 0; i < 15; i++) kept.push(globalThis['photon:base64-encode'](u, false)); kept.length`));
  });
});

// snapshot-external-sources.patch: a snapshot's script sources travel after V8's blob and stay out
// of every isolate's heap (one copy per process, shared).
describe("snapshot-external-sources.patch's sources outside the heap", () => {
  // A function whose source is ~300 KB (a comment in its body): V8 keeps the script's source for it.
  const source = (filler: string): string => `globalThis.f = function f() { /*${filler.repeat(300_000)}*/ return 42; };`;
  const usedBy = (snapshot: ivm.ExternalCopy<ArrayBuffer>): { used: number; answer: string } => {
    const isolate = new ivm.Isolate({ memoryLimit: 64, snapshot });
    try {
      const context = isolate.createContextSync();
      const answer = context.evalSync('f() + " " + f.toString().length') as string;
      return { used: isolate.getHeapStatisticsSync().used_heap_size, answer };
    } finally {
      isolate.dispose();
    }
  };

  it('leaves a one-byte source out of the heap of an isolate from the snapshot, where a two-byte one (not externalised: beyond Latin-1) is in it', () => {
    const oneByte = usedBy(ivm.Isolate.createSnapshot([{ code: source('x') }]));
    const twoByte = usedBy(ivm.Isolate.createSnapshot([{ code: source('→') }]));
    const plain = new ivm.Isolate({ memoryLimit: 64 });
    const plainUsed = (plain.createContextSync(), plain.getHeapStatisticsSync().used_heap_size);
    plain.dispose();
    expect(oneByte.answer).toBe(`42 ${source('x').length - 'globalThis.f = '.length - 1}`);
    expect(twoByte.answer).toBe(`42 ${source('→').length - 'globalThis.f = '.length - 1}`);
    // The two-byte source: 600 KB in the heap. The one-byte one: none of its 300 KB (without the patch: all of it).
    expect(twoByte.used - plainUsed).toBeGreaterThan(600_000);
    expect(oneByte.used - plainUsed, 'an isolate from the snapshot holds its 300 KB source').toBeLessThan(100_000);
  });

  it('makes a blob that carries its sources: another copy of it, and another process, run from it', () => {
    const code = source('y');
    const bytes = Buffer.from(ivm.Isolate.createSnapshot([{ code }]).copy());
    expect(bytes.subarray(-8).toString()).toBe('photons1');
    expect(Number(bytes.readBigUInt64LE(bytes.length - 24))).toBe(1);
    expect(bytes.subarray(Number(bytes.readBigUInt64LE(bytes.length - 16))).toString('latin1').startsWith(code)).toBe(true);
    // The same bytes in a new ExternalCopy (another BackingStore: found by content here).
    const copy = new ivm.ExternalCopy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(usedBy(copy).answer).toBe(`42 ${code.length - 'globalThis.f = '.length - 1}`);
    // A process that never made it (its registry empty), as a sandbox given the supervisor's snapshot.
    const child = spawnSync(process.execPath, ['--no-node-snapshot', '-e', `const ivm = require(${JSON.stringify(ivmDir)}); const b = require('node:fs').readFileSync(0);
      const iso = new ivm.Isolate({ snapshot: new ivm.ExternalCopy(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) });
      process.stdout.write(String(iso.createContextSync().evalSync('f() + " " + f.toString().length')));`], { input: bytes, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(`42 ${code.length - 'globalThis.f = '.length - 1}`);
  });

  it('keeps the shared sources alive while isolates from the snapshot come and go (V8 disposes of a resource with each isolate; these are never freed)', () => {
    const code = source('z');
    const snapshot = ivm.Isolate.createSnapshot([{ code }]);
    const want = createHash('sha256').update(code.slice('globalThis.f = '.length, -1)).digest('hex');
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const isolate = new ivm.Isolate({ memoryLimit: 64, snapshot });
      // Some isolates collect garbage first: V8 finalises unreachable external strings in a full GC too.
      const text = isolate.createContextSync().evalSync(`${i % 3 === 0 ? 'for (let j = 0; j < 3; j++) new Array(1e5).fill(j); ' : ''}f.toString()`) as string;
      seen.add(createHash('sha256').update(text).digest('hex'));
      isolate.dispose();
    }
    expect([...seen]).toEqual([want]);
  });
});
