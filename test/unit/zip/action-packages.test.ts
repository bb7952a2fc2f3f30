// Archives are unpacked once per revision and freed when the last isolate holding them is gone.
import { describe, expect, it } from 'vitest';
import { ActionPackages } from '../../../invoker/code/action-packages.js';
import { zipOf } from '../../harness/zip-writer.js';

describe('ActionPackages', () => {
  it('unpacks a revision once for every holder and frees it after the last release', async () => {
    const packages = new ActionPackages();
    const code = zipOf({ 'index.js': 'exports.main = () => ({})', 'node_modules/x/index.js': '1', 'README.md': 'not loadable' }).toString('base64');
    const [a, b] = await Promise.all([packages.acquire('ns/a@1', code), packages.acquire('ns/a@1', code)]);
    expect(a).toBe(b);
    expect(packages.unpacked).toBe(1);
    if (!a.ok) throw new Error(a.message);
    expect(a.files.stat('/nodejsAction/node_modules/x/index.js')).toBe(1);
    expect(a.files.stat('/nodejsAction/node_modules/x')).toBe(2);
    expect(a.files.stat('/nodejsAction/README.md')).toBe(0); // not kept: nothing can require it as code
    expect(a.files.stat('/etc/passwd')).toBe(0);
    expect(a.files.read('/nodejsAction/../nodejsAction/index.js')).toBeUndefined();
    packages.release('ns/a@1');
    expect(packages.size).toBe(1);
    packages.release('ns/a@1');
    expect(packages.size).toBe(0);
    await packages.acquire('ns/a@1', code);
    expect(packages.unpacked).toBe(2);
  });

  it('answers why an archive cannot be unpacked instead of throwing', async () => {
    const p = await new ActionPackages().acquire('ns/bad@1', Buffer.from('PK\x03\x04garbage').toString('base64'));
    expect(p).toMatchObject({ ok: false, message: expect.stringContaining('not a valid zip file') });
  });
});
