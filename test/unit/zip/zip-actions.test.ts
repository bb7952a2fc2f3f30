// Zip actions through the REST API on real isolates: OpenWhisk's entry rules, Node's CommonJS
// resolution rules one by one (synthetic packages written here, so each rule is isolated), and
// the contract cases OpenWhisk's runtime tests found missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../../harness/zip-writer.js';
import { startZipPhoton, type ZipPhoton } from './zip-fixture.js';

let photon: ZipPhoton;
beforeAll(async () => {
  photon = await startZipPhoton();
});
afterAll(async () => {
  await photon?.close();
});

const b64 = (files: Record<string, string>): string => zipOf(files).toString('base64');
let seq = 0;
async function deployAndRun(files: Record<string, string>, params: Record<string, unknown> = {}, exec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<{ status: string; result: Record<string, unknown> }> {
  const name = `zip${++seq}`;
  const put = await photon.put(name, { code: b64(files), binary: true, ...exec }, extra);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const record = await photon.invoke(name, params);
  return record.response;
}

describe('zip actions: OpenWhisk entry rules', () => {
  it('runs index.js, main from package.json, exec.main as fn, file.fn and file.a.b', async () => {
    expect((await deployAndRun({ 'index.js': 'exports.main = (p) => ({ hi: p.name })' }, { name: 'zip' })).result).toEqual({ hi: 'zip' });
    expect((await deployAndRun({ 'package.json': '{"main":"lib/app.js"}', 'lib/app.js': 'module.exports = { main: () => ({ via: "package.json main" }) }' })).result).toEqual({ via: 'package.json main' });
    expect((await deployAndRun({ 'index.js': 'module.exports.other = () => ({ via: "exec.main" })' }, {}, { main: 'other' })).result).toEqual({ via: 'exec.main' });
    expect((await deployAndRun({ 'index.js': 'x', 'lib.js': 'exports.fn = () => ({ via: "file.fn" })' }, {}, { main: 'lib.fn' })).result).toEqual({ via: 'file.fn' });
    expect((await deployAndRun({ 'lib.js': 'exports.a = { b: () => ({ via: "file.a.b" }) }' }, {}, { main: 'lib.a.b' })).result).toEqual({ via: 'file.a.b' });
  });

  it('recognises a base64 zip sent without the binary flag by its content, and says binary on GET', async () => {
    const put = await photon.put('noflag', { code: b64({ 'index.js': 'exports.main = () => ({ ok: true })' }) });
    expect(put.status).toBe(200);
    expect((put.body.exec as Record<string, unknown>).binary).toBe(true);
    expect((await photon.invoke('noflag')).response.result).toEqual({ ok: true });
    const bare = await photon.api('GET', '/api/v1/namespaces/_/actions/noflag?code=false');
    expect(bare.body.exec).toEqual({ kind: 'nodejs:20', binary: true });
    const full = await photon.api('GET', '/api/v1/namespaces/_/actions/noflag?code=true');
    expect(full.body.exec.code).toBe(put.body.exec && (put.body.exec as Record<string, unknown>).code);
  });

  it('runs a tar.gz archive, detected by its magic bytes', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/photon-tgz-`);
    mkdirSync(`${dir}/src/lib`, { recursive: true });
    writeFileSync(`${dir}/src/index.js`, "exports.main = () => ({ from: require('./lib/x').x })");
    writeFileSync(`${dir}/src/lib/x.js`, "exports.x = 'tar.gz'");
    const tgz = execFileSync('tar', ['-czf', '-', '-C', `${dir}/src`, '.']);
    const put = await photon.put('tgz', { code: tgz.toString('base64'), binary: true });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await photon.invoke('tgz')).response.result).toEqual({ from: 'tar.gz' });
  });

  it("refuses an archive with neither package.json nor index.js with OpenWhisk's message", async () => {
    const r = await deployAndRun({ 'app.js': 'exports.main = () => ({})' });
    expect(r).toMatchObject({ status: 'action developer error', result: { error: 'Initialization has failed due to: Zipped actions must contain either package.json or index.js at the root.' } });
  });

  it('names the file and the function when main is missing, and the module path when the entry file is', async () => {
    const r = await deployAndRun({ 'index.js': 'exports.helper = 1' });
    expect(r.status).toBe('action developer error');
    expect(r.result.error).toBe("Action entrypoint 'main' is not a function. It was looked up in /nodejsAction/index.js.");
    const m = await deployAndRun({ 'package.json': '{"main":"dist/missing.js"}' });
    expect(m.status).toBe('action developer error');
    expect(String(m.result.error)).toContain("Cannot find module '/nodejsAction/dist/missing.js'. Please verify that the package.json has a valid \"main\" entry");
  });

  it('reports a module that throws at load with its message and path', async () => {
    const r = await deployAndRun({ 'index.js': "require('./boot'); exports.main = () => ({})", 'boot.js': "throw new Error('config missing')" });
    expect(r.status).toBe('action developer error');
    expect(String(r.result.error)).toMatch(/^Initialization has failed due to: Error: config missing/);
    expect(String(r.result.error)).toContain('/nodejsAction/boot.js');
    const s = await deployAndRun({ 'index.js': "require('./boot'); exports.main = () => ({})", 'boot.js': "throw 'plain'" });
    expect(s.result.error).toBe('Initialization has failed due to: plain (while loading /nodejsAction/boot.js)');
  });

  it('stops a require that loops forever at the action timeout', async () => {
    const r = await deployAndRun({ 'index.js': "require('./spin'); exports.main = () => ({})", 'spin.js': 'for (;;) {}' }, {}, {}, { limits: { timeout: 500 } });
    expect(r.status).toBe('action developer error');
    expect(String(r.result.error)).toContain('500 milliseconds');
  });
});

describe("zip actions: Node's CommonJS resolution", () => {
  it('resolves relative files with .js/.json/.cjs, directory index.js and package.json main', async () => {
    const r = await deployAndRun({
      'index.js': `exports.main = () => ({
        file: require('./a'), json: require('./data').n, cjs: require('./c.cjs'), dir: require('./dir'), pkgDir: require('./sub'),
        parent: require('./deep/x').up })`,
      'a.js': "module.exports = 'a.js'",
      'data.json': '{"n": 42}',
      'c.cjs': "module.exports = 'c.cjs'",
      'dir/index.js': "module.exports = 'dir/index.js'",
      'sub/package.json': '{"main": "./entry"}',
      'sub/entry.js': "module.exports = 'sub/entry.js'",
      'deep/x.js': "exports.up = require('../a')",
    });
    expect(r.result).toEqual({ file: 'a.js', json: 42, cjs: 'c.cjs', dir: 'dir/index.js', pkgDir: 'sub/entry.js', parent: 'a.js' });
  });

  it('walks node_modules up from the requiring file, nearest first, scoped packages included', async () => {
    const r = await deployAndRun({
      'index.js': "exports.main = () => ({ top: require('dep'), nested: require('./lib/inner').dep, scoped: require('@scope/pkg'), file: require('dep/extra') })",
      'lib/inner.js': "exports.dep = require('dep')",
      'lib/node_modules/dep/index.js': "module.exports = 'lib/node_modules/dep'",
      'node_modules/dep/index.js': "module.exports = 'node_modules/dep'",
      'node_modules/dep/extra.js': "module.exports = 'dep/extra.js'",
      'node_modules/@scope/pkg/package.json': '{"main":"main.js"}',
      'node_modules/@scope/pkg/main.js': "module.exports = '@scope/pkg'",
    });
    expect(r.result).toEqual({ top: 'node_modules/dep', nested: 'lib/node_modules/dep', scoped: '@scope/pkg', file: 'dep/extra.js' });
  });

  it('follows "exports": conditions require/node/default in order, subpaths, patterns, and refuses what is not exported', async () => {
    const r = await deployAndRun({
      'index.js': `exports.main = () => {
        let hidden; try { require('ex/internal/secret') } catch (e) { hidden = [e.code, e.message] }
        return { root: require('ex'), sub: require('ex/feature'), pattern: require('ex/utils/str'), nodeCond: require('cond'), hidden,
                 resolved: require.resolve('ex/utils/str') } }`,
      'node_modules/ex/package.json': JSON.stringify({ main: 'ignored.js', exports: { '.': { import: './esm.mjs', require: './cjs.js' }, './feature': './lib/feature.js', './utils/*': './lib/utils/*.js', './internal/*': null } }),
      'node_modules/ex/cjs.js': "module.exports = 'require condition'",
      'node_modules/ex/ignored.js': "module.exports = 'main must lose to exports'",
      'node_modules/ex/lib/feature.js': "module.exports = 'subpath'",
      'node_modules/ex/lib/utils/str.js': "module.exports = 'pattern'",
      'node_modules/ex/internal/secret.js': "module.exports = 'leaked'",
      'node_modules/cond/package.json': JSON.stringify({ exports: { browser: './browser.js', node: './node.js', default: './default.js' } }),
      'node_modules/cond/node.js': "module.exports = 'node condition'",
    });
    expect(r.result).toEqual({
      root: 'require condition', sub: 'subpath', pattern: 'pattern', nodeCond: 'node condition',
      hidden: ['ERR_PACKAGE_PATH_NOT_EXPORTED', "Package subpath './internal/secret' is not defined by \"exports\" in /nodejsAction/node_modules/ex/package.json"],
      resolved: '/nodejsAction/node_modules/ex/lib/utils/str.js',
    });
  });

  it("keeps module.exports identity and require.cache, gives circular requires the partial exports, and sets __filename/__dirname", async () => {
    const r = await deployAndRun({
      'index.js': `const a = require('./a'); exports.main = () => ({
        same: require('./a') === a, cached: Object.keys(require.cache).sort(), seenByB: require('./b').sawA, aDone: a.done,
        file: __filename, dir: __dirname, bFile: require('./b').file })`,
      'a.js': "exports.early = 'early'; const b = require('./b'); exports.done = b.sawA === 'early';",
      'b.js': "const a = require('./a'); exports.sawA = a.early; exports.sawDone = a.done; exports.file = __filename;",
    });
    expect(r.result).toEqual({
      same: true, cached: ['/nodejsAction/a.js', '/nodejsAction/b.js', '/nodejsAction/index.js'], seenByB: 'early', aDone: true,
      file: '/nodejsAction/index.js', dir: '/nodejsAction', bFile: '/nodejsAction/b.js',
    });
  });

  it("says Cannot find module with Node's wording and require stack", async () => {
    const r = await deployAndRun({
      'index.js': "exports.main = () => { try { require('./lib/a') } catch (e) { return { code: e.code, message: e.message } } }",
      'lib/a.js': "require('left-pad')",
    });
    expect(r.result).toEqual({ code: 'MODULE_NOT_FOUND', message: "Cannot find module 'left-pad'\nRequire stack:\n- /nodejsAction/lib/a.js\n- /nodejsAction/index.js" });
  });

  it('reloads after delete require.cache[...], names the file of bad JSON, takes "exports" as a string, and prefers built-ins over node_modules', async () => {
    const r = await deployAndRun({
      'index.js': `exports.main = () => {
        const first = require('./counter'); delete require.cache[require.resolve('./counter')]; const second = require('./counter');
        let json; try { require('./bad.json') } catch (e) { json = e.message.split(':')[0] }
        const out = { reloaded: first !== second && second.n === 2, json, sugar: require('sugar') };
        for (const b of ['node:nope', 'nope']) { try { require(b) } catch (e) { out[b] = e.code } }
        out.events = typeof require('events').EventEmitter; out.same = require('events') === require('node:events');
        out.npmEvents = require('events/'); out.resolve = require.resolve('node:events');
        return out }`,
      'node_modules/events/package.json': '{"main": "npm.js"}',
      'node_modules/events/npm.js': "module.exports = 'the npm copy'",
      'counter.js': 'globalThis.loads = (globalThis.loads || 0) + 1; exports.n = globalThis.loads;',
      'bad.json': '{ nope',
      'node_modules/sugar/package.json': '{"exports": "./only.js"}',
      'node_modules/sugar/only.js': "module.exports = 'exports string'",
    });
    expect(r.result).toEqual({
      reloaded: true, json: '/nodejsAction/bad.json', sugar: 'exports string', nope: 'MODULE_NOT_FOUND', 'node:nope': 'ERR_UNKNOWN_BUILTIN_MODULE',
      events: 'function', same: true, npmEvents: 'the npm copy', resolve: 'node:events',
    });
  });

  it('loads the archive afresh in every context of a fresh-context action', async () => {
    const name = 'freshzip';
    const code = zipOf({ 'index.js': "const s = require('./state'); exports.main = () => ({ n: ++s.n })", 'state.js': 'exports.n = 0' }).toString('base64');
    expect((await photon.put(name, { code }, { annotations: [{ key: 'fresh-context', value: true }] })).status).toBe(200);
    expect((await photon.invoke(name)).response.result).toEqual({ n: 1 });
    expect((await photon.invoke(name)).response.result).toEqual({ n: 1 });
  });

  it('re-requires after delete require.cache compile the module afresh in the isolate', async () => {
    const before = await photon.packages.compiles();
    const r = await deployAndRun({
      'index.js': "exports.main = () => { let n = 0; for (let i = 0; i < 50; i++) { delete require.cache[require.resolve('./m')]; n += require('./m').one } return { n } }",
      'm.js': 'exports.one = 1',
    });
    expect(r.result).toEqual({ n: 50 });
    const after = await photon.packages.compiles();
    // index.js, compiled from source at the load (the count is of modules a load compiled; m.js,
    // first required inside main, and its 49 reloads are compiled by the guest after it).
    expect(after.uncached + after.cached - (before.uncached + before.cached)).toBe(1);
  });

  it('compiles lazily: a module that is never required is never evaluated', async () => {
    const r = await deployAndRun({ 'index.js': "exports.main = () => ({ ok: true })", 'broken.js': 'this is not javascript (' });
    expect(r.result).toEqual({ ok: true });
  });
});

describe("OpenWhisk's Node.js contract", () => {
  it("answers a synchronous throw 'nooooo' with the developer error 'An error has occurred: nooooo'", async () => {
    await photon.put('thrower', { code: "function main() { throw 'nooooo' }" });
    expect((await photon.invoke('thrower')).response).toMatchObject({ status: 'action developer error', result: { error: 'An error has occurred: nooooo' } });
  });

  it('accepts an array as a result', async () => {
    await photon.put('arr', { code: 'function main() { return [1, { a: 2 }] }' });
    expect((await photon.invoke('arr')).response).toMatchObject({ status: 'success', result: [1, { a: 2 }] });
  });

  it('gives init parameters as process.env strings at load time, not as arguments', async () => {
    await photon.put('initenv', { code: 'const atLoad = process.env.SOME_VAR; function main(p) { return { atLoad, num: process.env.NUM, obj: process.env.OBJ, p } }' }, {
      parameters: [{ key: 'SOME_VAR', value: 'secret', init: true }, { key: 'NUM', value: 7, init: true }, { key: 'OBJ', value: { a: 1 }, init: true }, { key: 'plain', value: 'arg' }],
    });
    expect((await photon.invoke('initenv', { x: 1 })).response.result).toEqual({ atLoad: 'secret', num: '7', obj: '{"a":1}', p: { plain: 'arg', x: 1 } });
  });
});

describe('zip actions: ES module entries', () => {
  it('runs an .mjs entry with export function main, importing ESM by relative path, an ESM-only package by "exports" and CommonJS as default', async () => {
    const r = await deployAndRun({
      'package.json': '{"main": "index.mjs"}',
      'index.mjs': "import { twice } from './lib/util.mjs'; import esmOnly, { named } from 'esm-only'; import cjs from 'old-cjs';\nexport function main(p) { return { twice: twice(p.n), esmOnly, named, cjs: cjs.value, url: typeof import.meta } }",
      'lib/util.mjs': 'export const twice = (n) => n * 2;',
      'node_modules/esm-only/package.json': JSON.stringify({ type: 'module', exports: { '.': { import: './dist/index.js', require: './dist/missing.cjs' } } }),
      'node_modules/esm-only/dist/index.js': "export default 'esm default'; export const named = 'esm named';",
      'node_modules/old-cjs/index.js': "exports.value = 'from commonjs'",
    }, { n: 21 });
    expect(r).toMatchObject({ status: 'success', result: { twice: 42, esmOnly: 'esm default', named: 'esm named', cjs: 'from commonjs', url: 'object' } });
  });

  it("imports Node's built-ins by bare name and node: (default and named exports), also inside an ESM package, and refuses an unknown node: name", async () => {
    const r = await deployAndRun({
      'package.json': '{"type": "module"}',
      'index.js': "import { EventEmitter } from 'events'; import path, { join } from 'node:path'; import { Buffer } from 'node:buffer'; import { readable } from 'dep';\n" +
        "export function main() { return { ee: typeof EventEmitter, join: join('/a', 'b'), same: path.join === join, b64: Buffer.from('hi').toString('base64'), readable } }",
      'node_modules/dep/package.json': '{"type": "module", "exports": "./index.js"}',
      'node_modules/dep/index.js': "import { Readable } from 'node:stream'; export const readable = typeof Readable;",
    });
    expect(r).toMatchObject({ status: 'success', result: { ee: 'function', join: '/a/b', same: true, b64: 'aGk=', readable: 'function' } });
    const bad = await deployAndRun({ 'package.json': '{"type": "module"}', 'index.js': "import x from 'node:nope'; export const main = () => ({})" });
    expect(String(bad.result.error)).toContain('No such built-in module: node:nope');
  });

  it('takes export default as main with "type": "module", and reports ESM errors as init failures', async () => {
    const d = await deployAndRun({ 'package.json': '{"type": "module"}', 'index.js': 'export default function (p) { return { via: "export default", p } }' }, { a: 1 });
    expect(d.result).toEqual({ via: 'export default', p: { a: 1 } });
    const missing = await deployAndRun({ 'index.mjs': "import x from 'nowhere'; export const main = () => ({})", 'package.json': '{"main":"index.mjs"}' });
    expect(missing.status).toBe('action developer error');
    expect(String(missing.result.error)).toContain("Cannot find package 'nowhere' imported from /nodejsAction/index.mjs");
    const syntax = await deployAndRun({ 'package.json': '{"type": "module"}', 'index.js': 'export function main( { }' });
    expect(String(syntax.result.error)).toMatch(/^Initialization has failed due to: SyntaxError/);
    const noMain = await deployAndRun({ 'package.json': '{"type": "module"}', 'index.js': 'export const other = 1' });
    expect(noMain.result.error).toBe("Action entrypoint 'main' is not a function. It was looked up in the exports of the ES module entry.");
  });
});
