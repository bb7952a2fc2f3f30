import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../controller/api-error.js';
import { authenticate, parseBasicAuth, resolveNamespacePath } from '../../../controller/auth.js';
import { ensureGuest, GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { MemoryAuthStore } from '../../../shared/store/memory-auth-store.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('auth', () => {
  it('parses Basic uuid:key, keeping colons inside the key', () => {
    expect(parseBasicAuth(basic('u:k'))).toEqual({ uuid: 'u', key: 'k' });
    expect(parseBasicAuth(basic('u:k:more'))).toEqual({ uuid: 'u', key: 'k:more' });
    expect(parseBasicAuth(basic('nocolon'))).toBeUndefined();
    expect(parseBasicAuth(basic(':k'))).toBeUndefined();
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth(undefined)).toBeUndefined();
  });

  it('answers 401 for a missing or wrong key and the identity for the right one', async () => {
    const store = new MemoryAuthStore();
    await ensureGuest(store);
    await expect(authenticate({}, store)).rejects.toMatchObject({ status: 401 });
    await expect(authenticate({ authorization: basic(`${GUEST_UUID}:wrong`) }, store)).rejects.toMatchObject({ status: 401 });
    await expect(authenticate({ authorization: basic(`${GUEST_UUID}:${GUEST_KEY}`) }, store)).resolves.toMatchObject({ namespace: 'guest' });
  });

  it('resolves _ to the own namespace, keeps a package path, and refuses malformed paths with 400', () => {
    const id = { namespace: 'alice', subject: 'u', limits: {} };
    expect(resolveNamespacePath('_', id)).toBe('alice');
    expect(resolveNamespacePath('alice', id)).toBe('alice');
    expect(resolveNamespacePath('_/pkg', id)).toBe('alice/pkg');
    // Another namespace is entitlement.ts's decision (403 there, tested with the API).
    expect(resolveNamespacePath('bob', id)).toBe('bob');
    for (const bad of ['a/b/c', '/a', 'a/']) expect(() => resolveNamespacePath(bad, id)).toThrow(ApiError);
  });
});

describe('IdentityCache', () => {
  it('reuses a successful check for ttl, never caches failures, and rechecks a different key', async () => {
    const { IdentityCache } = await import('../../../controller/identity-cache.js');
    const store = new MemoryAuthStore();
    await ensureGuest(store);
    let calls = 0;
    let now = 0;
    const counting = { authenticate: async (u: string, k: string) => { calls++; return store.authenticate(u, k); } };
    const cache = new IdentityCache(counting, 1_000, () => now);
    expect(await cache.authenticate(GUEST_UUID, GUEST_KEY)).toMatchObject({ namespace: 'guest' });
    expect(await cache.authenticate(GUEST_UUID, GUEST_KEY)).toMatchObject({ namespace: 'guest' });
    expect(calls).toBe(1);
    expect(await cache.authenticate(GUEST_UUID, 'wrong')).toBeUndefined();
    expect(await cache.authenticate(GUEST_UUID, 'wrong')).toBeUndefined();
    expect(calls).toBe(3);
    await store.removeKey(GUEST_UUID);
    now = 1_001;
    expect(await cache.authenticate(GUEST_UUID, GUEST_KEY)).toBeUndefined();
  });
});
