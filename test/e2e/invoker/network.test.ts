// Host APIs in real namespaces (root): what a function can reach through fetch and tcp, listening
// on a port inside its own namespace, two functions on the same port, and the namespace an
// isolate holds for its life. The first two groups run twice: with isolates in this process
// (inline) and in sandbox processes (PHOTON_SANDBOX=process), where every socket is made by the
// supervisor in the function's namespace and passed to the sandbox as a file descriptor.
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import type { ActivationInput, ActivationOutcome } from '../../../invoker/pool/activation-outcome.js';
import { SandboxRunner } from '../../../invoker/sandbox/sandbox-runner.js';
import type { Action } from '../../../shared/model/action.js';
import type { PoolEvent } from '../../../invoker/pool/pool-events.js';
import type { NetworkNamespace } from '../../../native/index.js';
import { createNamespaceCache } from '../../../native/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { activation, makeAction } from '../../unit/invoker/fixtures.js';
import { connectFrom, fetchToken } from '../native/helpers.js';
import type { RecordingCache } from './recording-cache.js';
import { recording } from './recording-cache.js';

/** What the cases need of the execution layer: run one activation (an IsolatePool, or sandboxes). */
interface Runs {
  run(action: Action, params: Record<string, unknown>, a: ActivationInput): Promise<ActivationOutcome>;
}

let cache: RecordingCache;
let inline: IsolatePool;
let sandboxes: SandboxRunner;
let pool: Runs;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  cache = recording(createNamespaceCache({ invokerId: 'tin', idBase: 61504, idCount: 64, floor: 4, ceiling: 32, isolation: 'on' }));
  await cache.start();
  inline = new IsolatePool({ namespaces: cache, prewarm: { count: 1, memoryMb: 128 }, userMemoryMb: 4096, strictLifecycle: true, idPrefix: 'tin' });
  await inline.start();
  sandboxes = new SandboxRunner({ invokerId: 'tin', namespaces: cache, count: 2, userMemoryMb: 4096, prewarm: { count: 1, memoryMb: 128 } });
  await sandboxes.start();
}, 60_000);

const MODES: [string, () => Runs][] = [
  ['inline', () => inline],
  ['in sandbox processes', () => ({
    run: (action, params, a) => sandboxes.run({ action, params, activationId: a.activationId, namespace: a.namespace, deadline: Date.now() + action.limits.timeout }),
  })],
];

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await inline?.close();
  await sandboxes?.close();
  await cache?.close();
});

/** An HTTP server on the host that counts requests; closed after the file. */
async function hostServer(host: string): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('host service');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, hits: () => hits };
}

function hostExternalAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('10.')) return a.address;
  }
  return undefined;
}

/** What the egress policy does to a forbidden connection: reject it (EHOSTUNREACH) or drop it. */
const BLOCKED = /^(timeout|error: (fetch|connect) failed: .*(EHOSTUNREACH|ENETUNREACH))/;

const PROBE = `
const race = (p, ms) => Promise.race([
  p.then((r) => { if (r && typeof r.destroy === 'function') r.destroy(); return 'connected'; }, (e) => 'error: ' + e.message),
  new Promise((r) => setTimeout(() => r('timeout'), ms)),
]);
async function main(p) {
  const out = {};
  out.fetchLoopback = await race(fetch('http://127.0.0.1:' + p.loopbackPort + '/'), 800);
  out.fetchLocalhost = await race(fetch('http://localhost:' + p.anyPort + '/'), 800);
  out.tcpLoopback = await race(tcp.connect({ host: '127.0.0.1', port: p.loopbackPort }), 800);
  if (p.hostAddress) {
    out.fetchHostSide = await race(fetch('http://' + p.hostAddress + ':' + p.anyPort + '/'), 800);
    out.tcpHostSide = await race(tcp.connect({ host: p.hostAddress, port: p.anyPort }), 800);
  }
  if (p.external) out.fetchExternal = await race(fetch('http://' + p.external + ':' + p.anyPort + '/'), 800);
  return out;
}`;

describe.each(MODES)('%s', (_mode, runs) => {
beforeAll(() => {
  pool = runs();
});

describe('reaching out', () => {
  it('cannot reach host loopback services or the host side of its veth through fetch or tcp', async () => {
    const loopback = await hostServer('127.0.0.1');
    const any = await hostServer('0.0.0.0');
    const probe = makeAction(PROBE);
    const warm = await pool.run(probe, { loopbackPort: loopback.port, anyPort: any.port }, activation(probe));
    const ns = cache.byId(warm.namespaceId);
    const external = hostExternalAddress();
    const o = await pool.run(probe, { loopbackPort: loopback.port, anyPort: any.port, hostAddress: ns.hostAddress, external }, activation(probe));
    expect(o.namespaceId).toBe(ns.id);
    const r = o.response.result as Record<string, string>;
    expect(r.fetchLoopback).toMatch(/^error: fetch failed: .*ECONNREFUSED/);
    expect(r.fetchLocalhost).toMatch(/^error: fetch failed: .*ECONNREFUSED/);
    expect(r.tcpLoopback).toMatch(/^error: connect failed: .*ECONNREFUSED/);
    expect(r.fetchHostSide).toMatch(BLOCKED);
    expect(r.tcpHostSide).toMatch(BLOCKED);
    if (external) expect(r.fetchExternal).toMatch(BLOCKED);
    else console.log('invoker network test: the host has no external IPv4 address; that probe was not run');
    expect(loopback.hits() + any.hits()).toBe(0);
  });

  it('does reach them with isolation off (the control that shows the probe can fail)', async () => {
    const loopback = await hostServer('127.0.0.1');
    const any = await hostServer('0.0.0.0');
    const offCache = createNamespaceCache({ invokerId: 'tio', idBase: 61568, idCount: 64, floor: 1, ceiling: 4, isolation: 'off', log: () => undefined });
    await offCache.start();
    const offPool = new IsolatePool({ namespaces: offCache, prewarm: { count: 0, memoryMb: 128 }, strictLifecycle: true, idPrefix: 'tio' });
    try {
      const probe = makeAction(PROBE);
      const o = await offPool.run(probe, { loopbackPort: loopback.port, anyPort: any.port }, activation(probe));
      expect(o.response.result).toMatchObject({ fetchLoopback: 'connected', fetchLocalhost: 'connected', tcpLoopback: 'connected' });
      await waitFor('the host servers to see the probe', () => loopback.hits() >= 1 && any.hits() >= 1);
    } finally {
      await offPool.close();
      await offCache.close();
    }
  });

  it('fetches from a server in another namespace only once the two are linked', async () => {
    const server = await cache.acquire();
    closers.push(() => cache.release(server));
    const httpServer = http.createServer((req, res) => res.end(`file ${req.url ?? ''} from ${server.functionAddress}`));
    await new Promise<void>((resolve) => httpServer.listen({ fd: cache.sockets.tcpListen(server, server.functionAddress, 18090) }, resolve));
    closers.push(() => new Promise<void>((r) => httpServer.close(() => r())));
    const getter = makeAction(`async function main(p) {
      const timeout = new Promise((r) => setTimeout(() => r({ blocked: 'timeout' }), 800));
      const got = fetch(p.url).then(async (res) => ({ status: res.status, body: await res.text() }), (e) => ({ blocked: 'error: ' + e.message }));
      return Promise.race([got, timeout]);
    }`);
    const url = `http://${server.functionAddress}:18090/data.bin`;
    const before = await pool.run(getter, { url }, activation(getter));
    expect((before.response.result as { blocked: string }).blocked).toMatch(BLOCKED);
    const fnNs: NetworkNamespace = cache.byId(before.namespaceId);
    await cache.link(fnNs, server);
    try {
      const after = await pool.run(getter, { url }, activation(getter));
      expect(after.namespaceId).toBe(fnNs.id);
      expect(after.response.result).toMatchObject({ status: 200, body: `file /data.bin from ${server.functionAddress}` });
    } finally {
      await cache.unlink(fnNs, server);
    }
  });
});

const LISTENER = `async function main(p) {
  const server = await tcp.listen({ port: p.port }, (conn) => conn.end(p.token + ' from ' + conn.localAddress));
  const self = await (await tcp.connect({ host: '127.0.0.1', port: p.port })).text();
  if (p.hold) await new Promise((r) => setTimeout(r, p.hold));
  server.close();
  return { self, port: server.port };
}`;

describe('listening', () => {
  it('answers on its port inside its namespace only', async () => {
    const listener = makeAction(LISTENER, { limits: { timeout: 10_000 } });
    const warm = await pool.run(listener, { port: 18081, token: 'warm' }, activation(listener));
    expect(warm.response.result).toEqual({ self: 'warm from 127.0.0.1', port: 18081 });
    const ns = cache.byId(warm.namespaceId);
    const other = await cache.acquire();
    closers.push(() => cache.release(other));
    const running = pool.run(listener, { port: 18081, token: 'T', hold: 2000 }, activation(listener));
    const inside = await waitFor('the function to listen', async () => {
      const t = await fetchToken(cache, ns, '127.0.0.1', 18081, 300);
      return t.startsWith('T') ? t : undefined;
    });
    expect(inside).toBe('T from 127.0.0.1');
    expect(await fetchToken(cache, ns, ns.functionAddress, 18081)).toBe(`T from ${ns.functionAddress}`);
    // Not on the host's own ports; from the host only by routing to the namespace's address (how
    // an invoker would reach a function that serves), and not at all from another function.
    expect(await connectFromHost('127.0.0.1', 18081)).toBe('refused');
    expect(await connectFromHost(ns.functionAddress, 18081)).toBe('connected');
    expect(['timeout', 'unreachable']).toContain(await connectFrom(cache, other, ns.functionAddress, 18081));
    expect((await running).response.result).toEqual({ self: 'T from 127.0.0.1', port: 18081 });
    // The listener ended with the activation.
    expect(await connectFrom(cache, ns, '127.0.0.1', 18081)).toBe('refused');
  });

  it('lets two functions listen on the same port at once', async () => {
    const a = makeAction(LISTENER, { limits: { timeout: 10_000 } });
    const b = makeAction(LISTENER, { limits: { timeout: 10_000 } });
    const nsA = cache.byId((await pool.run(a, { port: 18082, token: 'A' }, activation(a))).namespaceId);
    const nsB = cache.byId((await pool.run(b, { port: 18082, token: 'B' }, activation(b))).namespaceId);
    expect(nsA.id).not.toBe(nsB.id);
    const runs = [pool.run(a, { port: 18082, token: 'A', hold: 1500 }, activation(a)), pool.run(b, { port: 18082, token: 'B', hold: 1500 }, activation(b))];
    await waitFor('both to listen', async () => (await fetchToken(cache, nsA, '127.0.0.1', 18082, 300)).startsWith('A') && (await fetchToken(cache, nsB, '127.0.0.1', 18082, 300)).startsWith('B'));
    const [oa, ob] = await Promise.all(runs);
    expect(oa!.response.result).toEqual({ self: 'A from 127.0.0.1', port: 18082 });
    expect(ob!.response.result).toEqual({ self: 'B from 127.0.0.1', port: 18082 });
  });
});

});

describe('namespaces held by isolates', () => {
  it('reuses a warm isolate with its namespace, and an evicted isolate returns its namespace to the cache', async () => {
    const own = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, strictLifecycle: true, keepAliveMs: 400, sweepIntervalMs: 50, idPrefix: 'tik' });
    await own.start();
    const events: PoolEvent[] = [];
    own.events.subscribe((e) => events.push(e));
    try {
      const action = makeAction('function main() { return {} }');
      const inUseBefore = cache.stats().inUse;
      const first = await own.run(action, {}, activation(action));
      const second = await own.run(action, {}, activation(action));
      expect(second.startKind).toBe('warm');
      expect(second.isolateId).toBe(first.isolateId);
      expect(second.namespaceId).toBe(first.namespaceId);
      expect(cache.stats().inUse).toBe(inUseBefore + 1);
      await waitFor('keep-alive eviction', () => events.find((e) => e.type === 'disposed' && e.isolateId === first.isolateId));
      expect(events).toContainEqual(expect.objectContaining({ type: 'evicted', cause: 'keep-alive', namespaceId: first.namespaceId }));
      expect(cache.stats().inUse).toBe(inUseBefore);
    } finally {
      await own.close();
    }
  });
});

function connectFromHost(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => (s.destroy(), resolve('timeout')), 800);
    s.once('connect', () => (clearTimeout(timer), s.destroy(), resolve('connected')));
    s.once('error', (e: NodeJS.ErrnoException) => (clearTimeout(timer), resolve(e.code === 'ECONNREFUSED' ? 'refused' : `error:${e.code ?? e.message}`)));
  });
}
