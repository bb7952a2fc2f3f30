// Triggers and rules over REST against a controller with a fake invoker above the bus: OpenWhisk's
// shapes and status codes, firing, parameter merging, throttles, retries and dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/wait-for.js';
import { HELLO, startFixture, type Fixture } from './controller-fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
  expect((await f.api('PUT', '/api/v1/namespaces/_/actions/echo', { body: HELLO })).status).toBe(200);
});
afterAll(async () => f.close());

const NS = '/api/v1/namespaces/_';

describe('triggers', () => {
  it('create (0.0.1, limits {}), get, list, update bumps the version, 409 on a duplicate, delete, 404', async () => {
    const created = await f.api('PUT', `${NS}/triggers/t-crud`, { body: { parameters: [{ key: 'a', value: 1 }], annotations: [{ key: 'x', value: 'y' }] } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ namespace: 'guest', name: 't-crud', version: '0.0.1', limits: {}, parameters: [{ key: 'a', value: 1 }], annotations: [{ key: 'x', value: 'y' }], publish: false });
    expect((await f.api('PUT', `${NS}/triggers/t-crud`, { body: {} })).status).toBe(409);
    const updated = await f.api('PUT', `${NS}/triggers/t-crud?overwrite=true`, { body: { parameters: [{ key: 'a', value: 2 }] } });
    expect(updated.body).toMatchObject({ version: '0.0.2', parameters: [{ key: 'a', value: 2 }], annotations: [{ key: 'x', value: 'y' }] });
    expect((await f.api('GET', `${NS}/triggers/t-crud`)).body.version).toBe('0.0.2');
    expect((await f.api('GET', `${NS}/triggers`)).body.map((t: { name: string }) => t.name)).toContain('t-crud');
    expect((await f.api('DELETE', `${NS}/triggers/t-crud`)).status).toBe(200);
    expect((await f.api('GET', `${NS}/triggers/t-crud`)).status).toBe(404);
    expect((await f.api('POST', `${NS}/triggers/t-crud`, { body: {} })).status).toBe(404);
    expect((await f.api('DELETE', `${NS}/triggers/t-crud`)).status).toBe(404);
  });

  it('fire without an active rule answers 204; with one, 202 and a trigger record naming the rule activations', async () => {
    await f.api('PUT', `${NS}/triggers/t-fire`, { body: { parameters: [{ key: 'from', value: 'trigger' }, { key: 'both', value: 'trigger' }] } });
    expect((await f.api('POST', `${NS}/triggers/t-fire`, { body: {} })).status).toBe(204);
    const rule = await f.api('PUT', `${NS}/rules/r-fire`, { body: { trigger: '/guest/t-fire', action: '/guest/echo' } });
    expect(rule.status).toBe(200);
    expect(rule.body).toMatchObject({ status: 'active', trigger: { path: 'guest', name: 't-fire' }, action: { path: 'guest', name: 'echo' }, version: '0.0.1' });
    const fired = await f.api('POST', `${NS}/triggers/t-fire`, { body: { both: 'event', only: 'event' } });
    expect(fired.status).toBe(202);
    const id = fired.body.activationId as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const rec = await f.api('GET', `${NS}/activations/${id}`);
    expect(rec.status).toBe(200);
    expect(rec.body.name).toBe('t-fire');
    const logs = (rec.body.logs as string[]).map((l) => JSON.parse(l));
    expect(logs).toEqual([expect.objectContaining({ success: true, rule: 'guest/r-fire', action: 'guest/echo' })]);
    const caused = await waitFor('the rule activation record', async () => {
      const r = await f.api('GET', `${NS}/activations/${logs[0].activationId}`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(caused.cause).toBe(id);
    // Trigger parameters merged under the event's.
    expect(caused.response.result).toEqual({ from: 'trigger', both: 'event', only: 'event' });
    const t = await f.api('GET', `${NS}/triggers/t-fire`);
    expect(t.body.rules).toEqual({ 'guest/r-fire': { action: { name: 'echo', path: 'guest' }, status: 'active' } });
  });

  it('a disabled rule does not fire; enabling answers 202, repeating answers 200', async () => {
    await f.api('PUT', `${NS}/triggers/t-dis`, { body: {} });
    await f.api('PUT', `${NS}/rules/r-dis`, { body: { trigger: '/_/t-dis', action: 'echo' } });
    expect((await f.api('POST', `${NS}/rules/r-dis`, { body: { status: 'inactive' } })).status).toBe(202);
    expect((await f.api('POST', `${NS}/rules/r-dis`, { body: { status: 'inactive' } })).status).toBe(200);
    expect((await f.api('GET', `${NS}/rules/r-dis`)).body.status).toBe('inactive');
    expect((await f.api('POST', `${NS}/triggers/t-dis`, { body: { n: 1 } })).status).toBe(204);
    expect((await f.api('POST', `${NS}/rules/r-dis`, { body: { status: 'active' } })).status).toBe(202);
    expect((await f.api('POST', `${NS}/triggers/t-dis`, { body: { n: 2 } })).status).toBe(202);
    expect((await f.api('POST', `${NS}/rules/r-dis`, { body: { status: 'paused' } })).status).toBe(400);
  });

  it('rules: missing action or trigger is a 404 saying which; an active rule cannot be updated (409); deleting the trigger first works', async () => {
    await f.api('PUT', `${NS}/triggers/t-rule`, { body: {} });
    const missing = await f.api('PUT', `${NS}/rules/r-missing`, { body: { trigger: '/guest/t-rule', action: '/guest/no-such-action' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain("'/guest/no-such-action'");
    expect((await f.api('PUT', `${NS}/rules/r-missing`, { body: { trigger: '/guest/no-trigger', action: '/guest/echo' } })).body.error).toContain('trigger');
    expect((await f.api('PUT', `${NS}/rules/r-missing`, { body: { action: '/guest/echo' } })).status).toBe(400);
    await f.api('PUT', `${NS}/rules/r-upd`, { body: { trigger: '/guest/t-rule', action: '/guest/echo' } });
    expect((await f.api('PUT', `${NS}/rules/r-upd?overwrite=true`, { body: { trigger: '/guest/t-rule', action: '/guest/echo' } })).status).toBe(409);
    await f.api('POST', `${NS}/rules/r-upd`, { body: { status: 'inactive' } });
    const upd = await f.api('PUT', `${NS}/rules/r-upd?overwrite=true`, { body: { trigger: '/guest/t-rule', action: '/guest/echo' } });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ version: '0.0.2', status: 'inactive' });
    expect((await f.api('DELETE', `${NS}/triggers/t-rule`)).status).toBe(200);
    expect((await f.api('DELETE', `${NS}/rules/r-upd`)).status).toBe(200);
    expect((await f.api('GET', `${NS}/rules/r-upd`)).status).toBe(404);
  });

  it('fires are throttled per namespace (429)', async () => {
    const creds = await f.stores.auth.createNamespace('throttled', { firesPerMinute: 2 }).then(() => f.stores.auth.addKey('throttled'));
    const auth = `${creds.uuid}:${creds.key}`;
    await f.api('PUT', '/api/v1/namespaces/_/triggers/t-429', { body: {}, auth });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await f.api('POST', '/api/v1/namespaces/_/triggers/t-429', { body: {}, auth })).status);
    expect(statuses).toEqual([204, 204, 429]);
  });

  it('a failing rule activation is retried by the trigger\'s policy and then dead-lettered', async () => {
    await f.api('PUT', `${NS}/triggers/t-dlq`, { body: { annotations: [{ key: 'photon:retry', value: { retries: 2, delayMs: 10 } }] } });
    expect((await f.api('PUT', `${NS}/triggers/t-bad`, { body: { annotations: [{ key: 'photon:retry', value: { retries: 99 } }] } })).status).toBe(400);
    await f.api('PUT', `${NS}/rules/r-dlq`, { body: { trigger: '/guest/t-dlq', action: '/guest/echo' } });
    const fired = await f.api('POST', `${NS}/triggers/t-dlq`, { body: { fail: 'always' } });
    expect(fired.status).toBe(202);
    const dead = await waitFor('a dead letter', async () => {
      const r = await f.api('GET', `${NS}/triggers/t-dlq/deadletters`);
      return r.body.length > 0 ? r.body : undefined;
    }, { timeoutMs: 15_000 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ triggerActivationId: fired.body.activationId, rule: 'guest/r-dlq', action: 'guest/echo', status: 'application error', error: 'always' });
    expect(dead[0].activationIds).toHaveLength(3);
    for (const id of dead[0].activationIds as string[]) expect((await f.api('GET', `${NS}/activations/${id}`)).body.response.success).toBe(false);
    expect((await f.api('DELETE', `${NS}/triggers/t-dlq/deadletters`)).status).toBe(200);
    expect((await f.api('GET', `${NS}/triggers/t-dlq/deadletters`)).body).toEqual([]);
  });

  it('namespaces/_ lists triggers and rules', async () => {
    const ns = await f.api('GET', NS);
    expect(ns.body.triggers.map((t: { name: string }) => t.name)).toContain('t-fire');
    expect(ns.body.rules.map((t: { name: string }) => t.name)).toContain('r-fire');
  });
});
