// /whisk.system installed at controller start: idempotent and versioned, readable and invokable by
// every namespace, never writable by one, and the feed packages listing their feeds.
import openwhisk from 'openwhisk';
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOG_ANNOTATION, CATALOG_VERSION, installSystemPackages } from '../../../controller/packages/system-installer.js';
import { SYSTEM_CATALOG } from '../../../controller/packages/system-catalog.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import { GUEST_AUTH, HELLO, startFixture, type Fixture } from './controller-fixture.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});
const NS = '/api/v1/namespaces';

describe('/whisk.system packages', () => {
  it('install is idempotent: a second start writes nothing, a changed catalog entity is rewritten once', async () => {
    const stores = createMemoryStores();
    const total = SYSTEM_CATALOG.reduce((n, p) => n + 1 + p.actions.length, 0);
    expect(await installSystemPackages(stores)).toBe(total);
    expect(await installSystemPackages(stores)).toBe(0);
    const echo = (await stores.actions.get('whisk.system/utils', 'echo'))!;
    expect(echo).toMatchObject({ version: '0.0.1', publish: true });
    expect(echo.annotations).toContainEqual({ key: CATALOG_ANNOTATION, value: CATALOG_VERSION });
    // An older photon's echo (another catalog version) is replaced with the current one.
    await stores.actions.put({ ...echo, annotations: [{ key: CATALOG_ANNOTATION, value: 'older' }] }, { overwrite: true });
    expect(await installSystemPackages(stores)).toBe(1);
    expect((await stores.actions.get('whisk.system/utils', 'echo'))!.version).toBe('0.0.3');
  });

  it('every namespace reads and invokes them; the feed packages list their feeds; nobody writes them', async () => {
    const f = await startFixture();
    fixtures.push(f);
    const { api } = f;
    const utils = await api('GET', `${NS}/whisk.system/packages/utils`);
    expect(utils.status).toBe(200);
    expect(utils.body.actions.map((a: { name: string }) => a.name).sort()).toEqual(['cat', 'date', 'echo', 'head', 'hosturl', 'namespace', 'smash', 'sort', 'split']);
    expect((await api('GET', `${NS}/whisk.system/packages/samples`)).body.actions.map((a: { name: string }) => a.name).sort()).toEqual(['greeting', 'helloWorld', 'wordCount']);
    const alarms = await api('GET', `${NS}/whisk.system/packages/alarms`);
    expect(alarms.body.feeds.map((a: { name: string }) => a.name).sort()).toEqual(['alarm', 'interval', 'once']);
    expect(alarms.body.actions).toEqual([]);
    expect((await api('GET', `${NS}/whisk.system/packages/messaging`)).body.feeds.map((a: { name: string }) => a.name)).toEqual(['kafkaFeed']);
    expect((await api('GET', `${NS}/whisk.system/packages`)).body.map((p: { name: string }) => p.name).sort()).toEqual(['alarms', 'messaging', 'samples', 'utils']);

    const ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
    // The client's actions integration test invokes /whisk.system/utils/sort (the fake invoker echoes).
    const sorted = await ow.actions.invoke({ name: '/whisk.system/utils/sort', blocking: true, params: { lines: ['b', 'a'] } });
    expect(sorted.response!.success).toBe(true);
    expect(sorted).toMatchObject({ namespace: 'guest', name: 'sort' });
    expect(sorted.annotations).toContainEqual({ key: 'path', value: 'whisk.system/utils/sort' });

    expect((await api('PUT', `${NS}/whisk.system/actions/utils/echo?overwrite=true`, { body: HELLO })).status).toBe(403);
    expect((await api('DELETE', `${NS}/whisk.system/packages/utils`)).status).toBe(403);
    expect((await api('PUT', `${NS}/whisk.system/packages/mine`, { body: {} })).status).toBe(403);
    // A binding of a system package in one's own namespace, like `wsk package bind /whisk.system/utils myutils`.
    expect((await api('PUT', `${NS}/_/packages/myutils`, { body: { binding: { namespace: 'whisk.system', name: 'utils' }, parameters: [{ key: 'lines', value: ['x'] }] } })).status).toBe(200);
    const viaBinding = await api('POST', `${NS}/_/actions/myutils/head?blocking=true`);
    expect(viaBinding.body.response.result).toEqual({ lines: ['x'] });
    expect(viaBinding.body.annotations).toContainEqual({ key: 'binding', value: 'guest/myutils' });
  });
});
