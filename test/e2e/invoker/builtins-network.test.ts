// node:net and node:http inside real namespaces (root): a function's servers listen in its own
// namespace (two functions on port 8080 at once, each reachable only inside its namespace, closed
// when the activation ends), and its outbound connections obey the egress policy: the host's
// Redis (6379) and Kafka (9092), and a host service on every address, are refused through net and
// http alike, while the same probe with isolation off does reach them (the control).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import { SandboxRunner } from '../../../invoker/sandbox/sandbox-runner.js';
import type { NetworkNamespace } from '../../../native/index.js';
import { createNamespaceCache } from '../../../native/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { activation, makeAction } from '../../unit/invoker/fixtures.js';
import { startNamespacedPool } from './namespaced-pool.js';
import type { RecordingCache } from './recording-cache.js';
import { connectFrom } from '../native/helpers.js';

let cache: RecordingCache;
let pool: IsolatePool;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  ({ cache, pool } = await startNamespacedPool({ invokerId: 'tnf', idBase: 59904, floor: 4, ceiling: 32 }));
}, 60_000);
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await pool?.close();
  await cache?.close();
});

/** An HTTP GET made from inside `ns` (a socket created there), answering the body or why not. */
function httpGetIn(ns: NetworkNamespace, host: string, port: number, timeoutMs = 800): Promise<string> {
  return new Promise((resolve) => {
    const createConnection = (): net.Socket => {
      const s = new net.Socket({ fd: cache.sockets.tcpSocket(ns) });
      s.connect(port, host);
      return s;
    };
    const req = http.get({ host, port, path: '/probe', createConnection: createConnection as unknown as http.RequestOptions['createConnection'] }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(b));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.message}`));
  });
}

const SERVE = `const http = require('http');
async function main(p) {
  const server = http.createServer((req, res) => res.end(p.token + ' ' + req.url + ' from ' + req.socket.localAddress));
  await new Promise((resolve, reject) => { server.on('error', reject); server.listen(8080, resolve); });
  const self = await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: 8080, path: '/self' }, (res) => {
    let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b));
  }).on('error', reject));
  if (p.hold) await new Promise((r) => setTimeout(r, p.hold));
  if (!p.leave) server.close();
  return { self };
}`;

describe('http.createServer().listen(8080) inside the namespace', () => {
  it('two functions listen on 8080 at once, each reachable only inside its own namespace, and not after its activation', async () => {
    const a = makeAction(SERVE, { limits: { timeout: 20_000 } });
    const b = makeAction(SERVE, { limits: { timeout: 20_000 } });
    const warmA = await pool.run(a, { token: 'A' }, activation(a));
    const warmB = await pool.run(b, { token: 'B' }, activation(b));
    expect(warmA.response.result).toEqual({ self: 'A /self from 127.0.0.1' });
    const nsA = cache.byId(warmA.namespaceId!);
    const nsB = cache.byId(warmB.namespaceId!);
    expect(nsA.id).not.toBe(nsB.id);
    // Both hold their servers open at once (and the second activation leaves its server open: the
    // end of the activation must close it).
    const runs = [pool.run(a, { token: 'A', hold: 3000, leave: true }, activation(a)), pool.run(b, { token: 'B', hold: 3000 }, activation(b))];
    await waitFor('both to serve', async () => (await httpGetIn(nsA, '127.0.0.1', 8080, 300)).startsWith('A') && (await httpGetIn(nsB, '127.0.0.1', 8080, 300)).startsWith('B'));
    expect(await httpGetIn(nsA, nsA.functionAddress, 8080)).toBe(`A /probe from ${nsA.functionAddress}`);
    expect(await httpGetIn(nsB, '127.0.0.1', 8080)).toBe('B /probe from 127.0.0.1');
    // Not on the host's own loopback, and not from the other function's namespace.
    expect(await connectFrom(cache, nsB, nsA.functionAddress, 8080)).toMatch(/^(unreachable|timeout)$/);
    const [oa, ob] = await Promise.all(runs);
    expect(oa!.response.result).toEqual({ self: 'A /self from 127.0.0.1' });
    expect(ob!.response.result).toEqual({ self: 'B /self from 127.0.0.1' });
    // Nothing outlives the activations: A's server (left open by the function) is gone.
    expect(await connectFrom(cache, nsA, '127.0.0.1', 8080)).toBe('refused');
    expect(await connectFrom(cache, nsB, '127.0.0.1', 8080)).toBe('refused');
    // And the next activation of A listens on 8080 again in the same namespace.
    const again = await pool.run(a, { token: 'A2' }, activation(a));
    expect(again.namespaceId).toBe(nsA.id);
    expect(again.response.result).toEqual({ self: 'A2 /self from 127.0.0.1' });
  });
});

const PROBE = `const net = require('net'); const http = require('http');
const race = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), ms))]);
const viaNet = (host, port) => race(new Promise((resolve) => {
  const s = net.connect({ host, port }, () => { s.destroy(); resolve('connected'); });
  s.on('error', (e) => resolve('error:' + e.code));
}), 800);
// Every way to a socket: agent: false (Node would make a plain Agent of its own), the global
// keep-alive Agent, a custom Agent.
const viaHttp = (host, port, agent) => race(new Promise((resolve) => {
  http.get({ host, port, path: '/', agent }, (res) => { res.resume(); resolve('response'); }).on('error', (e) => resolve(e.code === 'ECONNRESET' || e.code === 'HPE_INVALID_CONSTANT' ? 'connected' : 'error:' + e.code));
}), 800);
async function main(p) {
  const out = {};
  for (const host of p.hosts) for (const port of p.ports) out[host + ':' + port] = { net: await viaNet(host, port), http: await viaHttp(host, port, false), global: await viaHttp(host, port, undefined), agent: await viaHttp(host, port, new http.Agent({ keepAlive: true })) };
  return out;
}`;

describe('in a sandbox process (PHOTON_SANDBOX=process)', () => {
  it('serves and connects the same way: the supervisor makes the sockets in the namespace', async () => {
    const sandboxes = new SandboxRunner({ invokerId: 'tnfs', namespaces: cache, count: 1, userMemoryMb: 1024, prewarm: { count: 0, memoryMb: 128 } });
    await sandboxes.start();
    try {
      const a = makeAction(SERVE, { limits: { timeout: 20_000 } });
      const run = (params: Record<string, unknown>) => sandboxes.run({ action: a, params, activationId: activation(a).activationId, namespace: 'guest', deadline: Date.now() + 20_000 });
      expect((await run({ token: 'S' })).response.result).toEqual({ self: 'S /self from 127.0.0.1' });
      const probe = makeAction(PROBE, { limits: { timeout: 30_000 } });
      const o = await sandboxes.run({ action: probe, params: { hosts: ['127.0.0.1'], ports: [6379] }, activationId: activation(probe).activationId, namespace: 'guest', deadline: Date.now() + 30_000 });
      for (const outcome of Object.values((o.response.result as Record<string, Record<string, string>>)['127.0.0.1:6379']!)) expect(outcome).toMatch(/^(error:(ECONNREFUSED|EHOSTUNREACH)|timeout)$/);
    } finally {
      await sandboxes.close();
    }
  });
});

describe('outbound connections to host services', () => {
  it("are refused through net and http: the host's Redis, Kafka and a host service on every address", async () => {
    const service = http.createServer((_q, s) => s.end('host service'));
    let hits = 0;
    service.on('request', () => hits++);
    await new Promise<void>((r) => service.listen(0, '0.0.0.0', r));
    closers.push(() => new Promise<void>((r) => service.close(() => r())));
    const servicePort = (service.address() as net.AddressInfo).port;
    const probe = makeAction(PROBE, { limits: { timeout: 30_000 } });
    const warm = await pool.run(probe, { hosts: [], ports: [] }, activation(probe));
    const ns = cache.byId(warm.namespaceId!);
    const o = await pool.run(probe, { hosts: ['127.0.0.1', 'localhost', ns.hostAddress], ports: [6379, 9092, servicePort] }, activation(probe));
    const result = o.response.result as Record<string, Record<string, string>>;
    expect(Object.keys(result)).toHaveLength(9);
    for (const [where, r] of Object.entries(result)) {
      expect(Object.keys(r)).toEqual(['net', 'http', 'global', 'agent']);
      for (const [via, outcome] of Object.entries(r)) expect(outcome, `${where} via ${via}`).toMatch(/^(error:(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)|timeout)$/);
    }
    expect(hits).toBe(0);
  });

  it('the same probe reaches them with isolation off (the control that shows the probe can fail)', async () => {
    const off = createNamespaceCache({ invokerId: 'tnfo', idBase: 59968, idCount: 32, floor: 1, ceiling: 4, isolation: 'off', log: () => undefined });
    await off.start();
    const offPool = new IsolatePool({ namespaces: off, prewarm: { count: 0, memoryMb: 128 }, strictLifecycle: true, idPrefix: 'tnfo' });
    try {
      const probe = makeAction(PROBE, { limits: { timeout: 30_000 } });
      const o = await offPool.run(probe, { hosts: ['127.0.0.1'], ports: [6379, 9092] }, activation(probe));
      const reached = expect.stringMatching(/^(connected|response|timeout)$/);
      const r = o.response.result as Record<string, Record<string, string>>;
      for (const where of ['127.0.0.1:6379', '127.0.0.1:9092']) expect(r[where]).toEqual({ net: 'connected', http: reached, global: reached, agent: reached });
      expect(Object.values(r).flatMap((x) => Object.values(x))).toContain('connected');
    } finally {
      await offPool.close();
      await off.close();
    }
  });
});
