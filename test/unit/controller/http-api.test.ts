// The REST API end to end in one process: real HTTP on 127.0.0.1:0, the real controller and load
// balancer, InProcessBus, memory stores and a fake invoker above the bus.
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, HELLO, type Fixture } from './controller-fixture.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});
const start = async (...args: Parameters<typeof startFixture>): Promise<Fixture> => (f = await startFixture(...args));

describe('REST API: auth and namespaces', () => {
  it('answers 401 without or with a wrong key, and lists the caller\'s namespace', async () => {
    const { api } = await start();
    const none = await api('GET', '/api/v1/namespaces', { auth: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: expect.stringContaining('requires authentication'), code: expect.any(String) });
    expect((await api('GET', '/api/v1/namespaces', { auth: 'nobody:nothing' })).status).toBe(401);
    expect((await api('GET', '/api/v1/namespaces', { auth: '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:wrong' })).status).toBe(401);
    const ok = await api('GET', '/api/v1/namespaces');
    expect(ok).toMatchObject({ status: 200, body: ['guest'] });
  });

  it('keeps a key inside its own namespace: 403 for another namespace, 404 for its activations', async () => {
    const { api, stores } = await start();
    await stores.auth.createNamespace('alice');
    const alice = await stores.auth.addKey('alice');
    const aliceAuth = `${alice.uuid}:${alice.key}`;
    expect((await api('PUT', '/api/v1/namespaces/_/actions/hello', { body: HELLO })).status).toBe(200);
    const inv = await api('POST', '/api/v1/namespaces/guest/actions/hello?blocking=true');
    expect(inv.status).toBe(200);
    const id = inv.body.activationId as string;

    expect((await api('GET', '/api/v1/namespaces/guest/actions/hello', { auth: aliceAuth })).status).toBe(403);
    expect((await api('POST', '/api/v1/namespaces/guest/actions/hello', { auth: aliceAuth })).status).toBe(403);
    expect((await api('GET', `/api/v1/namespaces/_/activations/${id}`, { auth: aliceAuth })).status).toBe(404);
    expect((await api('GET', `/api/v1/namespaces/_/activations/${id}/result`, { auth: aliceAuth })).status).toBe(404);
    expect((await api('GET', '/api/v1/namespaces/_/activations', { auth: aliceAuth })).body).toEqual([]);
    expect((await api('GET', '/api/v1/namespaces/_/actions/hello', { auth: aliceAuth })).status).toBe(404);
    expect((await api('GET', '/api/v1/namespaces', { auth: aliceAuth })).body).toEqual(['alice']);
  });
});

describe('REST API: actions', () => {
  it('creates, refuses a duplicate, updates with a version bump, gets with and without code, lists, deletes', async () => {
    const { api } = await start();
    const created = await api('PUT', '/api/v1/namespaces/_/actions/hello', { body: { ...HELLO, parameters: [{ key: 'name', value: 'world' }], annotations: [{ key: 'a', value: 1 }] } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ namespace: 'guest', name: 'hello', version: '0.0.1', exec: { kind: 'nodejs:20', code: HELLO.exec.code }, parameters: [{ key: 'name', value: 'world' }], limits: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 }, publish: false });
    const dup = await api('PUT', '/api/v1/namespaces/_/actions/hello', { body: HELLO });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toContain('already exists');
    const updated = await api('PUT', '/api/v1/namespaces/_/actions/hello?overwrite=true', { body: { parameters: [{ key: 'name', value: 'again' }] } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: '0.0.2', exec: { code: HELLO.exec.code }, parameters: [{ key: 'name', value: 'again' }] });

    const withCode = await api('GET', '/api/v1/namespaces/guest/actions/hello');
    expect(withCode.body.exec.code).toBe(HELLO.exec.code);
    const noCode = await api('GET', '/api/v1/namespaces/guest/actions/hello?code=false');
    expect(noCode.status).toBe(200);
    expect(noCode.body.exec).not.toHaveProperty('code');
    expect(noCode.body.exec.kind).toBe('nodejs:20');

    for (const n of ['b', 'c', 'd']) {
      await new Promise((r) => setTimeout(r, 2));
      expect((await api('PUT', `/api/v1/namespaces/_/actions/${n}`, { body: HELLO })).status).toBe(200);
    }
    const all = await api('GET', '/api/v1/namespaces/_/actions');
    expect(all.body.map((a: { name: string }) => a.name)).toEqual(['d', 'c', 'b', 'hello']);
    const page = await api('GET', '/api/v1/namespaces/_/actions?limit=2&skip=1');
    expect(page.body.map((a: { name: string }) => a.name)).toEqual(['c', 'b']);
    expect((await api('GET', '/api/v1/namespaces/_/actions?limit=201')).status).toBe(400);

    const del = await api('DELETE', '/api/v1/namespaces/_/actions/hello');
    expect(del).toMatchObject({ status: 200, body: { name: 'hello' } });
    expect((await api('DELETE', '/api/v1/namespaces/_/actions/hello')).status).toBe(404);
    expect((await api('GET', '/api/v1/namespaces/_/actions/hello')).status).toBe(404);
    expect((await api('POST', '/api/v1/namespaces/_/actions/hello')).status).toBe(404);
  });

  it('answers 400 saying what to fix, and 405 for unknown methods', async () => {
    const { api } = await start();
    const badLimit = await api('PUT', '/api/v1/namespaces/_/actions/x', { body: { ...HELLO, limits: { memory: 4096 } } });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error).toMatch(/limits\.memory 4096 is out of range.*128 MB and 512 MB/);
    const badKind = await api('PUT', '/api/v1/namespaces/_/actions/x', { body: { exec: { kind: 'java', code: '' } } });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error).toContain('nodejs:20');
    expect((await api('PUT', '/api/v1/namespaces/_/actions/x', { body: '{not json' })).status).toBe(400);
    expect((await api('PUT', '/api/v1/namespaces/_/actions/-bad', { body: HELLO })).status).toBe(400);
    expect((await api('POST', '/api/v1/namespaces/_/actions/x?blocking=maybe')).status).toBe(400);
    const patch = await api('PATCH', '/api/v1/namespaces/_/actions/x', { body: HELLO });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toContain('PUT');
  });

  it('answers 413 for bodies over the payload limit, declared or streamed, and over the code limit on action PUTs only', async () => {
    const { api, controller } = await start({ payloadLimitBytes: 64 * 1024, codeLimitBytes: 64 * 1024 });
    // An action PUT may carry code + a payload's worth of the rest: 128 KB here.
    const big = JSON.stringify({ ...HELLO, exec: { ...HELLO.exec, code: 'x'.repeat(140 * 1024) } });
    const declared = await api('PUT', '/api/v1/namespaces/_/actions/big', { body: big });
    expect(declared.status).toBe(413);
    expect(declared.body.error).toMatch(/Request larger than allowed: \d+ > 131072 bytes/);
    const overCode = await api('PUT', '/api/v1/namespaces/_/actions/big', { body: JSON.stringify({ ...HELLO, exec: { ...HELLO.exec, code: 'x'.repeat(70 * 1024) } }) });
    expect(overCode.status).toBe(413);
    expect(overCode.body.error).toContain('larger than the allowed 65536 bytes (the action code limit)');
    // The same 70 KB as invoke parameters: over the payload limit.
    const params = await api('POST', '/api/v1/namespaces/_/actions/big', { body: JSON.stringify({ p: 'x'.repeat(70 * 1024) }) });
    expect(params.status).toBe(413);
    // Chunked, without Content-Length: refused once the limit is crossed.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(8 * 1024)));
        c.close();
      },
    });
    const res = await fetch(`${controller.url}/api/v1/namespaces/_/actions/big?blocking=true`, {
      method: 'POST', body: stream, duplex: 'half',
      headers: { authorization: `Basic ${Buffer.from('23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP').toString('base64')}` },
    } as RequestInit & { duplex: 'half' }).catch((err: unknown) => err);
    if (res instanceof Response) expect(res.status).toBe(413);
    else throw new Error(`streamed oversize body: the server closed without an answer: ${String(res)}`);
    expect((await api('GET', '/api/v1/namespaces/_/actions/big')).status).toBe(404);
  });
});
