// The activation service behind every caller: parameters merged once (defaults < invocation),
// the same throttles for invokes and trigger fires (a rule activation takes a concurrency slot),
// typed domain errors (no HTTP in them) and slots released on every path.
import { afterEach, describe, expect, it } from 'vitest';
import { EntityNotFoundError, ThrottledError } from '../../../controller/activation/activation-errors.js';
import { ActivationService } from '../../../controller/activation/activation-service.js';
import { Throttler } from '../../../controller/throttler.js';
import { DEFAULT_NAMESPACE_LIMITS } from '../../../shared/store/namespace-limits.js';
import { waitFor } from '../../harness/wait-for.js';
import { HELLO, startFixture, type Fixture } from './controller-fixture.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

function serviceOf(fx: Fixture): ActivationService {
  const throttler = new Throttler(fx.stores.throttles, { ...DEFAULT_NAMESPACE_LIMITS });
  return new ActivationService({ stores: fx.stores, balancer: fx.controller.balancer, throttler, slotTtlMs: 60_000 });
}

describe('ActivationService', () => {
  it('merges the action\'s parameters under the invocation\'s, once, before publishing', async () => {
    f = await startFixture();
    await f.api('PUT', '/api/v1/namespaces/_/actions/defaults', { body: { ...HELLO, parameters: [{ key: 'a', value: 'default' }, { key: 'b', value: 'default' }] } });
    const caller = { namespace: 'guest', subject: 's', limits: {} };
    const started = await serviceOf(f).start({ caller, action: { namespace: 'guest', name: 'defaults' }, params: { b: 'call' }, blocking: true });
    const record = await serviceOf(f).awaitRecord(started, 5_000);
    expect(f.invokers[0]!.received.find((r) => r.message.activationId === started.activationId)?.message.params).toEqual({ a: 'default', b: 'call' });
    expect(record?.record().response.result).toEqual({ a: 'default', b: 'call' });
  });

  it('refuses with typed errors and holds no slot afterwards', async () => {
    f = await startFixture();
    const service = serviceOf(f);
    await f.stores.auth.createNamespace('one', { concurrentInvocations: 1 });
    const caller = { namespace: 'one', subject: 's', limits: { concurrentInvocations: 1 } };
    await expect(service.start({ caller, action: { namespace: 'one', name: 'missing' }, params: {}, blocking: false })).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(await f.stores.throttles.concurrent('one')).toBe(0);
    await f.stores.actions.put({ namespace: 'one', name: 'slow', exec: { kind: 'nodejs:20', code: 'x' }, parameters: [], annotations: [], limits: { timeout: 60_000, memory: 256, logs: 1024, concurrency: 1 }, publish: false }, { overwrite: false });
    const first = await service.start({ caller, action: { namespace: 'one', name: 'slow' }, params: { sleepMs: 300 }, blocking: false });
    const refused = await service.start({ caller, action: { namespace: 'one', name: 'slow' }, params: {}, blocking: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ThrottledError);
    expect((refused as ThrottledError).limit).toBe('concurrentInvocations');
    expect((refused as Error).message).toBe('Too many concurrent requests in flight (count: 2, allowed: 1).');
    await first.finished;
    await waitFor('slot released on completion', async () => (await f!.stores.throttles.concurrent('one')) === 0);
  });

  it('a trigger fire\'s rule activation takes a concurrency slot like an invoke (and is refused when none is free)', async () => {
    f = await startFixture();
    await f.stores.auth.createNamespace('narrow', { concurrentInvocations: 1 });
    const k = await f.stores.auth.addKey('narrow');
    const auth = `${k.uuid}:${k.key}`;
    const NS = '/api/v1/namespaces/_';
    await f.api('PUT', `${NS}/actions/echo`, { body: HELLO, auth });
    await f.api('PUT', `${NS}/triggers/t`, { body: {}, auth });
    await f.api('PUT', `${NS}/rules/r`, { body: { trigger: 't', action: 'echo' }, auth });
    // The fire's rule activation holds the namespace's only slot while it runs.
    const fired = await f.api('POST', `${NS}/triggers/t`, { body: { sleepMs: 400 }, auth });
    expect(fired.status).toBe(202);
    await waitFor('the rule activation holds a slot', async () => (await f!.stores.throttles.concurrent('narrow')) === 1);
    expect((await f.api('POST', `${NS}/actions/echo`, { auth })).status).toBe(429);
    // And a second fire's rule activation is refused by the same throttle, said in the rule log.
    const again = await f.api('POST', `${NS}/triggers/t`, { body: {}, auth });
    const rec = await f.api('GET', `${NS}/activations/${again.body.activationId}`, { auth });
    const log = JSON.parse((rec.body.logs as string[])[0]!);
    expect(log).toMatchObject({ success: false, rule: 'narrow/r', action: 'narrow/echo', error: 'Too many concurrent requests in flight (count: 2, allowed: 1).' });
    await waitFor('slot released', async () => (await f!.stores.throttles.concurrent('narrow')) === 0);
  });
});
