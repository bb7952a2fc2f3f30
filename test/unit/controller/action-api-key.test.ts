// provide-api-key on the controller's side: which actions get a key (OpenWhisk's isTruthy), that
// the key is minted once per such activation and never for others (no store write on the common
// path), that it authenticates as the caller until its activation's horizon and not after, and
// that no identity cache keeps it alive past that.
import { afterEach, describe, expect, it } from 'vitest';
import { isTruthyAnnotation } from '../../../controller/activation/action-api-key.js';
import { IdentityCache } from '../../../controller/identity-cache.js';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { MemoryAuthStore } from '../../../shared/store/memory-auth-store.js';
import { waitFor } from '../../harness/wait-for.js';
import { HELLO, startFixture, type Fixture } from './controller-fixture.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('isTruthyAnnotation (OpenWhisk Parameters.isTruthy, absent = false)', () => {
  it.each([
    [true, true], ['yes', true], ['false', true], [1, true], [{}, true], [[], true],
    [false, false], [0, false], ['', false], [null, false],
  ])('%j → %s', (value, truthy) => {
    expect(isTruthyAnnotation([{ key: 'provide-api-key', value }], 'provide-api-key')).toBe(truthy);
  });
  it('absent → false', () => {
    expect(isTruthyAnnotation([{ key: 'other', value: true }], 'provide-api-key')).toBe(false);
  });
});

describe('activation-scoped keys through the activation path', () => {
  it('mints one key per activation of a provide-api-key action, none for any other, and sends it in the message', async () => {
    f = await startFixture({ actionKeyGraceMs: 5_000 });
    const minted: number[] = [];
    const mint = f.stores.auth.addActivationKey.bind(f.stores.auth);
    f.stores.auth.addActivationKey = async (identity, ttlMs) => { minted.push(ttlMs); return mint(identity, ttlMs); };
    await f.api('PUT', '/api/v1/namespaces/_/actions/keyed', { body: { ...HELLO, annotations: [{ key: 'provide-api-key', value: true }], limits: { timeout: 2_000 } } });
    await f.api('PUT', '/api/v1/namespaces/_/actions/plain', { body: HELLO });
    await f.api('PUT', '/api/v1/namespaces/_/actions/off', { body: { ...HELLO, annotations: [{ key: 'provide-api-key', value: false }] } });
    for (const name of ['plain', 'off', 'plain']) expect((await f.api('POST', `/api/v1/namespaces/_/actions/${name}?blocking=true`)).status).toBe(200);
    expect(minted).toEqual([]);
    const a = await f.api('POST', '/api/v1/namespaces/_/actions/keyed?blocking=true');
    const b = await f.api('POST', '/api/v1/namespaces/_/actions/keyed?blocking=true');
    expect(minted).toEqual([7_000, 7_000]);
    const messages = f.invokers[0]!.received.map((r) => r.message);
    expect(messages.filter((m) => m.action.name !== 'keyed').every((m) => m.apiKey === undefined)).toBe(true);
    const keys = [a, b].map((r) => messages.find((m) => m.activationId === r.body.activationId)!.apiKey!);
    expect(keys[0]).not.toBe(keys[1]);
    const [uuid, key] = keys[0]!.split(':') as [string, string];
    const identity = await f.stores.auth.authenticate(uuid, key);
    expect(identity).toMatchObject({ namespace: 'guest', subject: GUEST_UUID });
    expect(identity!.expiresAt! - Date.now()).toBeLessThanOrEqual(7_000);
    // The key is the caller's: it works on the REST API as guest, and no record carries it.
    const listed = await f.api('GET', '/api/v1/namespaces', { auth: keys[0]! });
    expect(listed.body).toEqual(['guest']);
    const record = await f.api('GET', `/api/v1/namespaces/_/activations/${String(a.body.activationId)}`);
    expect(JSON.stringify(record.body)).not.toContain(key);
  });

  it("mints the key for the caller, not the action's owner, when another namespace runs a shared action", async () => {
    f = await startFixture();
    await f.stores.auth.createNamespace('bob');
    const bob = await f.stores.auth.addKey('bob');
    await f.api('PUT', '/api/v1/namespaces/_/packages/pub', { body: { publish: true } });
    await f.api('PUT', '/api/v1/namespaces/_/actions/pub/keyed', { body: { ...HELLO, annotations: [{ key: 'provide-api-key', value: true }] } });
    const run = await f.api('POST', '/api/v1/namespaces/guest/actions/pub/keyed', { auth: `${bob.uuid}:${bob.key}` });
    expect(run.status).toBe(202);
    await waitFor('the message', () => f!.invokers[0]!.received.some((r) => r.message.activationId === run.body.activationId));
    const apiKey = f.invokers[0]!.received.find((r) => r.message.activationId === run.body.activationId)!.message.apiKey!;
    const [uuid, key] = apiKey.split(':') as [string, string];
    expect(await f.stores.auth.authenticate(uuid, key)).toMatchObject({ namespace: 'bob', subject: bob.uuid });
  });
});

describe('MemoryAuthStore.addActivationKey and IdentityCache', () => {
  it('authenticates as the identity until the ttl, then never again, and prunes what expired', async () => {
    let now = 1_000_000;
    const auth = new MemoryAuthStore(() => now);
    await auth.createNamespace('guest');
    const caller = { namespace: 'guest', subject: 'the-caller', limits: {} };
    const [uuid, key] = (await auth.addActivationKey(caller, 500)).split(':') as [string, string];
    expect(await auth.authenticate(uuid, key)).toEqual({ namespace: 'guest', subject: 'the-caller', limits: {}, expiresAt: 1_000_500 });
    expect(await auth.authenticate(uuid, `${key.slice(1)}x`)).toBeUndefined();
    now += 499;
    expect(await auth.authenticate(uuid, key)).toBeDefined();
    now += 1;
    expect(await auth.authenticate(uuid, key)).toBeUndefined();
    // A later mint drops it for good (the map does not grow with every activation).
    await auth.addActivationKey(caller, 500);
    now -= 100;
    expect(await auth.authenticate(uuid, key)).toBeUndefined();
  });

  it('keeps an expiring identity cached no longer than its expiry', async () => {
    let now = 0;
    const auth = new MemoryAuthStore(() => now);
    await auth.createNamespace('guest');
    const [uuid, key] = (await auth.addActivationKey({ namespace: 'guest', subject: 's', limits: {} }, 300)).split(':') as [string, string];
    let reads = 0;
    const counted = { authenticate: (u: string, k: string) => { reads++; return auth.authenticate(u, k); } };
    const cache = new IdentityCache(counted, 10_000, () => now);
    expect(await cache.authenticate(uuid, key)).toBeDefined();
    now = 299;
    expect(await cache.authenticate(uuid, key)).toBeDefined();
    expect(reads).toBe(1);
    now = 300;
    expect(await cache.authenticate(uuid, key)).toBeUndefined();
    expect(reads).toBe(2);
    // An ordinary key still gets the cache's whole ttl.
    await auth.addKey('guest', { uuid: GUEST_UUID, key: GUEST_KEY });
    expect(await cache.authenticate(GUEST_UUID, GUEST_KEY)).toBeDefined();
    now = 9_000;
    expect(await cache.authenticate(GUEST_UUID, GUEST_KEY)).toBeDefined();
    expect(reads).toBe(3);
  });
});
