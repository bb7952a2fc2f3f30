// ES module entries of archive actions: the module graph compiled and linked with isolated-vm's
// module support (V8's own ESM), resolved by the guest's loader (Node's ESM resolver over the
// archive: exact names, "exports" under import/node/default). A CommonJS file imported from an ES
// module becomes a module whose default export is its module.exports, loaded by the guest's
// CommonJS loader (Node also gives CommonJS as the default export; named exports of CommonJS, which
// Node guesses with cjs-module-lexer, are not provided). Modules are compiled per context (V8
// instantiates a module in one context only), without code cache.
import type ivm from 'isolated-vm';
import type { ActionFiles } from './guest-protocol.js';

/** The guest's esm(op, a, b) function (guest-runtime.js). */
export type GuestEsm = ivm.Reference<(op: string, a: unknown, b: string) => string>;

const CJS_SHIM = (path: string): string => `export default globalThis[Symbol.for('photon.requireCommonJs')](${JSON.stringify(path)});`;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// A built-in (`node:x`): its module.exports as the default export and each own key that is an
// identifier as a named export (`import { EventEmitter } from 'node:events'`), as Node does.
const BUILTIN_SHIM = (path: string, names: string[]): string => {
  const named = names.filter((n) => IDENTIFIER.test(n) && n !== 'default');
  return `const m = globalThis[Symbol.for('photon.requireBuiltin')](${JSON.stringify(path.slice(5))});\nexport default m;\n` +
    named.map((n, i) => `const e${i} = m[${JSON.stringify(n)}];\nexport { e${i} as ${n} };`).join('\n');
};
// A bundled package (`bundled:x`, OpenWhisk's image's /node_modules, bundled as CommonJS): the same
// shape, except that a package written as an ES module (esbuild marks its exports `__esModule`)
// keeps its own default export, as importing the original would give.
const BUNDLED_SHIM = (path: string, names: string[]): string => {
  const named = names.filter((n) => IDENTIFIER.test(n) && n !== 'default');
  return `const m = globalThis[Symbol.for('photon.requireBundled')](${JSON.stringify(path.slice('bundled:'.length))});\n` +
    `export default (m !== null && typeof m === 'object' && m.__esModule === true ? m.default : m);\n` +
    named.map((n, i) => `const e${i} = m[${JSON.stringify(n)}];\nexport { e${i} as ${n} };`).join('\n');
};

/**
 * Links and evaluates the entry, then has the guest adopt `fnPath` of its namespace as main.
 * Answers the guest's install-result JSON; user errors (syntax, resolution, a throwing module)
 * become "Initialization has failed due to: …"; isolate failures (memory, disposal) are thrown.
 */
export async function linkEsmEntry(isolate: ivm.Isolate, context: ivm.Context, files: ActionFiles, esm: GuestEsm, entry: string, fnPath: string): Promise<string> {
  const paths = new Map<ivm.Module, string>();
  const modules = new Map<string, ivm.Module>();
  // Every call into the isolate here is asynchronous (compileModule, the guest's resolve through
  // esm.apply): it runs on the isolate's thread, so no guest code runs on the invoker's thread,
  // and an isolate busy with another context's activation is waited for without holding the
  // event loop (and with it that activation's timer).
  const get = async (path: string, format: string, names: string[] = []): Promise<ivm.Module> => {
    const known = modules.get(path);
    if (known) return known;
    let source: string | undefined;
    if (format === 'module') source = files.read(path);
    else if (format === 'commonjs') source = CJS_SHIM(path);
    else if (format === 'builtin') source = BUILTIN_SHIM(path, names);
    else if (format === 'bundled') source = BUNDLED_SHIM(path, names);
    else throw new Error(`Importing ${path} (${format}) is not supported in photon yet.`);
    if (source === undefined) throw new Error(`Cannot find module '${path}'`);
    const m = await isolate.compileModule(source, { filename: path });
    // Two importers of one module may have compiled it at once: the first one is kept.
    const raced = modules.get(path);
    if (raced) {
      m.release();
      return raced;
    }
    modules.set(path, m);
    paths.set(m, path);
    return m;
  };
  try {
    const root = await get(entry, 'module');
    await root.instantiate(context, async (specifier, referrer) => {
      const out = JSON.parse(await esm.apply(undefined, ['resolve', specifier, paths.get(referrer) ?? entry], { result: { copy: true } })) as { path?: string; format?: string; names?: string[]; error?: string };
      if (out.error !== undefined) throw new Error(out.error);
      return get(out.path!, out.format!, out.names);
    });
    await root.evaluate();
    return await esm.apply(undefined, ['adopt', root.namespace.derefInto(), fnPath], { result: { copy: true } });
  } catch (e) {
    if (isolate.isDisposed) throw e;
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    if (message.includes('memory limit')) throw e;
    return JSON.stringify({ ok: false, message: `Initialization has failed due to: ${message}` });
  } finally {
    for (const m of modules.values()) m.release();
  }
}
