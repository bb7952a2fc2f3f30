// A zip action as users build them: `npm install` of real, pinned, popular packages into a folder
// (during the test run), zipped with the zip tool, deployed with the openwhisk client's shape
// (exec.binary + base64) through the REST API and run on real isolates. About 3 MB of JavaScript:
// dayjs (main + plugins by subpath), validator (index.js + lib/), lodash (bare and subpath
// requires), zod ("exports" with require/import conditions and a "./locales/*" pattern).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { startZipPhoton, type ZipPhoton } from './zip-fixture.js';

export const NPM_DEPS = { dayjs: '1.11.13', validator: '13.12.0', lodash: '4.17.21', zod: '3.23.8' };

export const NPM_MAIN = `
const dayjs = require('dayjs');
const utc = require('dayjs/plugin/utc');
const isEmail = require('validator/lib/isEmail');
const validator = require('validator');
const _ = require('lodash');
const chunk = require('lodash/chunk');
const { z } = require('zod');
const en = require('zod/locales/en.js');
dayjs.extend(utc);
const Person = z.object({ name: z.string().min(1), email: z.string().email() });
exports.main = function (params) {
  const parsed = Person.safeParse(params);
  return {
    date: dayjs.utc('2024-02-29T12:00:00Z').add(1, 'year').format('YYYY-MM-DD'),
    email: isEmail(params.email || ''), isInt: validator.isInt('42'),
    chunks: chunk([1, 2, 3, 4, 5], 2), grouped: _.groupBy(['one', 'two', 'three'], 'length'),
    valid: parsed.success, issues: parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.')),
    locale: typeof en.default,
  };
};`;

/** npm install of the pinned packages into a fresh folder with `main` as index.js; returns the folder. */
export function npmProject(main: string): string {
  const dir = mkdtempSync(`${tmpdir()}/photon-npm-`);
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: 'zip-action', version: '1.0.0', main: 'index.js', dependencies: NPM_DEPS }));
  writeFileSync(`${dir}/index.js`, main);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  return dir;
}

/** The folder zipped by the zip tool (as `zip -r action.zip .` in OpenWhisk's docs). */
export function zipFolder(dir: string): Buffer {
  execFileSync('zip', ['-qr', `${dir}.zip`, '.'], { cwd: dir });
  return readFileSync(`${dir}.zip`);
}

let photon: ZipPhoton;
let zip: Buffer;
let slowZip: Buffer;
beforeAll(async () => {
  const dir = npmProject(NPM_MAIN);
  zip = zipFolder(dir);
  // The same action behind a 300 ms wait, so that two calls at once need two isolates.
  writeFileSync(`${dir}/slow.js`, "const m = require('./index'); exports.main = (p) => new Promise((r) => setTimeout(() => r(m.main(p)), 300));");
  execFileSync('zip', ['-qr', `${dir}-slow.zip`, '.'], { cwd: dir });
  slowZip = readFileSync(`${dir}-slow.zip`);
  photon = await startZipPhoton();
}, 180_000);
afterAll(async () => {
  await photon?.close();
});

describe('a zip of npm packages', () => {
  it('deploys with exec.binary and runs with its dependencies', async () => {
    const put = await photon.put('npm', { code: zip.toString('base64'), binary: true });
    expect(put.status, JSON.stringify(put.body).slice(0, 500)).toBe(200);
    const r = await photon.invoke('npm', { name: 'Ada', email: 'ada@example.com' });
    expect(r.response.status, JSON.stringify(r.response)).toBe('success');
    expect(r.response.result).toEqual({
      date: '2025-02-28', email: true, isInt: true, chunks: [[1, 2], [3, 4], [5]], grouped: { 3: ['one', 'two'], 5: ['three'] },
      valid: true, issues: [], locale: 'function',
    });
    const bad = await photon.invoke('npm', { name: '', email: 'nope' });
    expect(bad.response.result).toMatchObject({ email: false, valid: false, issues: ['name', 'email'] });
  });

  it("deploys with OpenWhisk's own client (actions.create with the zip as a Buffer) and runs it", async () => {
    const ow = openwhisk({ apihost: photon.controller.url, api_key: `${GUEST_UUID}:${GUEST_KEY}`, namespace: 'guest' });
    await ow.actions.create({ name: 'owzip', action: zip, kind: 'nodejs:default' });
    const got = await ow.actions.get({ name: 'owzip', code: false } as { name: string });
    expect(got.exec).toMatchObject({ kind: 'nodejs:20', binary: true });
    const result = await ow.actions.invoke({ name: 'owzip', blocking: true, result: true, params: { name: 'Bo', email: 'bo@example.com' } });
    expect(result).toMatchObject({ date: '2025-02-28', valid: true });
  });

  it("compiles each module once per revision: a second isolate of it loads from V8's code cache", async () => {
    expect((await photon.put('cc', { code: slowZip.toString('base64'), main: 'slow.main' })).status).toBe(200);
    const before = await photon.invoker.pool.packages.compiles();
    const first = await photon.invoke('cc', { name: 'A', email: 'a@example.com' });
    expect(first.response.result).toMatchObject({ valid: true });
    const afterFirst = await photon.invoker.pool.packages.compiles();
    const modules = afterFirst.uncached - before.uncached;
    expect(modules).toBeGreaterThan(20);
    expect(afterFirst.cached - before.cached).toBe(0);
    // Two at once: the warm isolate takes one, a second isolate starts for the other.
    const [a, b] = await Promise.all([photon.invoke('cc', { name: 'B', email: 'b@example.com' }), photon.invoke('cc', { name: 'C', email: 'c@example.com' })]);
    expect([a.response.result.valid, b.response.result.valid]).toEqual([true, true]);
    const isolates = new Set([a, b].map((r) => r.annotations.find((x: { key: string }) => x.key === 'isolate')?.value));
    expect(isolates.size).toBe(2);
    const afterSecond = await photon.invoker.pool.packages.compiles();
    expect(afterSecond.cached - afterFirst.cached).toBe(modules);
    expect(afterSecond.uncached - afterFirst.uncached).toBe(0);
    expect(afterSecond.rejected).toBe(0);
  });
});
