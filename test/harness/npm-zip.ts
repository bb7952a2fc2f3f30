// A zip action as users build them, for tests and benchmarks: `npm install` of real, pinned,
// popular packages into a fresh folder, zipped by the zip tool (as OpenWhisk's docs do it).
// About 3 MB of JavaScript: dayjs (main + plugins by subpath), validator (index.js + lib/), lodash
// (bare and subpath requires), zod ("exports" with require/import conditions and a "./locales/*"
// pattern).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

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

/** npm install of the pinned packages (`deps`, NPM_DEPS by default) into a fresh folder with `main` as index.js; returns the folder. */
export function npmProject(main: string, deps: Record<string, string> = NPM_DEPS): string {
  const dir = mkdtempSync(`${tmpdir()}/photon-npm-`);
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: 'zip-action', version: '1.0.0', main: 'index.js', dependencies: deps }));
  writeFileSync(`${dir}/index.js`, main);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  return dir;
}

/** The folder zipped by the zip tool (as `zip -r action.zip .` in OpenWhisk's docs). */
export function zipFolder(dir: string): Buffer {
  execFileSync('zip', ['-qr', `${dir}.zip`, '.'], { cwd: dir });
  return readFileSync(`${dir}.zip`);
}

