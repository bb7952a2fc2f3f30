// The official `openwhisk` npm client's packages API (its test/integration/packages.test.js), and
// actions in packages through the client's own name forms: `pkg/name` (sent as two path
// segments), `/ns/pkg/name`, a package listing by namespace `ns/pkg` (sent as `ns%2Fpkg`), rules
// whose action is in a package (sent as `/ns/pkg/name`).
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, startFixture, statusOf, type Fixture } from './controller-fixture.js';

let f: Fixture;
let ow: ReturnType<typeof openwhisk>;
beforeAll(async () => {
  f = await startFixture();
  ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
});
afterAll(async () => f.close());

const CODE = 'function main(params) { return params; }';

describe('official openwhisk npm client: packages', () => {
  it('as the client\'s packages integration test: list, 404 for a missing one, create/get/delete, update bumps to 0.0.2', async () => {
    expect(Array.isArray(await ow.packages.list())).toBe(true);
    expect(await statusOf(ow.packages.get({ name: 'random_package_name' }))).toBe(404);
    const created = await ow.packages.create({ name: 'random_package_test' });
    expect(created).toMatchObject({ name: 'random_package_test', namespace: 'guest', annotations: [], version: '0.0.1' });
    expect(await ow.packages.get({ name: 'random_package_test' })).toMatchObject({ name: 'random_package_test' });
    const updated = await ow.packages.update({ name: 'random_package_test' });
    expect(updated.version).toBe('0.0.2');
    await ow.packages.delete({ name: 'random_package_test' });
    expect(await statusOf(ow.packages.get({ name: 'random_package_test' }))).toBe(404);
  });

  it('actions in a package: create, invoke blocking and non-blocking, list by package, rule target, binding, delete', async () => {
    await ow.packages.create({ name: 'client-pkg', package: { parameters: [{ key: 'fromPackage', value: true }] } });
    const created = await ow.actions.create({ name: 'client-pkg/hello', action: CODE, params: { fromAction: true } });
    expect(created).toMatchObject({ namespace: 'guest/client-pkg', name: 'hello' });
    expect((await ow.actions.get({ name: '/guest/client-pkg/hello' })).namespace).toBe('guest/client-pkg');

    const result = await ow.actions.invoke({ name: 'client-pkg/hello', blocking: true, result: true, params: { fromCall: true } });
    expect(result).toEqual({ fromPackage: true, fromAction: true, fromCall: true });
    const async = await ow.actions.invoke({ name: 'client-pkg/hello' });
    const record = await waitFor('the non-blocking record', () => ow.activations.get({ name: async.activationId }).catch(() => undefined));
    expect(record.annotations).toContainEqual({ key: 'path', value: 'guest/client-pkg/hello' });

    const listed = await ow.actions.list({ namespace: 'guest/client-pkg' });
    expect(listed.map((a) => `${a.namespace}/${a.name}`)).toEqual(['guest/client-pkg/hello']);
    const pkg = (await ow.packages.get({ name: 'client-pkg' })) as unknown as { actions: Array<{ name: string }> };
    expect(pkg.actions.map((a) => a.name)).toEqual(['hello']);

    await ow.triggers.create({ name: 'client-pkg-trigger' });
    const rule = await ow.rules.create({ name: 'client-pkg-rule', action: 'client-pkg/hello', trigger: 'client-pkg-trigger' });
    expect(rule.action).toEqual({ path: 'guest/client-pkg', name: 'hello' });
    const fired = (await ow.triggers.invoke({ name: 'client-pkg-trigger', params: { fromTrigger: true } })) as { activationId: string };
    const fire = await waitFor('the trigger record', () => ow.activations.get({ name: fired.activationId }).catch(() => undefined));
    const caused = JSON.parse((fire.logs as string[])[0]!) as { activationId: string; success: boolean };
    expect(caused.success).toBe(true);
    const ruleRun = await waitFor('the rule activation', () => ow.activations.get({ name: caused.activationId }).catch(() => undefined));
    expect(ruleRun.response!.result).toEqual({ fromPackage: true, fromAction: true, fromTrigger: true });

    await ow.packages.create({ name: 'client-binding', package: { binding: { namespace: 'guest', name: 'client-pkg' }, parameters: [{ key: 'fromPackage', value: 'binding' }] } });
    expect(await ow.actions.invoke({ name: 'client-binding/hello', blocking: true, result: true })).toEqual({ fromPackage: 'binding', fromAction: true });

    expect(await statusOf(ow.packages.delete({ name: 'client-pkg' }))).toBe(409);
    await ow.rules.delete({ name: 'client-pkg-rule' });
    await ow.triggers.delete({ name: 'client-pkg-trigger' });
    await ow.actions.delete({ name: 'client-pkg/hello' });
    await ow.packages.delete({ name: 'client-pkg' });
    await ow.packages.delete({ name: 'client-binding' });
    expect(await ow.packages.list()).toEqual([]);
  });
});
