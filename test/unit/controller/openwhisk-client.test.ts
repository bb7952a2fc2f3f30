// The official `openwhisk` npm client (3.21.9), unchanged, against photon's controller: the
// compatibility the REST API exists for (openwhisk-notes §3.2–3.3).
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_AUTH, startFixture, statusOf, type Fixture } from './controller-fixture.js';

let f: Fixture;
let ow: ReturnType<typeof openwhisk>;
beforeAll(async () => {
  f = await startFixture();
  ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
});
afterAll(async () => f.close());

const CODE = 'function main(params) { return params; }';

describe('official openwhisk npm client against photon', () => {
  it('lists namespaces and reads one with namespaces.get', async () => {
    expect(await ow.namespaces.list()).toEqual(['guest']);
    const ns = (await ow.namespaces.get({ namespace: 'guest' })) as unknown as Record<string, unknown[]>;
    expect(ns).toMatchObject({ packages: [], triggers: [], rules: [] });
  });

  it('creates, gets, lists, updates (version bump), invokes, reads activations, deletes', async () => {
    const created = await ow.actions.create({ name: 'client-hello', action: CODE, params: { greeting: 'hi' } });
    expect(created).toMatchObject({ name: 'client-hello', namespace: 'guest', version: '0.0.1' });
    expect(created.exec.kind).toMatch(/^nodejs/);

    const got = await ow.actions.get({ name: 'client-hello' });
    expect((got.exec as { code?: string }).code).toBe(CODE);
    expect(got.parameters).toEqual([{ key: 'greeting', value: 'hi' }]);
    const noCode = await ow.actions.get({ name: 'client-hello', code: false } as never);
    expect(noCode.exec).not.toHaveProperty('code');

    const list = await ow.actions.list();
    expect(list.map((a) => a.name)).toContain('client-hello');

    const updated = await ow.actions.update({ name: 'client-hello', action: CODE, params: { greeting: 'hello' } });
    expect(updated.version).toBe('0.0.2');

    const activation = await ow.actions.invoke({ name: 'client-hello', blocking: true, params: { who: 'client' } });
    expect(activation.response!.success).toBe(true);
    expect(activation.response!.result).toEqual({ greeting: 'hello', who: 'client' });
    const result = await ow.actions.invoke({ name: 'client-hello', blocking: true, result: true, params: { n: 1 } });
    expect(result).toEqual({ greeting: 'hello', n: 1 });
    const async = await ow.actions.invoke({ name: 'client-hello' });
    expect(async.activationId).toMatch(/^[0-9a-f]{32}$/);

    const activations = await ow.activations.list({ name: 'client-hello' } as never);
    expect(activations.length).toBeGreaterThanOrEqual(2);
    for (const a of activations) expect(a.namespace).toBe('guest');
    const one = await ow.activations.get({ name: activation.activationId });
    expect(one.activationId).toBe(activation.activationId);
    const logs = await ow.activations.logs({ name: activation.activationId });
    expect(logs.logs.length).toBeGreaterThan(0);
    const res = await ow.activations.result({ name: activation.activationId });
    expect(res.result).toEqual({ greeting: 'hello', who: 'client' });

    await ow.actions.delete({ name: 'client-hello' });
    expect(await statusOf(ow.actions.get({ name: 'client-hello' }))).toBe(404);
  });

  it('rejects with the API\'s status: 404 for missing, 409 for a duplicate create, 502 for an application error', async () => {
    expect(await statusOf(ow.actions.get({ name: 'no-such-action' }))).toBe(404);
    expect(await statusOf(ow.actions.delete({ name: 'no-such-action' }))).toBe(404);
    await ow.actions.create({ name: 'client-twice', action: CODE });
    expect(await statusOf(ow.actions.create({ name: 'client-twice', action: CODE }))).toBe(409);
    let message = '';
    try {
      await ow.actions.invoke({ name: 'client-twice', blocking: true, params: { fail: 'deliberate' } });
    } catch (err) {
      message = String((err as Error).message);
      expect((err as { statusCode?: number }).statusCode).toBe(502);
    }
    expect(message).toContain('deliberate');
    await ow.actions.delete({ name: 'client-twice' });
  });

  it('refuses a wrong key with 401', async () => {
    const bad = openwhisk({ apihost: f.controller.url, api_key: '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:wrong', namespace: 'guest' });
    expect(await statusOf(bad.actions.list())).toBe(401);
  });
});
