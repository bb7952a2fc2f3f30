// Invoke and activations through the REST API, in one process (see http-api.test.ts).
import { propagation, type Context, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { warmKey } from '../../../shared/store/warm-registry.js';
import { waitFor } from '../../harness/wait-for.js';
import { startFixture, HELLO, type Fixture } from './controller-fixture.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});
const start = async (...args: Parameters<typeof startFixture>): Promise<Fixture> => (f = await startFixture(...args));
const A = '/api/v1/namespaces/_/actions';

describe('REST API: invoke', () => {
  it('blocking invoke answers the record with defaults merged under the request\'s parameters', async () => {
    const { api } = await start();
    await api('PUT', `${A}/hello`, { body: { ...HELLO, parameters: [{ key: 'name', value: 'default' }, { key: 'keep', value: 1 }] } });
    const r = await api('POST', `${A}/hello?blocking=true`, { body: { name: 'given' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-openwhisk-activation-id')).toBe(r.body.activationId);
    expect(r.body.activationId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.body).toMatchObject({ namespace: 'guest', name: 'hello', version: '0.0.1', response: { status: 'success', success: true, result: { name: 'given', keep: 1 } } });
    expect(r.body.response).not.toHaveProperty('statusCode');
    const only = await api('POST', `${A}/hello?blocking=true&result=true`, { body: { x: 2 } });
    expect(only).toMatchObject({ status: 200, body: { name: 'default', keep: 1, x: 2 } });
  });

  it('answers 502 for application and developer errors: full record, or just the result', async () => {
    const { api } = await start();
    await api('PUT', `${A}/hello`, { body: HELLO });
    const app = await api('POST', `${A}/hello?blocking=true`, { body: { fail: 'boom' } });
    expect(app.status).toBe(502);
    expect(app.body.response).toMatchObject({ status: 'application error', success: false, result: { error: 'boom' } });
    const dev = await api('POST', `${A}/hello?blocking=true&result=true`, { body: { crash: true } });
    expect(dev).toMatchObject({ status: 502, body: { error: 'The action did not return a dictionary.' } });
  });

  it('answers a record that came framed (as the invoker\'s bytes) byte for byte as one that came as an object, and as GET answers it', async () => {
    const { api, invokers } = await start();
    await api('PUT', `${A}/hello`, { body: HELLO });
    const texts: string[] = [];
    for (const framed of [false, true]) {
      invokers[0]!.framed = framed;
      for (const [query, body, status] of [['blocking=true', { name: 'é ✓ "q"' }, 200], ['blocking=true&result=true', { name: 'é ✓' }, 200], ['blocking=true', { fail: 'boom' }, 502], ['blocking=true&result=true', { crash: true }, 502]] as const) {
        const r = await api('POST', `${A}/hello?${query}`, { body });
        expect(r.status).toBe(status);
        const id = r.headers.get('x-openwhisk-activation-id')!;
        const got = await api('GET', `/api/v1/namespaces/_/activations/${id}${query.includes('result') ? '/result' : ''}`);
        // GET …/result answers {result}: the invoke's result-only answer is its value.
        expect(r.text).toBe(query.includes('result') ? JSON.stringify(got.body.result) : got.text);
        texts.push(r.text.replace(/[0-9a-f]{32}/g, 'ID').replace(/"(start|end|duration)":\d+/g, '"$1":0').replace(/"waitTime","value":\d+/, 'W').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, 'T'));
      }
    }
    expect(texts.slice(4)).toEqual(texts.slice(0, 4));
  });

  it('non-blocking invoke answers 202 with the id in body and header; the record appears in the store', async () => {
    const { api } = await start();
    await api('PUT', `${A}/hello`, { body: HELLO });
    const r = await api('POST', `${A}/hello`, { body: { n: 1 } });
    expect(r.status).toBe(202);
    expect(Object.keys(r.body)).toEqual(['activationId']);
    expect(r.headers.get('x-openwhisk-activation-id')).toBe(r.body.activationId);
    const rec = await waitFor('the record', async () => {
      const g = await api('GET', `/api/v1/namespaces/_/activations/${r.body.activationId}`);
      return g.status === 200 && g.body;
    });
    expect(rec.response.result).toEqual({ n: 1 });
  });

  it('answers 202 when the blocking wait runs out, and the activation still completes', async () => {
    const { api, controller } = await start();
    await api('PUT', `${A}/slow`, { body: HELLO });
    const t0 = Date.now();
    const r = await api('POST', `${A}/slow?blocking=true&timeout=150`, { body: { sleepMs: 600 } });
    expect(r.status).toBe(202);
    expect(Date.now() - t0).toBeLessThan(550);
    expect(r.headers.get('x-openwhisk-activation-id')).toBe(r.body.activationId);
    await waitFor('the late record', async () => (await api('GET', `/api/v1/namespaces/_/activations/${r.body.activationId}`)).status === 200);
    await waitFor('the in-flight entry to clear', () => controller.balancer.inFlightCount() === 0);
    expect((await api('POST', `${A}/slow?blocking=true&timeout=0`)).status).toBe(400);
    expect((await api('POST', `${A}/slow?blocking=true&timeout=60001`)).status).toBe(400);
  });

  it('answers 503 when no invoker has a fresh heartbeat', async () => {
    const { api, invokers } = await start({ heartbeatStaleMs: 300 });
    await api('PUT', `${A}/hello`, { body: HELLO });
    expect((await api('GET', '/invokers/ready', { auth: null })).status).toBe(200);
    expect((await api('GET', '/invokers/healthy/count', { auth: null })).body).toBe(1);
    await invokers[0]!.stop();
    await new Promise((r) => setTimeout(r, 450));
    expect((await api('GET', '/invokers/ready', { auth: null })).status).toBe(503);
    expect((await api('GET', '/invokers', { auth: null })).body).toEqual([expect.objectContaining({ id: 'invoker0', usable: false })]);
    const r = await api('POST', `${A}/hello?blocking=true`);
    expect(r.status).toBe(503);
    expect(r.body.error).toContain('No invokers available');
  });

  it('records a whisk internal error for an activation whose completion never comes (never silently lost)', async () => {
    const { api, controller } = await start({ completionGraceMs: 200, sweepIntervalMs: 50 });
    await api('PUT', `${A}/lossy`, { body: { ...HELLO, limits: { timeout: 100 } } });
    const r = await api('POST', `${A}/lossy?blocking=true`, { body: { drop: true } });
    expect(r.status).toBe(500);
    expect(r.body.response).toMatchObject({ status: 'whisk internal error', success: false });
    expect(r.body.response.result.error).toContain('lost');
    expect(controller.balancer.lostCount).toBe(1);
    expect(controller.balancer.inFlightCount()).toBe(0);
    // Non-blocking: the record is still written.
    const nb = await api('POST', `${A}/lossy`, { body: { drop: true } });
    const rec = await waitFor('the lost record', async () => {
      const g = await api('GET', `/api/v1/namespaces/_/activations/${nb.body.activationId}`);
      return g.status === 200 && g.body;
    });
    expect(rec.response.status).toBe('whisk internal error');
  });

  it('throttles invocations per minute and concurrent activations with OpenWhisk\'s 429 messages', async () => {
    // A fixed per-minute window legitimately resets at the minute: stay clear of the boundary.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 58_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 10));
    const { api, stores } = await start();
    await stores.auth.createNamespace('small', { invocationsPerMinute: 2, concurrentInvocations: 100 });
    const k = await stores.auth.addKey('small');
    const auth = `${k.uuid}:${k.key}`;
    await api('PUT', `${A}/hello`, { body: HELLO, auth });
    expect((await api('POST', `${A}/hello?blocking=true`, { auth })).status).toBe(200);
    expect((await api('POST', `${A}/hello?blocking=true`, { auth })).status).toBe(200);
    const third = await api('POST', `${A}/hello?blocking=true`, { auth });
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('Too many requests in the last minute (count: 3, allowed: 2).');

    await stores.auth.createNamespace('narrow', { concurrentInvocations: 1 });
    const n = await stores.auth.addKey('narrow');
    const nauth = `${n.uuid}:${n.key}`;
    await api('PUT', `${A}/hello`, { body: HELLO, auth: nauth });
    const first = api('POST', `${A}/hello?blocking=true`, { auth: nauth, body: { sleepMs: 300 } });
    await waitFor('one in flight', async () => (await stores.throttles.concurrent('narrow')) === 1);
    const second = await api('POST', `${A}/hello?blocking=true`, { auth: nauth });
    expect(second.status).toBe(429);
    expect(second.body.error).toBe('Too many concurrent requests in flight (count: 2, allowed: 1).');
    expect((await first).status).toBe(200);
    // The slot is released on completion.
    await waitFor('the slot released', async () => (await stores.throttles.concurrent('narrow')) === 0);
    expect((await api('POST', `${A}/hello?blocking=true`, { auth: nauth })).status).toBe(200);
  });

  it('publishes W3C trace context in the message headers', async () => {
    const injected: TextMapPropagator = {
      inject(_ctx: Context, carrier: unknown, setter: TextMapSetter) { setter.set(carrier, 'traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'); },
      extract: (ctx: Context) => ctx,
      fields: () => ['traceparent'],
    };
    propagation.setGlobalPropagator(injected);
    try {
      const { api, invokers } = await start();
      await api('PUT', `${A}/hello`, { body: HELLO });
      expect((await api('POST', `${A}/hello?blocking=true`)).status).toBe(200);
      const got = invokers[0]!.received.at(-1)!;
      expect(got.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      expect(got.message.traceContext).toEqual({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      expect(got.message).toMatchObject({ v: 1, action: { namespace: 'guest', name: 'hello', version: '0.0.1' }, namespace: 'guest', blocking: true, controller: 'controller0' });
      expect(got.message).not.toHaveProperty('code');
    } finally {
      propagation.disable();
    }
  });

  it('places on the invoker whose warm registry entry has an idle isolate, else on the home invoker', async () => {
    // Placement reads the registry at once here (no warm read cache): the test writes it between invokes.
    const { api, invokers, stores } = await start({ invokers: 3, warmCacheMs: 0 });
    const created = await api('PUT', `${A}/hello`, { body: HELLO });
    expect((await api('POST', `${A}/hello?blocking=true`)).status).toBe(200);
    const home = invokers.find((i) => i.received.length === 1)!;
    // The same action keeps going home while nothing else is known…
    await stores.warm.remove(home.id);
    expect((await api('POST', `${A}/hello?blocking=true`)).status).toBe(200);
    expect(home.received).toHaveLength(2);
    // …until another invoker reports an idle warm isolate of it (same revision).
    await stores.warm.remove(home.id);
    const other = invokers.find((i) => i !== home)!;
    const revision = (await stores.actions.get('guest', 'hello'))!.revision;
    expect(created.body.version).toBe('0.0.1');
    await stores.warm.set(other.id, warmKey('guest', 'guest', 'hello'), { revision, warm: 1, idle: 1, busy: 0 }, 5_000);
    expect((await api('POST', `${A}/hello?blocking=true`)).status).toBe(200);
    expect(other.received).toHaveLength(1);
  });
});

describe('REST API: activations', () => {
  it('lists newest first with name/limit/skip/since/upto/docs, and serves one record, its logs and result', async () => {
    const { api } = await start();
    await api('PUT', `${A}/a`, { body: HELLO });
    await api('PUT', `${A}/b`, { body: HELLO });
    const ids: string[] = [];
    for (const [name, i] of [['a', 0], ['b', 1], ['a', 2]] as const) {
      ids.push((await api('POST', `${A}/${name}?blocking=true`, { body: { i } })).body.activationId);
      await new Promise((r) => setTimeout(r, 3));
    }
    const list = await api('GET', '/api/v1/namespaces/_/activations');
    expect(list.body.map((x: { activationId: string }) => x.activationId)).toEqual([...ids].reverse());
    expect(list.body[0]).toMatchObject({ name: 'a', namespace: 'guest', statusCode: 0 });
    expect(list.body[0]).not.toHaveProperty('response');
    const named = await api('GET', '/api/v1/namespaces/_/activations?name=a&limit=1&skip=1&docs=true');
    expect(named.body).toHaveLength(1);
    expect(named.body[0]).toMatchObject({ activationId: ids[0], response: { result: { i: 0 }, success: true } });
    const second = (await api('GET', `/api/v1/namespaces/_/activations/${ids[1]}`)).body;
    const window = await api('GET', `/api/v1/namespaces/_/activations?since=${second.start}&upto=${second.start}`);
    expect(window.body.map((x: { activationId: string }) => x.activationId)).toContain(ids[1]);
    expect(window.body.map((x: { activationId: string }) => x.activationId)).not.toContain(ids[0]);

    expect(second).toMatchObject({ activationId: ids[1], name: 'b', response: { status: 'success' } });
    const logs = await api('GET', `/api/v1/namespaces/_/activations/${ids[1]}/logs`);
    expect(logs.body).toEqual({ logs: [expect.stringContaining('stdout: ran b')] });
    const result = await api('GET', `/api/v1/namespaces/_/activations/${ids[1]}/result`);
    expect(result.body).toEqual({ result: { i: 1 }, success: true, status: 'success' });
    expect((await api('GET', `/api/v1/namespaces/_/activations/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await api('GET', '/api/v1/namespaces/_/activations/not-an-id')).status).toBe(400);
    expect((await api('GET', '/api/v1/namespaces/_/activations?since=yesterday')).status).toBe(400);
  });
});
