// photon's postinstall (package.json "postinstall", so `npm ci` runs it after every dependency is
// in place): builds isolated-vm from its own sources with photon's patches applied (PATCHES, in
// order), so node-gyp-build loads build/Release/isolated_vm.node instead of the prebuilt binary.
// Why each patch: its header. Run by plain Node (type stripping; no dependency, nothing downloaded: node-gyp is
// npm's own and compiles against the headers of the Node running this, deploy/local/node-env.sh).
//
// PHOTON_ISOLATED_VM: `auto` (the default) builds and, when that fails (no compiler, no python3),
// falls back to the prebuilt binary with a warning, the install still succeeding; `patched` fails
// the install instead (deploy/Dockerfile); `prebuilt` skips the build (a quick local install).
// Idempotent: the sources are patched once, and a build whose stamp matches is kept.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';

/** The name isolated-vm exports as `photonPatch` when built with the patches (isolated-vm-build.ts reads it). */
export const PATCH_NAME = 'snapshot-user-context';
/**
 * The patches, applied in this order (each to the sources as the ones before left them; none
 * touches text another one's hunks add, so each hunk of each is still found as applied on a rerun).
 */
export const PATCHES: readonly string[] = [PATCH_NAME, 'native-digest', 'native-text', 'snapshot-external-sources'];
/** The one isolated-vm version the patches are made against (package.json pins it). */
const VERSION = '7.0.1';
const patchFile = (name: string): string => join(import.meta.dirname, `${name}.patch`);

/** One file's changes: each hunk's text before and after (context lines in both). */
export interface FilePatch {
  readonly path: string;
  readonly hunks: readonly { readonly before: string; readonly after: string }[];
}

/** A unified diff's files (paths without their a/ b/ prefix); text before the first `--- ` is its header. */
export function parsePatch(text: string): FilePatch[] {
  const files: { path: string; hunks: { before: string[]; after: string[] }[] }[] = [];
  // Lines still due in the current hunk, from its @@ -l,n +l,m @@ header (0, 0: between hunks).
  let due = { before: 0, after: 0 };
  // The last newline ends the last line; it starts no empty one.
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const hunk = files.at(-1)?.hunks.at(-1);
    if (hunk !== undefined && (due.before > 0 || due.after > 0)) {
      const [mark, body] = [line[0] ?? ' ', line.slice(1)];
      if (mark === '\\') continue; // "\ No newline at end of file"
      if (mark !== '-' && mark !== '+' && mark !== ' ') throw new Error(`patch: a hunk of ${files.at(-1)!.path} ends early at "${line}"`);
      if (mark !== '+') {
        hunk.before.push(body);
        due.before--;
      }
      if (mark !== '-') {
        hunk.after.push(body);
        due.after--;
      }
    } else if (line.startsWith('--- ')) files.push({ path: '', hunks: [] });
    else if (line.startsWith('+++ ') && files.length > 0) files.at(-1)!.path = line.slice(4).split('\t')[0]!.replace(/^b\//, '');
    else if (line.startsWith('@@ ')) {
      const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      const file = files.at(-1);
      if (m === null || file === undefined || file.path === '') throw new Error(`patch: "${line}" is no hunk header of a file`);
      due = { before: Number(m[1] ?? 1), after: Number(m[2] ?? 1) };
      file.hunks.push({ before: [], after: [] });
    }
  }
  if (due.before > 0 || due.after > 0) throw new Error('patch: its last hunk is cut short');
  return files.map((f) => ({ path: f.path, hunks: f.hunks.map((h) => ({ before: h.before.join('\n'), after: h.after.join('\n') })) }));
}

/**
 * The file's text with every hunk applied, each hunk once: one already there is kept (so applying
 * twice changes nothing), one whose before-text occurs exactly once is replaced; anything else
 * (the sources are not the version the patch is for) throws, naming the file.
 */
export function applyFilePatch(text: string, patch: FilePatch): { text: string; changed: boolean } {
  let out = text;
  let changed = false;
  for (const [i, h] of patch.hunks.entries()) {
    if (out.includes(h.after)) continue;
    const at = out.indexOf(h.before);
    if (at < 0 || out.indexOf(h.before, at + 1) >= 0) throw new Error(`${patch.path}: hunk ${i + 1} does not apply (not isolated-vm ${VERSION}'s text)`);
    out = out.slice(0, at) + h.after + out.slice(at + h.before.length);
    changed = true;
  }
  return { text: out, changed };
}

class Fallback extends Error {}

/**
 * Writes a file as a new one (a temporary file renamed over it), never into the old one: a
 * node_modules made of hard links to another checkout's (cp -al) keeps that checkout's file as it was.
 */
function replaceFile(path: string, text: string): void {
  const tmp = `${path}.photon-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const say = (line: string): void => console.log(`photon postinstall: ${line}`);

/** node-gyp as npm runs it for install scripts, else the one bundled with this Node's npm. */
function nodeGypScript(): string {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const bundled = resolve(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  if (existsSync(bundled)) return bundled;
  throw new Fallback("no node-gyp (neither npm's npm_config_node_gyp nor this Node's npm)");
}

/** The headers of the Node running this: npm_config_nodedir, else beside its binary (never a download). */
function nodeDir(): string {
  const set = process.env.npm_config_nodedir;
  if (set && existsSync(join(set, 'include/node/node.h'))) return set;
  const beside = resolve(dirname(process.execPath), '..');
  if (existsSync(join(beside, 'include/node/node.h'))) return beside;
  throw new Fallback(`no Node headers for ${process.version} (npm_config_nodedir, or include/node beside ${process.execPath})`);
}

/** Loads the built addon in a fresh process: it must be the patched one and give a snapshot's globals to a context. */
function probe(dir: string): string | null {
  const code = `const ivm = require(${JSON.stringify(dir)});
if (!require('node-gyp-build').resolve(${JSON.stringify(dir)}).includes('build/Release')) throw new Error('node-gyp-build does not pick build/Release');
if (ivm.photonPatch !== ${JSON.stringify(PATCH_NAME)}) throw new Error('photonPatch is ' + ivm.photonPatch);
const iso = new ivm.Isolate({ snapshot: ivm.Isolate.createSnapshot([{ code: 'globalThis.probe = 6 * 7' }]) });
if (iso.createContextSync().evalSync('probe') !== 42) throw new Error('a context from the snapshot lacks its global');
const hex = iso.createContextSync().evalSync("Array.from(new Uint8Array(globalThis['photon:digest']('sha256', null, [new Uint8Array([97, 98]), new Uint8Array([99])])), (b) => b.toString(16).padStart(2, '0')).join('')");
if (hex !== require('node:crypto').createHash('sha256').update('abc').digest('hex')) throw new Error('photon:digest gives ' + hex);
const b64 = iso.createContextSync().evalSync("const u = new Uint8Array(3000).map((_, i) => i * 7); globalThis['photon:base64-encode'](u, false) + ' ' + globalThis['photon:base64-encode'](u.subarray(1, 5), true)");
const u = Buffer.from(new Uint8Array(3000).map((_, i) => i * 7));
if (b64 !== u.toString('base64') + ' ' + u.subarray(1, 5).toString('base64url')) throw new Error('photon:base64-encode gives ' + b64.slice(0, 40));
const long = 'globalThis.g = function () { /*' + 'x'.repeat(4000) + '*/ return 7; }';
const withSources = ivm.Isolate.createSnapshot([{ code: long }]);
if (Buffer.from(withSources.copy()).subarray(-8).toString() !== 'photons1') throw new Error('a snapshot carries no sources trailer');
if (new ivm.Isolate({ snapshot: withSources }).createContextSync().evalSync('g() + g.toString().length') !== 7 + long.length - 15) throw new Error('a snapshot with its sources outside the heap does not run');
const utf8 = iso.createContextSync().evalSync("const s = 'h\\u00e9\\u4e16\\ud83d\\ude00\\ud800'; const v = new Uint8Array(32); const n = globalThis['photon:utf8-write'](s, v, 1, 31); [globalThis['photon:utf8-length'](s), n, globalThis['photon:utf8-decode'](v, 1, 1 + n)].join(' ')");
if (utf8 !== '13 13 h\u00e9\u4e16\ud83d\ude00\ufffd') throw new Error('photon:utf8-* give ' + JSON.stringify(utf8));
const bytes = iso.createContextSync().evalSync("const v = new Uint8Array(6); const n = globalThis['photon:latin1-write']('ab\\u00e9\\u20ac', v, 1, 5); [n, globalThis['photon:latin1-decode'](v, 1, 5, false), globalThis['photon:bytes-compare'](v, v.subarray(1)), globalThis['photon:bytes-index'](v, v.subarray(2, 4), 0, false)].join(' ')");
if (bytes !== '4 ab\u00e9\u00ac -1 2') throw new Error('photon:latin1-* and bytes-* give ' + JSON.stringify(bytes));`;
  const r = spawnSync(process.execPath, ['--no-node-snapshot', '-e', code], { cwd: dir, encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`);
}

function build(dir: string, stampFile: string, stamp: string): string {
  let patched = 0;
  for (const name of PATCHES) {
    for (const file of parsePatch(readFileSync(patchFile(name), 'utf8'))) {
      const path = join(dir, file.path);
      const { text, changed } = applyFilePatch(readFileSync(path, 'utf8'), file);
      if (changed) replaceFile(path, text);
      if (changed) patched++;
    }
  }
  const log = join(dir, 'photon-build.log');
  const t0 = performance.now();
  const args = [nodeGypScript(), 'rebuild', '--release', '-j', '2', '--nodedir', nodeDir()];
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  replaceFile(log, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) {
    const last = `${r.stdout}${r.stderr}`.trim().split('\n').filter((l) => /error|not found|No such/i.test(l)).slice(-2).join(' | ');
    throw new Fallback(`node-gyp rebuild failed (${r.error?.message ?? `exit ${r.status}`}): ${last || 'see the log'}; log: ${log}`);
  }
  const addon = join(dir, 'build/Release/isolated_vm.node');
  // -g in isolated-vm's binding.gyp: 27 MB of debug info against the prebuilt's 1 MB (not loaded
  // either way, but copied into every image); the intermediates are not needed to load it.
  spawnSync('strip', ['--strip-debug', addon]);
  for (const d of ['build/Release/obj.target', 'build/Release/.deps', 'build/Release/nortti.a']) rmSync(join(dir, d), { recursive: true, force: true });
  const failed = probe(dir);
  if (failed !== null) throw new Fallback(`the built addon does not work: ${failed}`);
  replaceFile(stampFile, stamp);
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  return `isolated-vm ${VERSION} built from source with ${PATCHES.join('.patch, ')}.patch (${patched === 0 ? 'sources already patched' : `${patched} file changes`}; node-gyp -j 2, ${secs} s): build/Release is loaded, not the prebuilt binary`;
}

function main(): void {
  const mode = process.env.PHOTON_ISOLATED_VM ?? 'auto';
  if (!['auto', 'patched', 'prebuilt'].includes(mode)) throw new Error(`PHOTON_ISOLATED_VM=${mode}: auto, patched or prebuilt`);
  const root = resolve(import.meta.dirname, '../..');
  const dir = dirname(createRequire(join(root, 'package.json')).resolve('isolated-vm/package.json'));
  const stampFile = join(dir, 'build/photon-patch.stamp');
  const dropBuild = (): void => rmSync(join(dir, 'build'), { recursive: true, force: true });
  try {
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    if (version !== VERSION) throw new Fallback(`isolated-vm is ${version}, the patch is for ${VERSION} (package.json pins it)`);
    if (mode === 'prebuilt') {
      dropBuild();
      say(`isolated-vm's prebuilt binary, unpatched (PHOTON_ISOLATED_VM=prebuilt)`);
      return;
    }
    const hash = createHash('sha256');
    for (const name of PATCHES) hash.update(readFileSync(patchFile(name)));
    const stamp = hash.update(`${process.version} ${process.arch} ${process.versions.modules}`).digest('hex');
    if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && probe(dir) === null) {
      say(`isolated-vm ${VERSION} with ${PATCHES.join('.patch, ')}.patch: already built (build/Release)`);
      return;
    }
    say(`building isolated-vm ${VERSION} with ${PATCHES.join('.patch, ')}.patch (node-gyp, about 2 min of 2 cores)...`);
    say(build(dir, stampFile, stamp));
  } catch (e) {
    if (!(e instanceof Fallback)) throw e;
    dropBuild();
    const why = `isolated-vm is NOT patched: ${e.message}`;
    if (mode === 'patched') {
      console.error(`photon postinstall: ${why} (PHOTON_ISOLATED_VM=patched)`);
      process.exitCode = 1;
      return;
    }
    console.warn(`photon postinstall: WARNING: ${why}. Using the prebuilt binary: photon works, but every isolate from the layer's snapshot deserialises its context twice (a slower cold start). Install g++, make and python3, then run npm ci again.`);
  }
}

if (import.meta.main) main();
