// A state store outage answers 503 with OpenWhisk's {error, code} body (retryable), while any
// other store failure stays a 500 that does not leak its message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../shared/store/store-unavailable-error.js';
import { startFixture, HELLO, type Fixture } from './controller-fixture.js';

let f: Fixture | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await f?.close();
  f = undefined;
});

describe('REST API: the state store is unavailable', () => {
  it('answers 503 {error, code} when a store rejects with StoreUnavailableError', async () => {
    f = await startFixture();
    expect((await f.api('PUT', '/api/v1/namespaces/_/actions/hello', { body: HELLO })).status).toBe(200);
    vi.spyOn(f.stores.actions, 'get').mockRejectedValue(new StoreUnavailableError({ cause: new Error('Connection is closed.') }));

    for (const [method, path] of [['GET', '/api/v1/namespaces/_/actions/hello'], ['POST', '/api/v1/namespaces/_/actions/hello']] as const) {
      const r = await f.api(method, path);
      expect(r.status, `${method} ${path}`).toBe(503);
      expect(r.body).toEqual({ error: 'The state store (Redis) is unavailable; retry shortly.', code: expect.any(String) });
      expect(r.body.code).toBe(r.headers.get('x-request-id'));
    }
  });

  it('answers 503 when authentication cannot reach the store', async () => {
    f = await startFixture();
    vi.spyOn(f.stores.auth, 'authenticate').mockRejectedValue(new StoreUnavailableError());
    const r = await f.api('GET', '/api/v1/namespaces');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: expect.stringContaining('unavailable'), code: expect.any(String) });
  });

  it('keeps any other store error a 500 with the generic message', async () => {
    f = await startFixture();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(f.stores.actions, 'get').mockRejectedValue(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'));
    const r = await f.api('GET', '/api/v1/namespaces/_/actions/hello');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: 'The server encountered an internal error.', code: expect.any(String) });
  });
});
