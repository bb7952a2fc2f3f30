// A zip action as users build them: `npm install` of real, pinned, popular packages into a folder
// (during the test run), zipped with the zip tool, deployed with the openwhisk client's shape
// (exec.binary + base64) through the REST API and run on real isolates. About 3 MB of JavaScript:
// dayjs (main + plugins by subpath), validator (index.js + lib/), lodash (bare and subpath
// requires), zod ("exports" with require/import conditions and a "./locales/*" pattern).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { NPM_MAIN, npmProject, zipFolder } from '../../harness/npm-zip.js';
import { startZipPhoton, type ZipPhoton } from './zip-fixture.js';

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
    const before = await photon.packages.compiles();
    const first = await photon.invoke('cc', { name: 'A', email: 'a@example.com' });
    expect(first.response.result).toMatchObject({ valid: true });
    const afterFirst = await photon.packages.compiles();
    const modules = afterFirst.uncached - before.uncached;
    expect(modules).toBeGreaterThan(20);
    expect(afterFirst.cached - before.cached).toBe(0);
    // Two at once: the warm isolate takes one, a second isolate starts for the other.
    const [a, b] = await Promise.all([photon.invoke('cc', { name: 'B', email: 'b@example.com' }), photon.invoke('cc', { name: 'C', email: 'c@example.com' })]);
    expect([a.response.result.valid, b.response.result.valid]).toEqual([true, true]);
    const isolates = new Set([a, b].map((r) => r.annotations.find((x: { key: string }) => x.key === 'isolate')?.value));
    expect(isolates.size).toBe(2);
    const afterSecond = await photon.packages.compiles();
    expect(afterSecond.cached - afterFirst.cached).toBe(modules);
    expect(afterSecond.uncached - afterFirst.uncached).toBe(0);
    expect(afterSecond.rejected).toBe(0);
  });
});
