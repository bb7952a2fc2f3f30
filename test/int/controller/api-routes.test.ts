// API gateway routes kept in Redis: a route created through one controller (with the official
// client) is listed and served by another, and deleted for both.
import openwhisk from 'openwhisk';
import { describe, expect, it } from 'vitest';
import type { RunningController } from '../../../controller/controller.js';
import { useTwoControllers } from './two-controllers-fixture.js';
import { GUEST_AUTH } from '../../unit/controller/controller-fixture.js';

type Options = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client answers arbitrary JSON
interface RoutesView { create(o: Options): Promise<any>; list(o: Options): Promise<any>; delete(o: Options): Promise<any> }

const two = useTwoControllers('routes');
const { controllers } = two;

describe('API routes in Redis, two controllers', () => {
  it('created through one controller, listed and served by the other, deleted for both', async () => {
    const [c0, c1] = controllers as [RunningController, RunningController];
    const put = await fetch(`${c0.url}/api/v1/namespaces/_/actions/echo`, {
      method: 'PUT', headers: { authorization: `Basic ${Buffer.from(GUEST_AUTH).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main(p) { return p; }' }, annotations: [{ key: 'web-export', value: true }] }),
    });
    expect(put.status).toBe(200);
    const routes = (url: string): RoutesView => (openwhisk({ apihost: url, api_key: GUEST_AUTH }) as unknown as { routes: RoutesView }).routes;
    await routes(c0.url).create({ action: 'echo', basepath: '/shared', relpath: '/echo', operation: 'GET' });
    const listed = await routes(c1.url).list({ basepath: '/shared' });
    expect(listed.apis[0].value.apidoc.paths['/echo'].get['x-openwhisk']).toMatchObject({ namespace: 'guest', package: '', action: 'echo' });
    const served = await fetch(`${c1.url}/api/gw/guest/shared/echo?x=1`);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ x: '1', __ow_method: 'get' });
    await routes(c1.url).delete({ basepath: '/shared' });
    expect((await fetch(`${c0.url}/api/gw/guest/shared/echo`)).status).toBe(404);
  });
});
