// /whisk.system's catalog actions (controller/packages/system-catalog.ts) on real isolates, each
// against OpenWhisk's documented results (openwhisk-catalog packages/utils/manifest.yaml
// sampleInput → sampleOutput, and the samples' documented answers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CATALOG } from '../../../controller/packages/system-catalog.js';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import { activation, fakeNamespaceCache, makeAction } from './fixtures.js';

let pool: IsolatePool;
beforeAll(async () => {
  pool = new IsolatePool({ namespaces: fakeNamespaceCache(), prewarm: { count: 1, memoryMb: 128 }, userMemoryMb: 4096, strictLifecycle: true });
  await pool.start();
});
afterAll(async () => pool.close());

async function run(pkg: string, name: string, params: Record<string, unknown>, namespace = 'guest', status = 'success'): Promise<{ result: unknown; logs: string[] }> {
  const entry = SYSTEM_CATALOG.find((p) => p.name === pkg)!.actions.find((a) => a.name === name);
  if (!entry) throw new Error(`no ${pkg}/${name} in the catalog`);
  const action = makeAction(entry.code, { name: `${pkg}-${name}` });
  const out = await pool.run(action, params, activation(action, { namespace, actionName: `/whisk.system/${pkg}/${name}` }));
  expect(out.response.status, JSON.stringify(out.response.result)).toBe(status);
  return { result: out.response.result, logs: out.logs };
}

describe('/whisk.system/utils against OpenWhisk\'s documented results', () => {
  it('echo returns its input', async () => {
    expect((await run('utils', 'echo', { payload: 'Five fuzzy felines' })).result).toEqual({ payload: 'Five fuzzy felines' });
  });
  it('cat joins lines into payload', async () => {
    expect((await run('utils', 'cat', { lines: [4, 2, 3] })).result).toEqual({ lines: [4, 2, 3], payload: '4\n2\n3' });
  });
  it('sort sorts lines and counts them', async () => {
    expect((await run('utils', 'sort', { lines: [4, 2, 3] })).result).toEqual({ lines: [2, 3, 4], length: 3 });
    expect((await run('utils', 'sort', { lines: ['b', 'c', 'a'] })).result).toEqual({ lines: ['a', 'b', 'c'], length: 3 });
  });
  it('head takes num lines (default 1)', async () => {
    expect((await run('utils', 'head', { lines: [4, 2, 3], num: 2 })).result).toEqual({ lines: [4, 2], num: 2 });
    expect((await run('utils', 'head', { lines: [4, 2, 3] })).result).toEqual({ lines: [4], num: 1 });
  });
  it('split splits payload by separator (default newlines)', async () => {
    expect((await run('utils', 'split', { payload: 'one,two,three', separator: ',' })).result).toEqual({ lines: ['one', 'two', 'three'], payload: 'one,two,three' });
    expect((await run('utils', 'split', { payload: 'a\r\nb\nc' })).result).toEqual({ lines: ['a', 'b', 'c'], payload: 'a\r\nb\nc' });
  });
  it('date answers the current date as an ISO string', async () => {
    const before = Date.now();
    const { date } = (await run('utils', 'date', {})).result as { date: string };
    expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(date)).toBeGreaterThanOrEqual(before - 1000);
  });
  it('namespace answers the invoking namespace', async () => {
    expect((await run('utils', 'namespace', {}, 'bob')).result).toEqual({ namespace: 'bob' });
  });
  it('hosturl builds action, trigger and web URLs, and refuses what OpenWhisk refuses', async () => {
    const url = (params: Record<string, unknown>): Promise<string> => run('utils', 'hosturl', params).then((o) => (o.result as { url: string }).url);
    expect(await url({ path: 'utils/echo' })).toMatch(/\/api\/v1\/namespaces\/guest\/actions\/utils\/echo$/);
    expect(await url({ web: true, path: 'utils/echo' })).toMatch(/\/api\/v1\/experimental\/web\/guest\/utils\/echo\.json$/);
    expect(await url({ web: true, path: 'echo', ext: '.html' })).toMatch(/\/web\/guest\/default\/echo\.html$/);
    expect(await url({ trigger: true, path: 't' })).toMatch(/\/api\/v1\/namespaces\/guest\/triggers\/t$/);
    // An { error } result is an application error, as in OpenWhisk.
    expect((await run('utils', 'hosturl', { trigger: true, path: 'p/t' }, 'guest', 'application error')).result).toEqual({ error: 'triggers are not allowed in packages.' });
    expect((await run('utils', 'hosturl', { web: true, trigger: true }, 'guest', 'application error')).result).toEqual({ error: 'triggers are not allowed for web actions.' });
  });
  it('smash nests every property under $fieldName', async () => {
    expect((await run('utils', 'smash', { a: 1, b: { c: 2, d: 3 }, $fieldName: 'p' })).result).toEqual({ p: { a: 1, b: { c: 2, d: 3 } } });
    expect((await run('utils', 'smash', { a: 1 }, 'guest', 'application error')).result).toEqual({ error: "Expected an argument '$fieldName' of type 'string'." });
  });
});

describe('/whisk.system/samples', () => {
  it('helloWorld logs hello, greeting greets, wordCount counts', async () => {
    const hello = await run('samples', 'helloWorld', { payload: 'photon' });
    expect(hello.result).toEqual({});
    expect(hello.logs.join('\n')).toContain('hello photon!');
    expect((await run('samples', 'greeting', { name: 'Ada', place: 'London' })).result).toEqual({ payload: 'Hello, Ada from London!' });
    expect((await run('samples', 'greeting', {})).result).toEqual({ payload: 'Hello, stranger from somewhere!' });
    expect((await run('samples', 'wordCount', { payload: 'one two three' })).result).toEqual({ count: 3 });
  });
});
