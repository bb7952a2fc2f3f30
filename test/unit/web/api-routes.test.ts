// API gateway routes with OpenWhisk's own client (`routes`, i.e. `wsk api`): the flow of the
// client's integration test (test/integration/routes.test.js), then routes actually served under
// /api/gw with path parameters, on real isolates.
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST, startWebPhoton, type WebPhoton } from './web-fixture.js';

// The client's JavaScript takes more than its TypeScript declarations say (actionName, an API's
// `name`, `responsetype`), as its own integration test uses it: called through this view.
type Options = Record<string, unknown>;
interface ClientView {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client answers arbitrary JSON
  routes: { create(o: Options): Promise<any>; list(o: Options): Promise<any>; delete(o: Options): Promise<any> };
  actions: { create(o: Options): Promise<unknown>; delete(o: Options): Promise<unknown> };
}

describe('API routes (openwhisk client routes)', () => {
  let p: WebPhoton;
  let ow: ClientView;
  beforeAll(async () => {
    p = await startWebPhoton({ isolation: 'off' });
    ow = openwhisk({ apihost: p.controller.url, api_key: GUEST }) as unknown as ClientView;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it("the client's own integration flow: create action, create route, list it, delete it", async () => {
    await ow.actions.create({ actionName: 'routeAction', action: '' });
    await ow.routes.create({ action: 'routeAction', basepath: '/testing', relpath: '/foo/bar', operation: 'POST' });
    const results = await ow.routes.list({ basepath: '/testing' });
    expect(results.apis.length).toBe(1);
    const apidoc = results.apis[0].value.apidoc;
    expect(apidoc.basePath).toBe('/testing');
    expect(apidoc.paths).toHaveProperty('/foo/bar');
    expect(apidoc.paths['/foo/bar']).toHaveProperty('post');
    expect(apidoc.paths['/foo/bar'].post['x-openwhisk'].action).toBe('routeAction');
    expect(results.apis[0].value.gwApiUrl).toBe(`${p.controller.url}/api/gw/guest/testing`);
    await ow.routes.delete({ basepath: '/testing' });
    expect((await ow.routes.list({ basepath: '/testing' })).apis).toEqual([]);
    await ow.actions.delete({ actionName: 'routeAction' });
  });

  it('serves routes at /api/gw/{namespace}{basePath}{path}: verbs, response types, path parameters', async () => {
    await p.action('getBooks', 'function main(p) { return { statusCode: 200, headers: { "content-type": "application/json" }, body: { isbn: p.isbn || null, path: p.__ow_path, q: p.q || null, method: p.__ow_method } }; }');
    await p.action('postBooks', 'function main(p) { return { added: p.name }; }');
    await ow.routes.create({ name: 'Book Club', action: 'getBooks', basepath: '/club', relpath: '/books/{isbn}', operation: 'GET', responsetype: 'http' });
    await ow.routes.create({ action: 'getBooks', basepath: '/club', relpath: '/books', operation: 'GET', responsetype: 'http' });
    await ow.routes.create({ action: 'postBooks', basepath: '/club', relpath: '/books', operation: 'POST' });
    const list = await ow.routes.list({ basepath: '/club' });
    expect(list.apis.length).toBe(1);
    expect(list.apis[0].value.apidoc.info.title).toBe('Book Club');
    expect(Object.keys(list.apis[0].value.apidoc.paths).sort()).toEqual(['/books', '/books/{isbn}']);
    expect(list.apis[0].value.apidoc.paths['/books/{isbn}'].get.parameters[0]).toMatchObject({ name: 'isbn', in: 'path', required: true });

    const one = await p.http('GET', '/api/gw/guest/club/books/978-0596517748?q=1');
    expect([one.status, one.json()]).toEqual([200, { isbn: '978-0596517748', path: '/club/books/978-0596517748', q: '1', method: 'get' }]);
    const all = await p.http('GET', '/api/gw/guest/club/books');
    expect(all.json()).toMatchObject({ isbn: null, path: '/club/books' });
    const post = await p.http('POST', '/api/gw/guest/club/books', { headers: { 'content-type': 'application/json' }, body: '{"name":"JavaScript: The Good Parts"}' });
    expect([post.status, post.json().added]).toEqual([200, 'JavaScript: The Good Parts']);
    expect((await p.http('DELETE', '/api/gw/guest/club/books')).status).toBe(404);

    await ow.routes.delete({ basepath: '/club', relpath: '/books/{isbn}', operation: 'GET' });
    expect((await p.http('GET', '/api/gw/guest/club/books/1')).status).toBe(404);
    expect((await p.http('GET', '/api/gw/guest/club/books')).status).toBe(200);
    await ow.routes.delete({ name: 'Book Club' });
    expect((await p.http('POST', '/api/gw/guest/club/books', { body: '{}' })).status).toBe(404);
  });

  it("refuses OpenWhisk's way: no key → 502 'A valid auth key is required.'; a path parameter without response type http; a missing API", async () => {
    const anon = await p.http('POST', '/api/v1/web/whisk.system/apimgmt/createApi', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apidoc: { namespace: '_' } }) });
    expect([anon.status, anon.json().error]).toEqual([502, 'A valid auth key is required.']);
    const err = await ow.routes.create({ action: 'getBooks', basepath: '/x', relpath: '/a/{id}', operation: 'GET' }).catch((e: { statusCode: number; message: string }) => e);
    expect((err as { statusCode: number }).statusCode).toBe(502);
    expect(String((err as { message: string }).message)).toMatch(/response type of '\.http'/);
    const gone = await ow.routes.delete({ basepath: '/nope' }).catch((e: { statusCode: number }) => e);
    expect((gone as { statusCode: number }).statusCode).toBe(502);
  });

  it('a whole swagger document (wsk api create --config-file): its routes serve, an operation naming no action is no route; dot segments are 400', async () => {
    await p.action('swag', 'function main(p) { return { body: { swag: true, isbn: p.isbn || null } }; }');
    const swagger = {
      swagger: '2.0', info: { title: 'Imported', version: '1.0.0' }, basePath: '/imported',
      paths: {
        '/ok/{isbn}': { get: { operationId: 'getOk', 'x-openwhisk': { namespace: 'guest', package: '', action: 'swag', url: `${p.controller.url}/api/v1/web/guest/default/swag.http` }, responses: {} } },
        '/broken': { get: { operationId: 'getBroken', responses: {} }, post: 'not an operation' },
      },
    };
    await ow.routes.create({ swagger: JSON.stringify(swagger) });
    expect((await p.http('GET', '/api/gw/guest/imported/ok/42')).json()).toEqual({ swag: true, isbn: '42' });
    expect((await p.http('GET', '/api/gw/guest/imported/broken')).status).toBe(404);
    expect((await p.http('POST', '/api/gw/guest/imported/broken')).status).toBe(404);
    expect((await p.http('GET', '/api/gw/guest/imported/ok/../../other')).status).toBe(400);
    expect((await p.http('GET', '/api/gw/guest/imported/ok/%E0%A4%A')).status).toBe(400);
    await ow.routes.delete({ basepath: '/imported' });
  });
});
