// Actions that call photon back, in standalone's shape: the real controller and a real invoker in
// one process (in-process bus, memory stores), functions in isolates bound to real network
// namespaces behind the egress policy, isolates inline and in sandbox processes. The controller
// listens on 127.0.0.1 only: functions reach it through the link-local address the policy
// translates, and nothing else of the host (Redis, Kafka, the controller's port on other addresses).
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from '../../../controller/controller.js';
import { startInvoker, type RunningInvoker } from '../../../invoker/start-invoker.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { ADD, BUNDLED_CLIENT, CALLER, ENV, PROBE } from './callback-actions.js';

const GUEST = `${GUEST_UUID}:${GUEST_KEY}`;
/** Keys outlive their action's timeout by this little here, so the test can watch one expire. */
const KEY_GRACE_MS = 300;

type Json = Record<string, unknown>;

async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(key).toString('base64')}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Whether the host itself can open a TCP connection to host:port (the control for "refused from a function"). */
function hostCanConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(2000, () => { s.destroy(); resolve(false); });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

describe.each([
  { mode: 'inline' as const, idBase: 59776 },
  { mode: 'process' as const, idBase: 59808 },
])('actions calling photon back, standalone, isolates $mode', ({ mode, idBase }) => {
  const tag = `tak${mode[0]}`;
  let bus: InProcessBus;
  let stores: Stores;
  let invoker: RunningInvoker;
  let controller: RunningController;
  let bob: string;
  const api = (method: string, path: string, body?: unknown, key = GUEST): Promise<{ status: number; body: Json }> => call(controller.url, key, method, path, body);
  const put = async (name: string, code: string, extra: Json = {}, key = GUEST): Promise<void> => {
    const r = await api('PUT', `/api/v1/namespaces/_/actions/${name}?overwrite=true`, { exec: { kind: 'nodejs:20', code }, ...extra }, key);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const invoke = async (path: string, params: Json = {}, key = GUEST): Promise<Json> => {
    const r = await api('POST', `/api/v1/namespaces/${path}?blocking=true`, params, key);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const resultOf = (record: Json): Json => (record.response as { result: Json }).result;

  beforeAll(async () => {
    bus = new InProcessBus();
    stores = createMemoryStores();
    const topics = makeTopics(uniquePrefix(tag));
    invoker = await startInvoker({
      invokerId: tag, bus, stores, topics, isolation: 'on', sandbox: mode, sandboxes: 1,
      namespaceIdBase: idBase, namespaceIdCount: 32, namespaceFloor: 2, namespaceCeiling: 16, heartbeatMs: 200,
    });
    controller = await startController({ bus, stores, topics }, { port: 0, controllerId: `${tag}c`, actionKeyGraceMs: KEY_GRACE_MS });
    await invoker.exposeApi(controller.url);
    const deadline = Date.now() + 15_000;
    while (controller.balancer.usableInvokers() < 1) {
      if (Date.now() > deadline) throw new Error('the invoker never became usable');
      await new Promise((r) => setTimeout(r, 20));
    }
    await stores.auth.createNamespace('bob');
    const creds = await stores.auth.addKey('bob');
    bob = `${creds.uuid}:${creds.key}`;
    await put('add', ADD);
    await put('caller', CALLER, { annotations: [{ key: 'provide-api-key', value: true }], limits: { timeout: 3000 } });
    await put('plain', ENV);
    await put('refused', ENV, { annotations: [{ key: 'provide-api-key', value: false }] });
    await put('probe', PROBE);
  }, 120_000);

  afterAll(async () => {
    await controller?.close();
    await invoker?.close();
    await bus?.close();
    await stores?.close();
  });

  it('hands a provide-api-key action __OW_API_HOST and __OW_API_KEY, with which it invokes another action through the REST API', async () => {
    expect(invoker.apiHost).toBe(`http://169.254.0.1:${controller.port}`);
    const record = await invoke('_/actions/caller', { target: 'add', params: { a: 2, b: 3 } });
    const result = resultOf(record);
    expect(result.status, JSON.stringify(result)).toBe(200);
    expect(result.body).toEqual({ sum: 5, namespace: 'guest' });
    expect(result.host).toBe(invoker.apiHost);
    expect(result.key).toMatch(/^[0-9a-f-]{36}:[A-Za-z0-9]{64}$/);
    // A key of its own, not the namespace's.
    expect(result.key).not.toBe(GUEST);
    // The activation it started names the original caller (OpenWhisk's subject), not the key.
    const child = await api('GET', '/api/v1/namespaces/_/activations?name=add&limit=1&docs=true');
    expect((child.body as unknown as Json[])[0]).toMatchObject({ name: 'add', subject: GUEST_UUID, response: { result: { sum: 5 } } });
  });

  it("a provide-api-key action invokes another one with the openwhisk client OpenWhisk's image bundles (no zip)", async () => {
    await put('owclient', BUNDLED_CLIENT, { annotations: [{ key: 'provide-api-key', value: true }], limits: { timeout: 5000 } });
    const result = resultOf(await invoke('_/actions/owclient', { a: 4, b: 5 }));
    expect(result).toEqual({ result: { sum: 9, namespace: 'guest' }, listed: 1 });
  });

  it('gives no key to an action without the annotation or with it false, and __OW_API_HOST to every action', async () => {
    expect(resultOf(await invoke('_/actions/plain'))).toEqual({ host: invoker.apiHost, key: null });
    expect(resultOf(await invoke('_/actions/refused'))).toEqual({ host: invoker.apiHost, key: null });
  });

  it('the key stops working once its activation is over (timeout + grace), on the same controller that cached it', async () => {
    const record = await invoke('_/actions/caller', { path: '/api/v1/namespaces', method: 'GET' });
    const result = resultOf(record);
    expect(result.body).toEqual(['guest']);
    const key = String(result.key);
    // Minted before the activation started, valid for its timeout (3 s) plus the grace.
    const expired = Number(record.end) + 3000 + KEY_GRACE_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, expired - Date.now() + 100)));
    const after = await api('GET', '/api/v1/namespaces/_/actions', undefined, key);
    expect(after.status).toBe(401);
  });

  it("acts with its caller's rights only: another namespace's private action is refused, a shared package's action gets its invoker's key", async () => {
    await put('secret', ADD, {}, bob);
    const denied = resultOf(await invoke('_/actions/caller', { ns: 'bob', target: 'secret' }));
    expect(denied.status).toBe(403);
    const write = resultOf(await invoke('_/actions/caller', { method: 'DELETE', path: '/api/v1/namespaces/bob/actions/secret' }));
    expect(write.status).toBe(403);
    expect((await api('GET', '/api/v1/namespaces/_/actions/secret', undefined, bob)).status).toBe(200);
    // Bob runs guest's shared action: its key is bob's, so it sees bob's namespace, not guest's.
    expect((await api('PUT', '/api/v1/namespaces/_/packages/pub?overwrite=true', { publish: true })).status).toBe(200);
    await put('pub/who', CALLER, { annotations: [{ key: 'provide-api-key', value: true }] });
    const who = resultOf(await invoke('guest/actions/pub/who', { path: '/api/v1/namespaces', method: 'GET' }, bob));
    expect(who.body).toEqual(['bob']);
  });

  it('reaches the API and nothing else of the host: Redis and Kafka on every host address are refused', async () => {
    const lan = Object.entries(networkInterfaces())
      .filter(([name]) => name !== 'lo' && !name.startsWith('ph-'))
      .flatMap(([, list]) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address));
    // One host end of a veth stands for all (the same rules match every one). Few targets: the
    // kernel rate-limits the ICMP rejects to about one a second per function address after a burst.
    const hostEnds = Object.entries(networkInterfaces())
      .filter(([name]) => name.startsWith(`ph-${tag}-h`))
      .flatMap(([, list]) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address)).slice(0, 1);
    expect(hostEnds.length).toBeGreaterThan(0);
    // The control: from the host, Redis and Kafka answer on loopback, so a refusal below is the policy's.
    expect(await hostCanConnect('127.0.0.1', 6379)).toBe(true);
    expect(await hostCanConnect('127.0.0.1', 9092)).toBe(true);
    const targets = ['169.254.0.1', ...lan, ...hostEnds].flatMap((host) => [6379, 9092].map((port) => ({ host, port })));
    // The API's own port on any address but the translated one is refused too.
    targets.push(...hostEnds.map((host) => ({ host, port: controller.port })));
    const out = resultOf(await invoke('_/actions/probe', { targets }));
    expect(out.api).toBe('200 "pong"');
    for (const t of targets) expect(out[`${t.host}:${t.port}`], `${t.host}:${t.port}`).toBe('refused');
  });

  it('/whisk.system/utils/hosturl answers the API host functions reach', async () => {
    const r = resultOf(await invoke('whisk.system/actions/utils/hosturl', { path: 'add' }));
    expect(r).toEqual({ url: `${invoker.apiHost}/api/v1/namespaces/guest/actions/add` });
    const ping = await fetch(`${controller.url}/ping`);
    expect(ping.status).toBe(200);
  });
});
