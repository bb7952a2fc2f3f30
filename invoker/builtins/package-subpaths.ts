// Which subpaths of a bundled npm package (bundled-packages.ts) an action may require, and the
// entry of its bundle. OpenWhisk's image installs these packages in /node_modules, so an action
// reaches not only `require('express')` but also `require('express/lib/router')` or
// `require('uuid/package.json')`: whatever Node's resolver allows for that version (its `exports`
// map when it has one, every file otherwise). Rather than re-implement that resolution, the build
// asks Node's own resolver: every spelling of every file of the package (the file, without its
// extension, its directory) is resolved with require.resolve against the installed copy, and only
// the spellings Node answers are kept, each mapped to the file Node picked. The guest then looks a
// request up in that table (guest-builtins.js): the same answer as Node's, by construction.
//
// The bundle's entry exports the table and one thunk per reachable file; esbuild wraps each file
// in a lazily evaluated CommonJS wrapper shared by every require of it, so `require('express/lib/router')`
// is the very object `require('express').Router` is, and a file is evaluated only when reached.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';

/** What a bundled package's bundle exports (read by guest-builtins.js). */
export interface PackageTable {
  /** True when the package has an `exports` map: a spelling not in `spellings` is ERR_PACKAGE_PATH_NOT_EXPORTED, not MODULE_NOT_FOUND. */
  readonly exportsMap: boolean;
  /** What follows the package name in a request ('' for the name itself, '/lib/router', '/package.json') → the file (path in the package). */
  readonly spellings: Readonly<Record<string, string>>;
}

const CODE = /\.(js|cjs|json)$/;

/** Every .js/.cjs/.json file of the package (paths relative to it, no nested node_modules), and its folders. */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [''];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const rel = `${e.parentPath}/${e.name}`.slice(dir.length + 1);
    if (rel.split('/').includes('node_modules')) continue;
    if (e.isDirectory()) dirs.push(rel);
    else if (e.isFile() && CODE.test(e.name)) files.push(rel);
  }
  return { files, dirs };
}

/** The spellings Node's resolver accepts for the package installed at nodeModules/installedAs, each with the file it picks. */
export function packageTable(nodeModules: string, installedAs: string): PackageTable {
  const dir = `${nodeModules}${installedAs}`;
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { exports?: unknown };
  const { files, dirs } = walk(dir);
  const candidates = new Set<string>(['', '/']);
  for (const f of files) {
    candidates.add(`/${f}`);
    candidates.add(`/${f.replace(CODE, '')}`);
  }
  for (const d of dirs) if (d !== '') candidates.add(`/${d}`).add(`/${d}/`);
  // Node's require, from the folder that holds the package: a bare `installedAs…` request resolves
  // as `name…` does in OpenWhisk's image (same package.json, same files), exports map included.
  const req = createRequire(`${nodeModules}package.json`);
  const spellings: Record<string, string> = {};
  for (const c of [...candidates].sort()) {
    let resolved: string;
    try {
      resolved = req.resolve(`${installedAs}${c}`);
    } catch {
      continue;
    }
    if (!resolved.startsWith(`${dir}/`)) continue;
    const rel = resolved.slice(dir.length + 1);
    if (rel.split('/').includes('node_modules') || !CODE.test(rel)) continue;
    spellings[c] = rel;
  }
  return { exportsMap: manifest.exports !== undefined && manifest.exports !== null, spellings };
}

/**
 * The source esbuild bundles for the package: `module.exports = { exportsMap, spellings, files }`,
 * files mapping each reachable file to a thunk that requires it (evaluated on first call only).
 */
export function packageEntry(nodeModules: string, installedAs: string): string {
  const table = packageTable(nodeModules, installedAs);
  const reachable = [...new Set(Object.values(table.spellings))].sort();
  const files = reachable.map((rel) => `${JSON.stringify(rel)}: () => require(${JSON.stringify(`${nodeModules}${installedAs}/${rel}`)})`);
  return `module.exports = { exportsMap: ${table.exportsMap}, spellings: ${JSON.stringify(table.spellings)}, files: {\n${files.join(',\n')}\n} };`;
}
