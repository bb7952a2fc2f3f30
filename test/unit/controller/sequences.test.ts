// Sequences (exec.kind "sequence") over REST against a controller with fake invokers above the bus
// (they echo their params, merged over the action's defaults): OpenWhisk's create checks and
// messages, the chaining of results, the first error ending the sequence, the records' shape,
// packages, bindings, rules and throttles; and a second controller taking over the sequences of
// one that stopped (the durable progress record, memory stores here, Redis in the e2e drill).
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController } from '../../../controller/controller.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, startFixture, type Fixture } from './controller-fixture.js';

let f: Fixture;
const NS = '/api/v1/namespaces/_';
const echo = (defaults: Record<string, unknown> = {}) => ({
  exec: { kind: 'nodejs:20', code: 'function main(p) { return p; }' },
  parameters: Object.entries(defaults).map(([key, value]) => ({ key, value })),
});
const seq = (...components: string[]) => ({ exec: { kind: 'sequence', components } });
const ann = (r: ActivationRecord, key: string): unknown => r.annotations.find((a) => a.key === key)?.value;

beforeAll(async () => {
  f = await startFixture({ sequenceMaxLength: 50 });
  for (const name of ['a', 'b', 'c']) expect((await f.api('PUT', `${NS}/actions/${name}`, { body: echo({ [name]: true }) })).status).toBe(200);
});
afterAll(async () => f.close());

async function record(id: string): Promise<ActivationRecord> {
  return waitFor(`record ${id}`, async () => f.stores.activations.get(id));
}

describe('sequences: create', () => {
  it('stores the components fully qualified and shows them without code; GET and list show kind sequence', async () => {
    const put = await f.api('PUT', `${NS}/actions/s-show`, { body: seq('/_/a', '/guest/b', 'c') });
    expect(put.status).toBe(200);
    expect(put.body.exec).toEqual({ kind: 'sequence', components: ['/guest/a', '/guest/b', '/guest/c'] });
    expect((await f.api('GET', `${NS}/actions/s-show`)).body.exec).toEqual({ kind: 'sequence', components: ['/guest/a', '/guest/b', '/guest/c'] });
  });

  it('refuses no components, a missing component, 51 components and recursion, with OpenWhisk\'s messages', async () => {
    expect(await f.api('PUT', `${NS}/actions/s-bad`, { body: seq() })).toMatchObject({ status: 400, body: { error: 'No component specified for the sequence.' } });
    expect(await f.api('PUT', `${NS}/actions/s-bad`, { body: seq('/guest/nope') })).toMatchObject({ status: 400, body: { error: 'Sequence component does not exist.' } });
    expect(await f.api('PUT', `${NS}/actions/s-bad`, { body: seq(...Array.from({ length: 51 }, () => '/guest/a')) })).toMatchObject({ status: 400, body: { error: 'Too many actions in the sequence.' } });
    // Directly: an action updated into a sequence of itself.
    expect(await f.api('PUT', `${NS}/actions/s-self?overwrite=true`, { body: seq('/guest/a') })).toMatchObject({ status: 200 });
    expect(await f.api('PUT', `${NS}/actions/s-self?overwrite=true`, { body: seq('/guest/a', '/guest/s-self') })).toMatchObject({ status: 400, body: { error: 'Sequence may not refer to itself.' } });
    // Through another sequence: s-outer → s-inner → s-outer.
    await f.api('PUT', `${NS}/actions/s-outer`, { body: seq('/guest/a') });
    await f.api('PUT', `${NS}/actions/s-inner`, { body: seq('/guest/s-outer') });
    expect(await f.api('PUT', `${NS}/actions/s-outer?overwrite=true`, { body: seq('/guest/s-inner') })).toMatchObject({ status: 400, body: { error: 'Sequence may not refer to itself.' } });
    // Nested sequences count their atomic actions: 30 + 30 > 50.
    await f.api('PUT', `${NS}/actions/s-30`, { body: seq(...Array.from({ length: 30 }, () => '/guest/a')) });
    expect(await f.api('PUT', `${NS}/actions/s-60`, { body: seq('/guest/s-30', '/guest/s-30') })).toMatchObject({ status: 400, body: { error: 'Too many actions in the sequence.' } });
  });

  it('refuses a component of another namespace the creator may not read (403), and an unparsable name (400)', async () => {
    await f.stores.auth.createNamespace('other');
    const k = await f.stores.auth.addKey('other');
    await f.api('PUT', `${NS}/actions/private`, { body: echo(), auth: `${k.uuid}:${k.key}` });
    expect((await f.api('PUT', `${NS}/actions/s-steal`, { body: seq('/other/private') })).status).toBe(403);
    expect((await f.api('PUT', `${NS}/actions/s-bad`, { body: seq('/a/b/c/d') })).status).toBe(400);
  });
});

describe('sequences: run', () => {
  it('1 and 2 components, blocking: results chain, the sequence\'s parameters go to the first component, records have OpenWhisk\'s shape', async () => {
    await f.api('PUT', `${NS}/actions/s1`, { body: seq('/guest/a') });
    const one = await f.api('POST', `${NS}/actions/s1?blocking=true&result=true`, { body: { x: 1 } });
    expect(one).toMatchObject({ status: 200, body: { x: 1, a: true } });

    await f.api('PUT', `${NS}/actions/s2`, { body: { ...seq('/guest/a', '/guest/b'), parameters: [{ key: 'fromSeq', value: 1 }] } });
    const two = await f.api('POST', `${NS}/actions/s2?blocking=true`, { body: { x: 2 } });
    expect(two.status).toBe(200);
    expect(two.body.response).toMatchObject({ status: 'success', success: true, result: { x: 2, fromSeq: 1, a: true, b: true } });
    const rec = two.body as ActivationRecord;
    expect(rec.logs).toHaveLength(2);
    expect(ann(rec, 'kind')).toBe('sequence');
    expect(ann(rec, 'topmost')).toBe(true);
    expect(ann(rec, 'path')).toBe('guest/s2');
    expect(ann(rec, 'limits')).toMatchObject({ timeout: 60000, memory: 256 });
    const [c0, c1] = await Promise.all(rec.logs.map(record));
    expect(c0!.name).toBe('a');
    expect(c1!.name).toBe('b');
    for (const c of [c0!, c1!]) {
      expect(c.cause).toBe(rec.activationId);
      expect(ann(c, 'causedBy')).toBe('sequence');
    }
    expect(rec.duration).toBe(c0!.duration + c1!.duration);
  });

  it('50 components run, each once, in order', async () => {
    await f.api('PUT', `${NS}/actions/s50`, { body: seq(...Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? '/guest/a' : '/guest/b'))) });
    const r = await f.api('POST', `${NS}/actions/s50?blocking=true`, { body: { n: 50 } });
    expect(r.status).toBe(200);
    expect(r.body.logs).toHaveLength(50);
    expect(new Set(r.body.logs).size).toBe(50);
    expect(r.body.response.result).toEqual({ n: 50, a: true, b: true });
  });

  it('the first error ends the sequence with that error; later components do not run', async () => {
    await f.api('PUT', `${NS}/actions/failer`, { body: echo({ fail: 'broken at b' }) });
    await f.api('PUT', `${NS}/actions/s-err`, { body: seq('/guest/a', '/guest/failer', '/guest/c') });
    const before = f.invokers[0]!.received.filter((m) => m.message.action.name === 'c').length;
    const r = await f.api('POST', `${NS}/actions/s-err?blocking=true`, { body: {} });
    expect(r.status).toBe(502);
    expect(r.body.response).toMatchObject({ status: 'application error', result: { error: 'broken at b' } });
    expect(r.body.logs).toHaveLength(2);
    expect(f.invokers[0]!.received.filter((m) => m.message.action.name === 'c').length).toBe(before);
  });

  it('a component deleted after create ends the sequence with "Sequence component does not exist."', async () => {
    await f.api('PUT', `${NS}/actions/gone`, { body: echo() });
    await f.api('PUT', `${NS}/actions/s-gone`, { body: seq('/guest/a', '/guest/gone') });
    await f.api('DELETE', `${NS}/actions/gone`);
    const r = await f.api('POST', `${NS}/actions/s-gone?blocking=true`, { body: {} });
    expect(r.body.response).toMatchObject({ status: 'application error', result: { error: 'Sequence component does not exist.' } });
  });

  it('non-blocking: 202 with the id, the record later; a nested sequence is one component with causedBy and cause', async () => {
    await f.api('PUT', `${NS}/actions/s-in`, { body: seq('/guest/b', '/guest/c') });
    await f.api('PUT', `${NS}/actions/s-nest`, { body: seq('/guest/a', '/guest/s-in') });
    const r = await f.api('POST', `${NS}/actions/s-nest`, { body: { k: 1 } });
    expect(r.status).toBe(202);
    const rec = await record(r.body.activationId as string);
    expect(rec.response.result).toEqual({ k: 1, a: true, b: true, c: true });
    expect(rec.logs).toHaveLength(2);
    const inner = await record(rec.logs[1]!);
    expect(inner.name).toBe('s-in');
    expect(inner.cause).toBe(rec.activationId);
    expect(ann(inner, 'topmost')).toBe(false);
    expect(ann(inner, 'causedBy')).toBe('sequence');
    expect(inner.logs).toHaveLength(2);
  });

  it('a sequence inside a package and behind a binding; /whisk.system/utils components', async () => {
    await f.api('PUT', `${NS}/packages/tools`, { body: { parameters: [{ key: 'pkg', value: 'tools' }], publish: true } });
    await f.api('PUT', `${NS}/actions/tools/inner`, { body: echo({ inner: true }) });
    expect((await f.api('PUT', `${NS}/actions/tools/s-pkg`, { body: seq('/guest/tools/inner', '/guest/a') })).status).toBe(200);
    const direct = await f.api('POST', `${NS}/actions/tools/s-pkg?blocking=true&result=true`, { body: {} });
    expect(direct.body).toMatchObject({ pkg: 'tools', inner: true, a: true });
    await f.api('PUT', `${NS}/packages/bound`, { body: { binding: { namespace: 'guest', name: 'tools' }, parameters: [{ key: 'pkg', value: 'bound' }] } });
    const viaBinding = await f.api('POST', `${NS}/actions/bound/s-pkg?blocking=true`, { body: {} });
    expect(viaBinding.body.response.result).toMatchObject({ pkg: 'bound', a: true });
    expect(ann(viaBinding.body as ActivationRecord, 'binding')).toBe('guest/bound');
    expect(ann(viaBinding.body as ActivationRecord, 'path')).toBe('guest/tools/s-pkg');

    const sys = await f.api('PUT', `${NS}/actions/s-sys`, { body: seq('/whisk.system/utils/echo', '/guest/a') });
    expect(sys.status).toBe(200);
    const ran = await f.api('POST', `${NS}/actions/s-sys?blocking=true&result=true`, { body: { q: 1 } });
    expect(ran.body).toMatchObject({ q: 1, a: true });
  });

  it('is a rule target: a trigger fire runs the sequence', async () => {
    await f.api('PUT', `${NS}/actions/s-rule`, { body: seq('/guest/a', '/guest/b') });
    await f.api('PUT', `${NS}/triggers/t-seq`, { body: {} });
    expect((await f.api('PUT', `${NS}/rules/r-seq`, { body: { trigger: '/guest/t-seq', action: '/guest/s-rule' } })).status).toBe(200);
    const fired = await f.api('POST', `${NS}/triggers/t-seq`, { body: { fired: true } });
    expect(fired.status).toBe(202);
    const trigger = await record(fired.body.activationId as string);
    const line = JSON.parse(trigger.logs[0]!) as { activationId: string; success: boolean };
    const rec = await record(line.activationId);
    expect(rec.name).toBe('s-rule');
    expect(rec.response.result).toEqual({ fired: true, a: true, b: true });
  });

  it('with the official openwhisk client: actions.create({sequence}) and a blocking invoke', async () => {
    const ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
    const created = await ow.actions.create({ name: 's-client', sequence: ['/guest/a', '/guest/b'] } as never);
    expect(created.exec).toMatchObject({ kind: 'sequence', components: ['/guest/a', '/guest/b'] });
    expect(await ow.actions.invoke({ name: 's-client', blocking: true, result: true, params: { z: 1 } })).toEqual({ z: 1, a: true, b: true });
  });

  it('throttles count every component: a 2-component sequence spends 3 of the namespace\'s invocations', async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 10));
    await f.stores.auth.createNamespace('counted', { invocationsPerMinute: 4, concurrentInvocations: 100 });
    const k = await f.stores.auth.addKey('counted');
    const auth = `${k.uuid}:${k.key}`;
    await f.api('PUT', '/api/v1/namespaces/_/actions/e', { body: echo(), auth });
    await f.api('PUT', '/api/v1/namespaces/_/actions/s', { body: seq('/counted/e', '/counted/e'), auth });
    expect((await f.api('POST', '/api/v1/namespaces/_/actions/s?blocking=true', { auth })).status).toBe(200);
    expect((await f.api('POST', '/api/v1/namespaces/_/actions/e?blocking=true', { auth })).status).toBe(200);
    expect((await f.api('POST', '/api/v1/namespaces/_/actions/e?blocking=true', { auth })).status).toBe(429);
  });
});

describe('sequences: durable progress', () => {
  it('a second controller takes over the sequences of one that stopped, from the last completed step; every component recorded once', async () => {
    const g = await startFixture({ controllerId: 'first', compositionLeaseMs: 300 });
    try {
      await g.api('PUT', `${NS}/actions/slow`, { body: echo() });
      await g.api('PUT', `${NS}/actions/s-slow`, { body: seq('/guest/slow', '/guest/slow', '/guest/slow', '/guest/slow') });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await g.api('POST', `${NS}/actions/s-slow`, { body: { i, sleepMs: 150 } })).body.activationId as string);
      // Stop the first controller once every sequence is past its first step.
      await waitFor('every sequence past step 1', async () => (await Promise.all(ids.map((id) => g.stores.progress.get(id)))).every((p) => p && (p.data.steps as number) >= 2));
      await g.controller.close();
      const second = await startController({ bus: g.bus, stores: g.stores, topics: g.topics }, { port: 0, controllerId: 'second', compositionLeaseMs: 300 });
      try {
        const records = await Promise.all(ids.map((id) => waitFor(`sequence ${id}`, async () => g.stores.activations.get(id), { timeoutMs: 15_000 })));
        for (const [i, r] of records.entries()) {
          expect(r.response.result).toEqual({ i, sleepMs: 150 });
          expect(r.logs).toHaveLength(4);
          for (const c of r.logs) expect((await g.stores.activations.get(c))?.cause).toBe(r.activationId);
        }
        expect(second.compositions.counters.resumed).toBe(5);
        const names = await g.stores.activations.list('guest', { name: 'slow', limit: 1000, skip: 0 });
        expect(names).toHaveLength(20);
        expect(await g.stores.progress.owned(second.compositions.owner, 100)).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await g.invokers[0]!.stop();
      await g.bus.close();
    }
  });
});
