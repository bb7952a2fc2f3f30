// The compatibility corpus (issue 14): popular npm packages, pinned, installed with one
// `npm install` into one folder, zipped, deployed through the REST API and run on real isolates;
// each answer compared with what real Node.js computes over the same node_modules in the same run
// (a child `node` with an empty environment, as an action's process.env is). Every case must pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipFolder } from '../../harness/npm-zip.js';
import { startZipPhoton, type ZipPhoton } from '../zip/zip-fixture.js';
import { CORPUS } from './npm-corpus.js';

const RUNNER = `
const cases = require('./cases.json');
const AsyncFunction = (async () => {}).constructor;
async function runCase(pkg) {
  try { return { ok: await new AsyncFunction('require', cases[pkg])(require) }; }
  catch (e) { return { error: String(e && e.stack || e).split('\\n').slice(0, 3).join(' | ') }; }
}
exports.main = async (p) => ({ out: await runCase(p.pkg) });
if (require.main === module) (async () => { const all = {}; for (const pkg of Object.keys(cases)) all[pkg] = await runCase(pkg); process.stdout.write(JSON.stringify(all)); })();
`;

let photon: ZipPhoton;
let known: Record<string, { ok?: unknown; error?: string }>;
beforeAll(async () => {
  const dir = mkdtempSync(`${tmpdir()}/photon-corpus-`);
  const dependencies = Object.fromEntries(CORPUS.map((c) => [c.pkg, c.version]));
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: 'corpus-action', version: '1.0.0', main: 'index.js', dependencies }));
  writeFileSync(`${dir}/cases.json`, JSON.stringify(Object.fromEntries(CORPUS.map((c) => [c.pkg, c.code]))));
  writeFileSync(`${dir}/index.js`, RUNNER);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  known = JSON.parse(execFileSync(process.execPath, ['index.js'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } }).toString()) as typeof known;
  photon = await startZipPhoton();
  const put = await photon.put('corpus', { code: zipFolder(dir).toString('base64'), binary: true }, { limits: { timeout: 30_000, memory: 256 } });
  if (put.status !== 200) throw new Error(`deploy failed: ${JSON.stringify(put.body).slice(0, 300)}`);
}, 300_000);
afterAll(async () => {
  await photon?.close();
});

const results: { pkg: string; pass: boolean }[] = [];

describe('npm packages used as actions use them, against real Node.js', () => {
  it.each(CORPUS.map((c) => [c.pkg, c] as const))('%s', async (_name, c) => {
    expect(known[c.pkg], `real Node failed on ${c.pkg}: ${JSON.stringify(known[c.pkg])}`).toHaveProperty('ok');
    const r = await photon.invoke('corpus', { pkg: c.pkg });
    const got = r.response?.result?.out as { ok?: unknown; error?: string } | undefined;
    const pass = got !== undefined && 'ok' in got && JSON.stringify(got.ok) === JSON.stringify(known[c.pkg]!.ok);
    results.push({ pkg: c.pkg, pass });
    expect(got, JSON.stringify(r.response).slice(0, 600)).toEqual(known[c.pkg]);
  }, 60_000);

  it('reports the pass count', () => {
    console.log(`corpus: ${results.filter((r) => r.pass).length} of ${results.length} packages pass`);
    expect(results.length).toBeGreaterThanOrEqual(25);
    expect(results.filter((r) => !r.pass).map((r) => r.pkg)).toEqual([]);
  });
});
