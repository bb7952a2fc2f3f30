// The npm packages OpenWhisk's Node.js image bundles in its /node_modules (openwhisk, express,
// redis, serialize-error, uuid; invoker/builtins/bundled-packages.ts), through the REST API on real
// isolates: requirable without being in the action, from single-file and zip actions, by require
// and import, and always after Node's own resolution, so that a zip's copy wins.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../../harness/zip-writer.js';
import { npmProject, zipFolder } from '../../harness/npm-zip.js';
import { startZipPhoton, type ZipPhoton } from './zip-fixture.js';

let photon: ZipPhoton;
beforeAll(async () => {
  photon = await startZipPhoton();
});
afterAll(async () => {
  await photon?.close();
});

let seq = 0;
async function runCode(code: string, params: Record<string, unknown> = {}): Promise<{ status: string; result: Record<string, unknown> }> {
  const name = `single${++seq}`;
  const put = await photon.put(name, { code });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return (await photon.invoke(name, params)).response;
}
async function runZip(zip: Buffer, params: Record<string, unknown> = {}): Promise<{ status: string; result: Record<string, unknown> }> {
  const name = `zipped${++seq}`;
  const put = await photon.put(name, { code: zip.toString('base64'), binary: true });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return (await photon.invoke(name, params)).response;
}

/** RFC 4122 version 5 (SHA-1, name-based), computed here with Node's crypto: the expected value of uuid's v5. */
function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('bundled packages in a single-file action', () => {
  it("require('uuid') is uuid 8.3.2: v4 from the host's CSPRNG, v5 as RFC 4122 computes it", async () => {
    const r = await runCode(`const { v4, v5, validate, version } = require('uuid');
      function main() { const a = v4(), b = v4(); return { a, b, valid: validate(a), version: version(a), v5: v5('photon.example', v5.DNS), same: require('uuid') === require('uuid') }; }`);
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result.a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.result.b).not.toBe(r.result.a);
    expect(r.result).toMatchObject({ valid: true, version: 4, v5: uuidV5('photon.example', DNS), same: true });
  });

  it("require('openwhisk') is OpenWhisk's client: it reads __OW_API_HOST and __OW_API_KEY and calls the API over Node's http", async () => {
    const r = await runCode(`const openwhisk = require('openwhisk');
      async function main() {
        let missing; try { openwhisk(); } catch (e) { missing = e.message; }
        process.env.__OW_API_HOST = 'http://127.0.0.1:9';
        process.env.__OW_API_KEY = 'a:b';
        const called = await openwhisk().actions.invoke({ name: 'x', blocking: true }).then(() => 'answered', (e) => e.message);
        return { type: typeof openwhisk, missing, called };
      }`);
    expect(r.status, JSON.stringify(r)).toBe('success');
    // This photon exposes no API to its functions, so the client refuses to start without options;
    // with a host that refuses connections, its request fails as it would in OpenWhisk's image.
    expect(r.result).toMatchObject({ type: 'function', missing: 'Invalid constructor options. Missing api_key parameter or token plugin.' });
    expect(String(r.result.called)).toContain('ECONNREFUSED');
  });

  it('loads express, redis and serialize-error, the rest of the image\'s list', async () => {
    const r = await runCode(`function main() {
        const express = require('express');
        const app = express(); app.get('/x', (req, res) => res.send('ok'));
        const redis = require('redis');
        const { serializeError, deserializeError } = require('serialize-error');
        const s = serializeError(new TypeError('boom'));
        return { app: typeof app.listen, router: typeof express.Router, json: typeof express.json, redis: typeof redis.createClient,
                 serialized: { name: s.name, message: s.message }, back: deserializeError(s) instanceof Error };
      }`);
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual({ app: 'function', router: 'function', json: 'function', redis: 'function', serialized: { name: 'TypeError', message: 'boom' }, back: true });
  });

  it("answers Node's error for a package that is neither a built-in nor bundled, and for a bundled package's subpath", async () => {
    const r = await runCode(`function main() { const out = {}; for (const m of ['left-pad', 'uuid/v4', 'node:uuid']) { try { require(m); out[m] = 'loaded'; } catch (e) { out[m] = e.code; } } return out; }`);
    expect(r.result).toEqual({ 'left-pad': 'MODULE_NOT_FOUND', 'uuid/v4': 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'node:uuid': 'ERR_UNKNOWN_BUILTIN_MODULE' });
  });
});

// Subpaths (issue #19): whatever real Node allows for these versions, its `exports` maps included,
// computed here by Node's own require on the same installed copies (photon installs them as
// `ow-runtime-<name>`, the folder OpenWhisk's image calls `<name>`).
const SUBPATHS = [
  'express/lib/router', 'express/lib/router/', 'express/lib/router/index', 'express/lib/router/index.js', 'express/lib/response',
  'express/lib/response.js', 'express/lib/utils', 'express/package.json', 'express/package', 'express/index', 'express/lib', 'express/lib/nope', 'express/lib/./view',
  'uuid/v4', 'uuid/package.json', 'uuid/dist/index.js', 'uuid/dist/v4', 'uuid/dist/v4.js', 'uuid/',
  'openwhisk/lib/client', 'openwhisk/lib/main.js', 'openwhisk/lib/actions', 'openwhisk/package.json', 'openwhisk/lib/../lib/client',
  'redis/dist/index.js', 'redis/package.json', 'redis/dist',
  'serialize-error/package.json', 'serialize-error/index.js',
];
const nodeRequire = createRequire(new URL('../../../node_modules/package.json', import.meta.url));
/** What real Node answers for one spelling: the error code, or the export's shape (type and first keys; a JSON file's version). */
function nodeAnswer(spelling: string): string {
  let m: unknown;
  try {
    m = nodeRequire(`ow-runtime-${spelling}`);
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  return shape(m);
}
function shape(m: unknown): string {
  if (m !== null && typeof m === 'object' && typeof (m as { version?: unknown }).version === 'string') return `json ${(m as { version: string }).version}`;
  return `${typeof m} ${m !== null && (typeof m === 'object' || typeof m === 'function') ? Object.keys(m).sort().slice(0, 8).join(',') : ''}`;
}

describe("bundled packages' subpaths resolve as real Node resolves them", () => {
  it('every spelling gets the answer of Node in this run (the module, or its error code: MODULE_NOT_FOUND, ERR_PACKAGE_PATH_NOT_EXPORTED)', async () => {
    const expected = Object.fromEntries(SUBPATHS.filter((s) => !s.startsWith('serialize-error/index')).map((s) => [s, nodeAnswer(s)]));
    // Node 24 can require() an ES module (serialize-error 9 is one); OpenWhisk's Node 20 cannot, and
    // photon bundles it as CommonJS: only its error for a hidden subpath is compared.
    expect(expected['uuid/v4']).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(expected['express/lib/router']).toMatch(/^function /);
    const r = await runCode(`${shape.toString()}
      function main() { const out = {}; for (const s of ${JSON.stringify(Object.keys(expected))}) { try { out[s] = shape(require(s)); } catch (e) { out[s] = String(e.code); } } return out; }`);
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual(expected);
  });

  it("a subpath is the package's own module (one instance), and Node's message for a hidden subpath", async () => {
    const r = await runCode(`function main() {
        const express = require('express');
        let hidden; try { require('uuid/v4'); } catch (e) { hidden = e.message; }
        return { router: require('express/lib/router') === express.Router, index: require('express/lib/router/index.js') === require('express/lib/router'),
                 response: express.response === require('express/lib/response'), hidden };
      }`);
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual({ router: true, index: true, response: true, hidden: 'Package subpath \'./v4\' is not defined by "exports" in /node_modules/uuid/package.json' });
    expect(express4Response()).toBe(true);
  });

  it("a zip's own copy wins for a subpath too, and an ES module entry imports a subpath by its exact file name", async () => {
    const r = await runZip(zipOf({
      'index.mjs': `import router from 'express/lib/router/index.js';
        import pkg from 'openwhisk/lib/client.js';
        import mine from 'redis/dist/index.js';
        export function main() { return { router: typeof router, client: typeof pkg, redis: mine.mine }; }`,
      'package.json': '{"main":"index.mjs"}',
      'node_modules/redis/dist/index.js': "exports.mine = 'the zip\\'s redis'",
    }));
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual({ router: 'function', client: 'function', redis: "the zip's redis" });
  });
});

/** In real Node, express's `response` is lib/response's export (the identity the guest checks above). */
function express4Response(): boolean {
  const express = nodeRequire('ow-runtime-express') as { response: object };
  return express.response === nodeRequire('ow-runtime-express/lib/response');
}

describe('bundled packages in a zip action: after Node\'s resolution, so the zip\'s copy wins', () => {
  it('finds the bundled uuid from the entry and from a package in the zip that requires it, by require and require.resolve', async () => {
    const r = await runZip(zipOf({
      'index.js': "const ids = require('ids'); exports.main = () => ({ entry: typeof require('uuid').v4, dep: ids(), resolved: require.resolve('uuid') });",
      'node_modules/ids/index.js': "module.exports = () => require('uuid').version(require('uuid').v1());",
    }));
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual({ entry: 'function', dep: 1, resolved: 'uuid' });
  });

  it("a zip with its own uuid (9.0.1, installed by npm) uses it, not the bundled 8.3.2", async () => {
    const dir = npmProject("const uuid = require('uuid'); exports.main = () => ({ version: require('uuid/package.json').version, resolved: require.resolve('uuid'), v4: uuid.version(uuid.v4()) });", { uuid: '9.0.1' });
    const r = await runZip(zipFolder(dir));
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual({ version: '9.0.1', resolved: '/nodejsAction/node_modules/uuid/dist/index.js', v4: 4 });
  }, 120_000);

  it('a copy in the zip wins even when it is broken: resolution fails as in Node, it does not fall through to the bundled one', async () => {
    const own = await runZip(zipOf({ 'index.js': "exports.main = () => ({ v4: require('uuid').v4() })", 'node_modules/uuid/index.js': "exports.v4 = () => 'from the zip'" }));
    expect(own.result).toEqual({ v4: 'from the zip' });
    const broken = await runZip(zipOf({ 'index.js': "const { v4 } = require('uuid'); exports.main = () => ({ v4: v4() })", 'node_modules/uuid/package.json': '{"main":"missing.js"}' }));
    expect(broken.status).toBe('action developer error');
    expect(String(broken.result.error)).toContain("Cannot find module '/nodejsAction/node_modules/uuid/missing.js'. Please verify that the package.json has a valid \"main\" entry");
  });

  it('imports the bundled packages from an ES module entry, named and default exports, and a zip copy wins there too', async () => {
    const r = await runZip(zipOf({
      'index.mjs': `import { v4, validate } from 'uuid';
        import openwhisk from 'openwhisk';
        import { serializeError } from 'serialize-error';
        import own from 'redis';
        export function main() { return { v4: validate(v4()), ow: typeof openwhisk, err: serializeError(new Error('x')).message, redis: own.mine }; }`,
      'package.json': '{"main":"index.mjs"}',
      'node_modules/redis/index.js': "exports.mine = 'the zip\\'s redis'",
    }));
    expect(r.status, JSON.stringify(r)).toBe('success');
    expect(r.result).toEqual({ v4: true, ow: 'function', err: 'x', redis: "the zip's redis" });
  });
});

describe('the build', () => {
  it('names only existing files as the bundles\' sources, so built bundles stay fresh: a sandbox process (which cannot write them) never rebuilds', () => {
    // startZipPhoton above built them (isolate-runtime.ts awaits ensureBuiltins at import).
    const manifest = JSON.parse(readFileSync(new URL('../../../invoker/builtins/.bundle/manifest.json', import.meta.url), 'utf8')) as { inputs: string[] };
    expect(manifest.inputs.some((p) => p.includes('/node_modules/ow-runtime-uuid/'))).toBe(true);
    expect(manifest.inputs.filter((p) => !existsSync(p))).toEqual([]);
  });
});
