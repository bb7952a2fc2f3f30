// Packages, actions in packages, bindings and shared packages over raw REST against a real
// controller (fake invokers echo the merged params, so parameter layering is visible), with
// OpenWhisk's statuses and messages (core/controller Packages.scala, ErrorResponse Messages).
import { afterEach, describe, expect, it } from 'vitest';
import { HELLO, startFixture, type Fixture } from './controller-fixture.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});
async function start(): Promise<Fixture> {
  const f = await startFixture();
  fixtures.push(f);
  return f;
}
async function keyFor(f: Fixture, ns: string): Promise<string> {
  await f.stores.auth.createNamespace(ns);
  const c = await f.stores.auth.addKey(ns);
  return `${c.uuid}:${c.key}`;
}
const NS = '/api/v1/namespaces';

describe('packages over REST', () => {
  it('create 0.0.1, 409 without overwrite, update bumps and keeps absent fields, list, get, delete', async () => {
    const { api } = await start();
    const created = await api('PUT', `${NS}/_/packages/tools`, { body: { parameters: [{ key: 'p', value: 1 }], annotations: [{ key: 'description', value: 'd' }] } });
    expect(created).toMatchObject({ status: 200, body: { namespace: 'guest', name: 'tools', version: '0.0.1', publish: false, binding: {}, parameters: [{ key: 'p', value: 1 }] } });
    expect(await api('PUT', `${NS}/_/packages/tools`, { body: {} })).toMatchObject({ status: 409, body: { error: 'resource already exists' } });
    const updated = await api('PUT', `${NS}/_/packages/tools?overwrite=true`, { body: { publish: true } });
    expect(updated.body).toMatchObject({ version: '0.0.2', publish: true, parameters: [{ key: 'p', value: 1 }], annotations: [{ key: 'description', value: 'd' }] });
    await api('PUT', `${NS}/_/packages/other`, { body: {} });
    expect((await api('GET', `${NS}/_/packages`)).body.map((p: { name: string }) => p.name)).toEqual(['other', 'tools']);
    expect((await api('GET', `${NS}/_/packages?limit=1&skip=1`)).body.map((p: { name: string }) => p.name)).toEqual(['tools']);
    expect((await api('GET', `${NS}/_/packages?public=true`)).body.map((p: { name: string }) => p.name)).toEqual(['tools']);
    expect((await api('GET', `${NS}/_/packages?count=true`)).body).toEqual({ packages: 2 });
    expect((await api('GET', `${NS}/_/packages/tools`)).body).toMatchObject({ name: 'tools', actions: [], feeds: [] });
    expect((await api('GET', `${NS}/guest`)).body.packages.map((p: { name: string }) => p.name).sort()).toEqual(['other', 'tools']);
    expect((await api('DELETE', `${NS}/_/packages/tools`)).body).toMatchObject({ name: 'tools' });
    expect(await api('GET', `${NS}/_/packages/tools`)).toMatchObject({ status: 404, body: { error: 'The requested resource does not exist.' } });
    expect((await api('DELETE', `${NS}/_/packages/tools`)).status).toBe(404);
  });

  it('refuses bad names and bodies with 400 and OpenWhisk\'s message, writing nothing', async () => {
    const { api, stores } = await start();
    expect(await api('PUT', `${NS}/_/packages/default`, { body: {} })).toMatchObject({ status: 400, body: { error: "Package name 'default' is reserved." } });
    const long = await api('PUT', `${NS}/_/packages/${'a'.repeat(257)}`, { body: {} });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatch(/^The name of the entity is longer than allowed: 257 > 256/);
    expect((await api('PUT', `${NS}/_/packages/${'a'.repeat(256)}`, { body: {} })).status).toBe(200);
    for (const bad of ['caf%C3%A9', 'a%2Fb', 'a/b', '%E2%98%83', '-x']) {
      const res = await api('PUT', `${NS}/_/packages/${bad}`, { body: {} });
      expect(res.status, bad).toBe(400);
      expect(res.body.error, bad).toMatch(/^The name of the entity contains illegal characters/);
    }
    expect((await api('PUT', `${NS}/_/packages/p`, { body: { publish: 'yes' } })).status).toBe(400);
    expect((await api('PUT', `${NS}/_/packages/p`, { body: { parameters: { a: 1 } } })).status).toBe(400);
    expect((await api('PUT', `${NS}/_/packages/p`, { body: { binding: 'x' } })).status).toBe(400);
    expect((await stores.packages.list('guest', { limit: 10, skip: 0 })).map((p) => p.name)).toEqual(['a'.repeat(256)]);
  });

  it('actions in a package: create, get, list by package, invoke with package parameters under the action\'s, delete; a non-empty package is not deleted', async () => {
    const { api } = await start();
    await api('PUT', `${NS}/_/packages/tools`, { body: { parameters: [{ key: 'a', value: 'pkg' }, { key: 'b', value: 'pkg' }, { key: 'c', value: 'pkg' }] } });
    expect(await api('PUT', `${NS}/_/actions/missing/hello`, { body: HELLO })).toMatchObject({ status: 404 });
    const put = await api('PUT', `${NS}/_/actions/tools/hello`, { body: { ...HELLO, parameters: [{ key: 'b', value: 'action' }, { key: 'c', value: 'action' }] } });
    expect(put.body).toMatchObject({ namespace: 'guest/tools', name: 'hello', version: '0.0.1' });
    await api('PUT', `${NS}/_/actions/hello`, { body: HELLO });
    const got = await api('GET', `${NS}/_/actions/tools/hello`);
    expect(got.body).toMatchObject({ namespace: 'guest/tools', name: 'hello' });
    expect(got.body.parameters).toEqual([{ key: 'a', value: 'pkg' }, { key: 'b', value: 'action' }, { key: 'c', value: 'action' }]);
    // The client's two ways of listing a package: ns%2Fpkg, and the CLI's trailing slash.
    expect((await api('GET', `${NS}/guest%2Ftools/actions`)).body.map((a: { namespace: string }) => a.namespace)).toEqual(['guest/tools']);
    expect((await api('GET', `${NS}/_/actions/tools/`)).body.map((a: { namespace: string }) => a.namespace)).toEqual(['guest/tools']);
    // The namespace's list holds its own actions and those of its packages, newest first (OpenWhisk's).
    expect((await api('GET', `${NS}/_/actions`)).body.map((a: { namespace: string }) => a.namespace)).toEqual(['guest', 'guest/tools']);
    expect((await api('GET', `${NS}/_/actions?limit=1&skip=1`)).body.map((a: { namespace: string }) => a.namespace)).toEqual(['guest/tools']);
    expect((await api('GET', `${NS}/_/packages/tools`)).body.actions).toEqual([expect.objectContaining({ name: 'hello', version: '0.0.1' })]);

    const run = await api('POST', `${NS}/_/actions/tools/hello?blocking=true`, { body: { c: 'invocation' } });
    expect(run.status).toBe(200);
    expect(run.body.response.result).toEqual({ a: 'pkg', b: 'action', c: 'invocation' });
    expect(run.body).toMatchObject({ namespace: 'guest', name: 'hello' });
    expect(run.body.annotations).toContainEqual({ key: 'path', value: 'guest/tools/hello' });
    expect((await api('POST', `${NS}/_/actions/tools/nope?blocking=true`)).status).toBe(404);
    expect((await api('POST', `${NS}/_/actions/a/b/c`)).status).toBe(400);

    expect(await api('DELETE', `${NS}/_/packages/tools`)).toMatchObject({ status: 409, body: { error: 'Package not empty (contains 1 entity)' } });
    expect((await api('DELETE', `${NS}/_/actions/tools/hello`)).status).toBe(200);
    expect((await api('GET', `${NS}/_/actions/tools/hello`)).status).toBe(404);
    expect((await api('GET', `${NS}/_/actions/hello`)).status).toBe(200);
    expect((await api('DELETE', `${NS}/_/packages/tools`)).status).toBe(200);
  });

  it('bindings: package < binding < action < invocation, the record\'s binding annotation, and OpenWhisk\'s refusals', async () => {
    const { api } = await start();
    await api('PUT', `${NS}/_/packages/base`, { body: { parameters: [{ key: 'a', value: 'pkg' }, { key: 'b', value: 'pkg' }, { key: 'c', value: 'pkg' }, { key: 'd', value: 'pkg' }] } });
    await api('PUT', `${NS}/_/actions/base/act`, { body: { ...HELLO, parameters: [{ key: 'c', value: 'action' }, { key: 'd', value: 'action' }] } });
    const bound = await api('PUT', `${NS}/_/packages/mine`, { body: { binding: { namespace: '_', name: 'base' }, parameters: [{ key: 'b', value: 'binding' }, { key: 'c', value: 'binding' }, { key: 'd', value: 'binding' }] } });
    expect(bound.body).toMatchObject({ name: 'mine', binding: { namespace: 'guest', name: 'base' } });
    expect(bound.body.annotations).toContainEqual({ key: 'binding', value: { namespace: 'guest', name: 'base' } });

    const run = await api('POST', `${NS}/_/actions/mine/act?blocking=true`, { body: { d: 'invocation' } });
    expect(run.body.response.result).toEqual({ a: 'pkg', b: 'binding', c: 'action', d: 'invocation' });
    expect(run.body.annotations).toContainEqual({ key: 'binding', value: 'guest/mine' });
    expect(run.body.annotations).toContainEqual({ key: 'path', value: 'guest/base/act' });
    const got = await api('GET', `${NS}/_/packages/mine`);
    expect(got.body).toMatchObject({ name: 'mine', binding: { namespace: 'guest', name: 'base' }, actions: [expect.objectContaining({ name: 'act' })] });
    expect(got.body.parameters).toEqual([{ key: 'a', value: 'pkg' }, { key: 'b', value: 'binding' }, { key: 'c', value: 'binding' }, { key: 'd', value: 'binding' }]);

    // Binding to a binding (itself included: the only way a loop could start), to nothing, a package into a binding.
    expect(await api('PUT', `${NS}/_/packages/second`, { body: { binding: { namespace: 'guest', name: 'mine' } } })).toMatchObject({ status: 400, body: { error: 'Cannot bind to another package binding.' } });
    expect(await api('PUT', `${NS}/_/packages/mine?overwrite=true`, { body: { binding: { namespace: 'guest', name: 'mine' } } })).toMatchObject({ status: 400, body: { error: 'Cannot bind to another package binding.' } });
    expect(await api('PUT', `${NS}/_/packages/ghost`, { body: { binding: { namespace: 'guest', name: 'nothing' } } })).toMatchObject({ status: 400, body: { error: 'Binding references a package that does not exist.' } });
    expect(await api('PUT', `${NS}/_/packages/base?overwrite=true`, { body: { binding: { namespace: 'guest', name: 'mine' } } })).toMatchObject({ status: 409, body: { error: 'Resource is a package and cannot be converted into a binding.' } });
    expect(await api('PUT', `${NS}/_/actions/mine/new`, { body: HELLO })).toMatchObject({ status: 400, body: { error: 'Operation not permitted on package binding.' } });
    expect((await api('GET', `${NS}/_/packages/second`)).status).toBe(404);
    // Sending back what GET answered (`binding: {}` for a package, the binding for a binding) changes neither.
    expect((await api('PUT', `${NS}/_/packages/mine?overwrite=true`, { body: { binding: {} } })).body.binding).toEqual({ namespace: 'guest', name: 'base' });
    expect((await api('PUT', `${NS}/_/packages/base?overwrite=true`, { body: { binding: {} } })).body.binding).toEqual({});
    expect((await api('GET', `${NS}/_/packages/mine`)).body.binding).toEqual({ namespace: 'guest', name: 'base' });

    // Deleting the bound package (once empty) is allowed, as in OpenWhisk; the binding then answers 404.
    await api('DELETE', `${NS}/_/actions/base/act`);
    expect((await api('DELETE', `${NS}/_/packages/base`)).status).toBe(200);
    expect((await api('GET', `${NS}/_/packages/mine`)).status).toBe(404);
    expect((await api('POST', `${NS}/_/actions/mine/act?blocking=true`)).status).toBe(404);
    expect((await api('DELETE', `${NS}/_/packages/mine`)).status).toBe(200);
  });

  it('shared packages: another namespace reads, lists, binds and invokes a published one; private, bindings and writes are 403', async () => {
    const f = await start();
    const { api } = f;
    const bob = await keyFor(f, 'bob');
    await api('PUT', `${NS}/_/packages/shared`, { body: { publish: true, parameters: [{ key: 'from', value: 'guest' }] } });
    await api('PUT', `${NS}/_/packages/private`, { body: {} });
    await api('PUT', `${NS}/_/packages/bound`, { body: { publish: true, binding: { namespace: 'guest', name: 'shared' } } });
    await api('PUT', `${NS}/_/actions/shared/hello`, { body: HELLO });
    await api('PUT', `${NS}/_/actions/private/hello`, { body: HELLO });
    await api('PUT', `${NS}/_/actions/hello`, { body: HELLO });

    expect((await api('GET', `${NS}/guest/packages`, { auth: bob })).body.map((p: { name: string }) => p.name)).toEqual(['shared']);
    expect((await api('GET', `${NS}/guest/packages/shared`, { auth: bob })).body).toMatchObject({ name: 'shared', actions: [expect.objectContaining({ name: 'hello' })] });
    expect((await api('GET', `${NS}/guest/actions/shared/hello`, { auth: bob })).status).toBe(200);
    const run = await api('POST', `${NS}/guest/actions/shared/hello?blocking=true`, { auth: bob, body: { who: 'bob' } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ namespace: 'bob', name: 'hello', response: { result: { from: 'guest', who: 'bob' } } });

    // Private, missing and binding packages of another namespace are all 403: nothing leaks.
    for (const [method, path] of [
      ['GET', 'packages/private'], ['GET', 'packages/nothing'], ['GET', 'packages/bound'], ['GET', 'actions/private/hello'], ['POST', 'actions/private/hello'],
      ['POST', 'actions/bound/hello'], ['GET', 'actions/hello'], ['POST', 'actions/hello'], ['PUT', 'packages/shared'], ['DELETE', 'packages/shared'],
      ['PUT', 'actions/shared/evil'], ['DELETE', 'actions/shared/hello'], ['GET', 'triggers'], ['GET', 'activations'], ['GET', ''],
    ] as const) {
      const res = await api(method, `${NS}/guest/${path}`, { auth: bob, ...(method === 'PUT' ? { body: HELLO } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await api('GET', `${NS}/_/actions/shared/hello`)).status).toBe(200);

    // Bob binds guest's shared package into his namespace and invokes through his binding.
    expect(await api('PUT', `${NS}/_/packages/mine`, { auth: bob, body: { binding: { namespace: 'guest', name: 'private' } } })).toMatchObject({ status: 403 });
    expect(await api('PUT', `${NS}/_/packages/mine`, { auth: bob, body: { binding: { namespace: 'guest', name: 'bound' } } })).toMatchObject({ status: 403 });
    expect((await api('PUT', `${NS}/_/packages/mine`, { auth: bob, body: { binding: { namespace: 'guest', name: 'shared' }, parameters: [{ key: 'via', value: 'binding' }] } })).status).toBe(200);
    const viaBinding = await api('POST', `${NS}/_/actions/mine/hello?blocking=true`, { auth: bob });
    expect(viaBinding.body.response.result).toEqual({ from: 'guest', via: 'binding' });
    expect(viaBinding.body.annotations).toContainEqual({ key: 'binding', value: 'bob/mine' });
    // Unsharing the package cuts the binding off: 403, not the action.
    await api('PUT', `${NS}/_/packages/shared?overwrite=true`, { body: { publish: false } });
    expect((await api('POST', `${NS}/_/actions/mine/hello?blocking=true`, { auth: bob })).status).toBe(403);
    expect((await api('GET', `${NS}/guest/packages/shared`, { auth: bob })).status).toBe(403);
  });
});
