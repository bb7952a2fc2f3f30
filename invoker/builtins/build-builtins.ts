// The compatibility layer's guest code, built from guest/ and the npm packages it uses: one
// bundle per built-in module (esbuild, CommonJS, every other built-in left as a `require` the
// guest's built-in loader answers), written into the git-ignored .bundle/ folder as a function
// expression `(function (exports, require, module) { … })` that isolate-runtime.ts compiles in a
// context when the module is first required. Also the npm packages OpenWhisk's image bundles
// (bundled-packages.ts), one self-contained bundle each under .bundle/packages/. Generated, not committed: the bundles are about a
// megabyte of third-party code that `npm ci` already brings, and a build takes well under a
// second. ensureBuiltins() rebuilds when a source (guest/ or a bundled package) is newer than the
// bundles, so tests, `npm start` and an edited guest file never see stale code; the invoker calls
// it once at start, before sandbox processes (which cannot write here) need the files.
// The one home of esbuild.
import { build, type Plugin } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageEntry } from './package-subpaths.js';
import { BUILTIN_MODULES } from './builtin-modules.js';
import { BUNDLED_PACKAGES } from './bundled-packages.js';

/** What every bundle is built with: one CommonJS text in memory, minified, its inputs listed (metafile) for staleness checks. */
const BUNDLE_OPTIONS = {
  bundle: true,
  write: false,
  format: 'cjs',
  target: 'es2022',
  metafile: true,
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'silent',
} as const;

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUEST_DIR = `${HERE}guest/`;
const BUNDLE_DIR = `${HERE}.bundle/`;
const MANIFEST = `${BUNDLE_DIR}manifest.json`;

/** The bundle file of a module (`fs/promises` → fs__promises.js). */
const bundleFile = (name: string): string => `${name.replace(/\//g, '__')}.js`;
/** The bundle file of a bundled npm package (bundled-packages.ts), under packages/. */
const packageFile = (name: string): string => `packages/${name.replace(/\//g, '__')}.js`;

// npm packages' own names for built-ins they expect from the platform (readable-stream asks for
// 'process/' and 'string_decoder/' with a slash to get the npm copies): answered by ours.
const ALIASES: Record<string, string> = { 'process/': 'process', 'string_decoder/': 'string_decoder', 'buffer/': 'buffer', 'events/': 'events', 'util/': 'util', 'punycode/': 'punycode' };
// Packages that are shims of platform globals the layer already provides.
const SHIMS: Record<string, string> = {
  'abort-controller': 'module.exports = { AbortController: globalThis.AbortController, AbortSignal: globalThis.AbortSignal, default: globalThis.AbortController };',
};

// npm packages replaced by a guest file for the built-ins' bundles (the guest file may load the
// original another way): tr46 without its Unicode tables for ASCII hosts (the tables are the
// built-in `internal/tr46`, a bundle of their own, loaded for the first host that needs them).
// url@0.11's qs: node:querystring, as Node's legacy url API uses.
// util@0.12's type checks (is-arguments, is-generator-function, which-typed-array, is-typed-array):
// the same answers without their get-intrinsic helpers, which were most of what node:util leaves in the layer's snapshot.
const REPLACED: Record<string, string> = {
  tr46: `${GUEST_DIR}tr46-ascii.cjs`,
  qs: `${GUEST_DIR}url-querystring.cjs`,
  'is-arguments': `${GUEST_DIR}is-arguments.cjs`,
  'is-generator-function': `${GUEST_DIR}is-generator-function.cjs`,
  'which-typed-array': `${GUEST_DIR}which-typed-array.cjs`,
  'is-typed-array': `${GUEST_DIR}is-typed-array.cjs`,
};

// Files inside npm packages replaced the same way, by the package folder and the relative path
// they are required by. whatwg-url's UTF-8 helpers: an ASCII fast path; its parser: a fast path for
// the commonest absolute URLs (each guest file's comment).
// A guest file that wraps the original asks for it as `photon-original:<package>/<file>`.
const REPLACED_FILES: readonly { importerIn: string; path: string; file: string }[] = [
  { importerIn: '/node_modules/whatwg-url/lib/', path: './encoding', file: `${GUEST_DIR}whatwg-url-encoding.cjs` },
  { importerIn: '/node_modules/whatwg-url/lib/', path: './percent-encoding', file: `${GUEST_DIR}whatwg-url-percent-encoding.cjs` },
  { importerIn: '/node_modules/whatwg-url/lib/', path: './url-state-machine', file: `${GUEST_DIR}whatwg-url-state-machine.cjs` },
];
const ORIGINAL = 'photon-original:';

function externals(ownDeps: Set<string>, seen: Set<string>, self: string): Plugin {
  return {
    name: 'photon-builtins',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const r = REPLACED_FILES.find((f) => f.path === args.path && args.importer.includes(f.importerIn));
        return r === undefined ? undefined : { path: r.file };
      });
      build.onResolve({ filter: /^photon-original:/ }, (args) => ({ path: `${ROOT}node_modules/${args.path.slice(ORIGINAL.length)}.js` }));
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (SHIMS[args.path] !== undefined) return { path: args.path, namespace: 'photon-shim' };
        if (REPLACED[args.path] !== undefined) return { path: REPLACED[args.path] };
        let name = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        // A guest file asks for the npm package itself with a trailing slash (`require('events/')`).
        const fromGuest = args.importer.startsWith(GUEST_DIR);
        if (ALIASES[name] !== undefined && !(fromGuest && name === `${self}/`)) name = ALIASES[name]!;
        if (name === 'photon:host' || name === 'photon:runtime' || name === 'photon:base64' || name === 'photon:bytes' || name === 'photon:digest') return { path: name, external: true };
        if (BUILTIN_MODULES[name] !== undefined && !(fromGuest && args.path.endsWith('/'))) {
          seen.add(name);
          if (!ownDeps.has(name) && name !== self) throw new Error(`built-in ${self} requires '${name}' (from ${args.importer}) but does not list it in deps`);
          return { path: name, external: true };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'photon-shim' }, (args) => ({ contents: SHIMS[args.path]!, loader: 'js' }));
    },
  };
}

interface Manifest {
  inputs: string[];
}

function newestMtime(paths: string[]): number {
  let t = 0;
  for (const p of paths) {
    try {
      t = Math.max(t, statSync(p).mtimeMs);
    } catch {
      return Infinity; // a source went away: rebuild
    }
  }
  return t;
}

/** Builds every module's bundle into .bundle/ (atomically: a temporary folder renamed into place). */
export async function buildBuiltins(): Promise<void> {
  const tmp = `${HERE}.bundle-${process.pid}-${Date.now()}/`;
  mkdirSync(tmp, { recursive: true });
  const inputs = new Set<string>();
  try {
    const byFile = new Map<string, string>();
    for (const [name, spec] of Object.entries(BUILTIN_MODULES)) {
      const self = name;
      const out = byFile.get(spec.file);
      if (out !== undefined) {
        // Several modules share one implementation (the placeholders): one build, copied.
        writeFileSync(`${tmp}${bundleFile(name)}`, readFileSync(`${tmp}${out}`));
        continue;
      }
      const seen = new Set<string>();
      const result = await build({
        entryPoints: [`${GUEST_DIR}${spec.file}`],
        ...BUNDLE_OPTIONS,
        platform: 'browser',
        plugins: [externals(new Set(spec.deps), seen, self)],
      });
      for (const input of Object.keys(result.metafile.inputs)) if (!input.includes(':')) inputs.add(input);
      const code = result.outputFiles[0]!.text;
      writeFileSync(`${tmp}${bundleFile(name)}`, `(function (exports, require, module) {\n${code}\n})`);
      byFile.set(spec.file, bundleFile(name));
    }
    await buildPackages(tmp, inputs);
    const manifest: Manifest = { inputs: [...inputs].map((p) => (p.startsWith('/') ? p : `${process.cwd()}/${p}`)).concat(`${HERE}builtin-modules.ts`, `${HERE}bundled-packages.ts`, `${HERE}build-builtins.ts`) };
    writeFileSync(`${tmp}manifest.json`, JSON.stringify(manifest));
    // Another process may have built meanwhile: the rename of the last one wins, both are whole.
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    renameSync(tmp, BUNDLE_DIR);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

// A bundled package's bare requires of Node's built-ins stay `require`s, answered in the guest by
// the layer's modules (`node:x` and `x` alike); everything else it requires is bundled into it.
const NODE_BUILTIN = /^(node:)?[a-z_]+(\/[a-z_]+)?$/;
function packageExternals(): Plugin {
  return {
    name: 'photon-bundled-packages',
    setup(build) {
      build.onResolve({ filter: NODE_BUILTIN }, (args) => {
        const name = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        if (args.path.startsWith('node:') || BUILTIN_MODULES[name] !== undefined || NODE_ONLY.has(name)) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}
// Node built-ins the layer does not provide: left as requires that fail when reached (a package
// that mentions one on a path an action never takes still loads), never resolved to npm shims.
const NODE_ONLY = new Set(['module', 'perf_hooks', 'readline', 'repl', 'constants', 'sys', 'domain', 'trace_events', 'wasi', 'sqlite', 'test']);

/**
 * The bundled npm packages (bundled-packages.ts), one self-contained bundle each, as a function
 * expression `(exports, require, module, __filename, __dirname)` whose module.exports is the
 * package's table of files and subpath spellings (package-subpaths.ts); refuses a package whose installed
 * version is not the pinned one (a stale `npm ci` would otherwise bundle something else quietly).
 */
async function buildPackages(tmp: string, inputs: Set<string>): Promise<void> {
  mkdirSync(`${tmp}packages`, { recursive: true });
  for (const [name, pkg] of Object.entries(BUNDLED_PACKAGES)) {
    const manifest = JSON.parse(readFileSync(`${ROOT}node_modules/${pkg.installedAs}/package.json`, 'utf8')) as { name?: string; version?: string };
    if (manifest.name !== name || manifest.version !== pkg.version) {
      throw new Error(`bundled package ${name}@${pkg.version} expected in node_modules/${pkg.installedAs}, found ${manifest.name}@${manifest.version} (run npm ci)`);
    }
    const result = await build({
      stdin: { contents: packageEntry(`${ROOT}node_modules/`, pkg.installedAs), resolveDir: ROOT, loader: 'js' },
      ...BUNDLE_OPTIONS,
      platform: 'node',
      plugins: [packageExternals()],
    });
    // Every input but the generated entry (`<stdin>`, no file): a manifest naming a file that does
    // not exist would make every process rebuild, and a sandbox process cannot write here.
    for (const input of Object.keys(result.metafile.inputs)) if (!input.includes(':') && input !== '<stdin>') inputs.add(input);
    writeFileSync(`${tmp}${packageFile(name)}`, `(function (exports, require, module, __filename, __dirname) {\n${result.outputFiles[0]!.text}\n})`);
  }
}

let ensured = false;

/** True when the bundles exist and none of their sources is newer. */
function bundlesFresh(): boolean {
  if (!existsSync(MANIFEST)) return false;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  return newestMtime(manifest.inputs) <= statSync(MANIFEST).mtimeMs && Object.keys(BUILTIN_MODULES).every((n) => existsSync(`${BUNDLE_DIR}${bundleFile(n)}`)) &&
    Object.keys(BUNDLED_PACKAGES).every((n) => existsSync(`${BUNDLE_DIR}${packageFile(n)}`));
}

/**
 * Builds the bundles when they are missing or older than any of their sources; once per process.
 * isolate-runtime.ts awaits it when it is first imported, so no isolate exists before the layer.
 */
export async function ensureBuiltins(): Promise<void> {
  if (ensured) return;
  if (!bundlesFresh()) await buildBuiltins();
  ensured = true;
}

const sources = new Map<string, string>();

/** The bundled guest code of a module, a function expression `(exports, require, module)`; undefined if unknown. */
export function builtinSource(name: string): string | undefined {
  if (BUILTIN_MODULES[name] === undefined) return undefined;
  let s = sources.get(name);
  if (s === undefined) {
    s = readFileSync(`${BUNDLE_DIR}${bundleFile(name)}`, 'utf8');
    sources.set(name, s);
  }
  return s;
}

/**
 * The bundle of a bundled npm package (bundled-packages.ts), a function expression
 * `(exports, require, module, __filename, __dirname)`; undefined if it is not one.
 */
export function bundledPackageSource(name: string): string | undefined {
  if (!Object.hasOwn(BUNDLED_PACKAGES, name)) return undefined;
  const key = `package:${name}`;
  let s = sources.get(key);
  if (s === undefined) {
    s = readFileSync(`${BUNDLE_DIR}${packageFile(name)}`, 'utf8');
    sources.set(key, s);
  }
  return s;
}

/**
 * The sandbox process's entry (invoker/sandbox/sandbox-main.ts) as one ES module of photon's own
 * code (npm packages stay imports, resolved from the repository's node_modules), so a sandbox
 * starts without tsx transpiling on start. Each file's `import.meta.url` is replaced by its own
 * source URL, so files it reads beside itself (the guest runtime, the built-ins' bundles) are
 * found as before. Written to a temporary name and renamed: supervisors building at once never
 * expose a partial file.
 */
export async function bundleSandboxEntry(entry: string, outfile: string): Promise<void> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    logLevel: 'silent',
    plugins: [{
      name: 'photon-own-import-meta',
      setup(b) {
        b.onLoad({ filter: /\.ts$/ }, (args) => ({
          contents: readFileSync(args.path, 'utf8').replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href)),
          loader: 'ts',
        }));
      },
    }],
  });
  const tmp = `${outfile}.${process.pid}.tmp`;
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(tmp, result.outputFiles[0]!.text);
  // Sandboxes run as nobody: readable by all whatever the supervisor's umask.
  chmodSync(tmp, 0o644);
  chmodSync(dirname(outfile), 0o755);
  renameSync(tmp, outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await buildBuiltins();
  console.log(`built ${Object.keys(BUILTIN_MODULES).length} built-in modules and ${Object.keys(BUNDLED_PACKAGES).length} bundled packages into ${BUNDLE_DIR} in ${(performance.now() - t0).toFixed(0)} ms`);
}
