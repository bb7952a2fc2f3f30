// deploy/isolated-vm/: the patch to isolated-vm that photon builds at install (postinstall.ts), and
// the build in use. The build test fails on upstream's prebuilt binary on purpose (the install falls
// back to it where it cannot compile, with a warning; this says so too, never skipping): every
// isolate from the layer's snapshot then deserialises the snapshot's context twice.
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFilePatch, parsePatch, PATCH_NAME } from '../../../deploy/isolated-vm/postinstall.js';
import { ISOLATED_VM_BUILD } from '../../../invoker/isolate/isolated-vm-build.js';

const root = resolve(import.meta.dirname, '../../..');
const patch = parsePatch(readFileSync(join(root, `deploy/isolated-vm/${PATCH_NAME}.patch`), 'utf8'));
const ivmDir = dirname(createRequire(join(root, 'package.json')).resolve('isolated-vm/package.json'));

describe('deploy/isolated-vm: the patch and its applier', () => {
  it('is made against the pinned isolated-vm, and the installed sources are that version (patched or not)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.dependencies['isolated-vm']).toBe('7.0.1');
    expect(pkg.scripts.postinstall).toBe('node deploy/isolated-vm/postinstall.ts');
    expect(patch.map((f) => f.path).sort()).toEqual(['src/isolate/environment.cc', 'src/isolate/environment.h', 'src/module/isolate.cc', 'src/module/isolate_handle.cc']);
    // Applying to what is installed throws unless every hunk is there already or applies exactly once.
    for (const file of patch) expect(() => applyFilePatch(readFileSync(join(ivmDir, file.path), 'utf8'), file)).not.toThrow();
  });

  it('applies each hunk once: a second run changes nothing, and other sources are refused by name', () => {
    for (const file of patch) {
      // The unpatched file as far as the patch sees it: each hunk's before-text between unrelated lines.
      const original = file.hunks.map((h) => `// line\n${h.before}\n// line`).join('\n');
      const once = applyFilePatch(original, file);
      expect(once.changed).toBe(true);
      for (const h of file.hunks) expect(once.text).toContain(h.after);
      expect(applyFilePatch(once.text, file)).toEqual({ text: once.text, changed: false });
      expect(() => applyFilePatch('int main() {}\n', file)).toThrow(`${file.path}: hunk 1 does not apply`);
    }
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
