// node:dgram inside real namespaces (root): a function's UDP sockets live in its own namespace —
// an echo over the function's loopback, and with a UDP server this test runs inside the function's
// namespace (reachable at 127.0.0.1 from the function, which is the namespace's loopback, not the
// host's) — inline and in a sandbox process (the supervisor binds the socket and passes it over
// IPC); Node's errors and codes; at most 256 sockets per context; and the egress policy: datagrams
// to the host's Redis, Kafka or a host UDP service never arrive, while the same probe with
// isolation off does reach a host UDP service (the control that shows the probe can fail).
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import { SandboxRunner } from '../../../invoker/sandbox/sandbox-runner.js';
import { udpOverFd } from '../../../invoker/host-apis/namespace-network.js';
import type { NetworkNamespace } from '../../../native/index.js';
import { createNamespaceCache } from '../../../native/index.js';
import { activation, makeAction } from '../../unit/invoker/fixtures.js';
import { startNamespacedPool } from './namespaced-pool.js';
import type { RecordingCache } from './recording-cache.js';

let cache: RecordingCache;
let pool: IsolatePool;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  ({ cache, pool } = await startNamespacedPool({ invokerId: 'tdg', idBase: 33072, floor: 2, ceiling: 16 }));
}, 60_000);
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await pool?.close();
  await cache?.close();
});

/** A UDP echo server on the host side, in `ns` or (ns undefined) in the host's own namespace; answers 'echo:' + the datagram. */
async function echoServer(ns: NetworkNamespace | undefined, address = '0.0.0.0'): Promise<{ port: number; got: string[] }> {
  let sock: dgram.Socket;
  if (ns) sock = await udpOverFd(cache.sockets.udpBind(ns, address, 0));
  else {
    sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, address, r));
  }
  const got: string[] = [];
  sock.on('message', (m, r) => {
    got.push(m.toString());
    sock.send(`echo:${m.toString()}`, r.port, r.address);
  });
  closers.push(() => new Promise<void>((r) => sock.close(() => r())));
  return { port: sock.address().port, got };
}

const ECHO = `const dgram = require('dgram');
async function main(p) {
  const race = (pr, ms) => Promise.race([pr, new Promise((r) => setTimeout(() => r('timeout'), ms))]);
  const out = {};
  // An echo inside the function: a server and a client on the namespace's loopback.
  const server = dgram.createSocket('udp4');
  server.on('message', (m, r) => server.send('pong:' + m, r.port, r.address));
  await new Promise((r) => server.bind(p.port || 0, '127.0.0.1', r));
  const a = server.address();
  const client = dgram.createSocket({ type: 'udp4' });
  out.self = await race(new Promise((resolve) => { client.once('message', (m, r) => resolve(m.toString() + ' from ' + r.address + ':' + (r.port === a.port))); client.send(Buffer.from('ping'), a.port, '127.0.0.1'); }), 3000);
  out.address = { family: a.family, address: a.address, fixed: p.port ? a.port === p.port : a.port > 0 };
  // connect(): send without an address, remoteAddress().
  await new Promise((r) => client.connect(a.port, 'localhost', r));
  out.remote = client.remoteAddress().port === a.port;
  out.connected = await race(new Promise((resolve) => { client.once('message', (m) => resolve(m.toString())); client.send('again'); }), 3000);
  // A server the test runs inside this namespace.
  if (p.testPort) out.test = await race(new Promise((resolve) => { const c = dgram.createSocket('udp4'); c.on('message', (m) => { c.close(); resolve(m.toString()); }); c.send('hello', p.testPort, '127.0.0.1'); }), 3000);
  // Node's errors.
  const errs = {};
  try { client.connect(a.port); } catch (e) { errs.connected = e.code; }
  try { dgram.createSocket('udp4').send('x', 70000, '127.0.0.1'); } catch (e) { errs.badPort = e.code; }
  try { dgram.createSocket('udp4').address(); } catch (e) { errs.notBound = e.code; }
  try { dgram.createSocket('tcp'); } catch (e) { errs.badType = e.code; }
  errs.inUse = await new Promise((resolve) => { const s = dgram.createSocket('udp4'); s.on('error', (e) => { s.close(); resolve(e.code + ' ' + e.syscall); }); s.bind(a.port, '127.0.0.1', () => resolve('bound')); });
  const closed = dgram.createSocket('udp4'); closed.close(); try { closed.send('x', 1, '127.0.0.1'); } catch (e) { errs.afterClose = e.code; }
  out.errs = errs;
  server.close(); client.close();
  if (p.leave) { const kept = dgram.createSocket('udp4'); await new Promise((r) => kept.bind(p.leave, '127.0.0.1', r)); }
  return out;
}`;

const EXPECTED_ERRS = { connected: 'ERR_SOCKET_DGRAM_IS_CONNECTED', badPort: 'ERR_SOCKET_BAD_PORT', notBound: 'EBADF', badType: 'ERR_SOCKET_BAD_TYPE', inUse: 'EADDRINUSE bind', afterClose: 'ERR_SOCKET_DGRAM_NOT_RUNNING' };

describe('dgram inside the namespace', () => {
  it("echoes over the function's own loopback and with a UDP server the test runs in the function's namespace; Node's error codes", async () => {
    const echo = makeAction(ECHO, { limits: { timeout: 20_000 } });
    const first = await pool.run(echo, {}, activation(echo));
    expect(first.response.status, JSON.stringify(first.response.result)).toBe('success');
    const ns = cache.byId(first.namespaceId!);
    const server = await echoServer(ns);
    const o = await pool.run(echo, { testPort: server.port, port: 41234, leave: 41235 }, activation(echo));
    expect(o.response.result).toEqual({
      self: 'pong:ping from 127.0.0.1:true', address: { family: 'IPv4', address: '127.0.0.1', fixed: true }, remote: true, connected: 'pong:again',
      test: 'echo:hello', errs: EXPECTED_ERRS,
    });
    expect(server.got).toEqual(['hello']);
    // The same code run by this process's Node answers the same (the known answer).
    const inNode = new Function('require', `${ECHO}; return main;`)(createRequire(import.meta.url)) as (p: unknown) => Promise<Record<string, unknown>>;
    const mine = { ...(o.response.result as Record<string, unknown>) };
    delete mine.test;
    expect(await inNode({ port: 41299 })).toEqual(mine);
    // The socket the function left bound is closed with its activation: the next one binds the same port.
    const again = await pool.run(echo, { port: 41235 }, activation(echo));
    expect(again.namespaceId).toBe(ns.id);
    expect(again.response.result).toMatchObject({ self: 'pong:ping from 127.0.0.1:true', address: { fixed: true } });
  });

  it('opens at most 256 sockets per context (EMFILE beyond), and datagrams go on after', async () => {
    const code = `const dgram = require('dgram');
      async function main() {
        const socks = []; let refused = null;
        for (let i = 0; i < 260 && refused === null; i++) {
          const s = dgram.createSocket('udp4');
          refused = await new Promise((r) => { s.once('error', (e) => r(e.code)); s.bind(0, '127.0.0.1', () => { socks.push(s); r(null); }); });
        }
        const opened = socks.length;
        for (const s of socks.splice(0, 10)) await new Promise((r) => s.close(r));
        const a = socks[0].address();
        const got = await new Promise((r) => { socks[0].once('message', (m) => r(m.toString())); dgram.createSocket('udp4').send('after', a.port, '127.0.0.1'); });
        return { opened, refused, got };
      }`;
    const a = makeAction(code, { limits: { timeout: 30_000 } });
    const o = await pool.run(a, {}, activation(a));
    expect(o.response.result).toEqual({ opened: 256, refused: 'EMFILE', got: 'after' });
  });

  it('holds at most 1 MiB of received datagrams the function has not taken (a busy function): the rest is dropped, as a full socket buffer drops', async () => {
    const code = `const dgram = require('dgram');
      async function main(p) {
        const s = dgram.createSocket('udp4'); let count = 0; let bytes = 0;
        s.on('message', (m) => { count++; bytes += m.length; });
        await new Promise((r) => s.bind(p.port, '127.0.0.1', r));
        if (p.busy) { const end = Date.now() + p.busy; while (Date.now() < end); }
        await new Promise((r) => setTimeout(r, 500));
        s.close();
        return { count, bytes };
      }`;
    const a = makeAction(code, { limits: { timeout: 20_000 } });
    const warm = await pool.run(a, { port: 41241, busy: 0 }, activation(a));
    const ns = cache.byId(warm.namespaceId!);
    const sender = await udpOverFd(cache.sockets.udpBind(ns, '127.0.0.1', 0));
    closers.push(() => new Promise<void>((r) => sender.close(() => r())));
    const run = pool.run(a, { port: 41241, busy: 2500 }, activation(a));
    await new Promise((r) => setTimeout(r, 500));
    // 24 MB in 3000 datagrams of 8000 bytes while the function is busy, in paced batches. The
    // kernel's buffer drops some too, but without the bound the function receives ~3 MB (measured).
    const payload = Buffer.alloc(8000, 7);
    for (let i = 0; i < 30; i++) {
      await Promise.all(Array.from({ length: 100 }, () => new Promise<void>((r) => sender.send(payload, 41241, '127.0.0.1', () => r()))));
      await new Promise((r) => setImmediate(r));
    }
    const o = await run;
    const r = o.response.result as { count: number; bytes: number };
    expect(r.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(r.count).toBeGreaterThan(20);
  });

  it('works the same in a sandbox process: the supervisor binds the socket in the namespace and passes it over IPC', async () => {
    const sandboxes = new SandboxRunner({ invokerId: 'tdgs', namespaces: cache, count: 1, userMemoryMb: 1024, prewarm: { count: 0, memoryMb: 128 } });
    await sandboxes.start();
    try {
      const echo = makeAction(ECHO, { limits: { timeout: 20_000 } });
      const o = await sandboxes.run({ action: echo, params: { port: 41236 }, activationId: activation(echo).activationId, namespace: 'guest', deadline: Date.now() + 20_000 });
      expect(o.response.result).toEqual({ self: 'pong:ping from 127.0.0.1:true', address: { family: 'IPv4', address: '127.0.0.1', fixed: true }, remote: true, connected: 'pong:again', errs: EXPECTED_ERRS });
    } finally {
      await sandboxes.close();
    }
  });
});

// Datagrams to each host:port: unconnected (no error comes back for UDP: did the server get it?)
// and connected (the ICMP reject of the egress policy comes back as an error on the socket).
const PROBE = `const dgram = require('dgram');
const race = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), ms))]);
function probe(host, port) {
  return race(new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.on('error', (e) => { s.close(); resolve('error:' + e.code); });
    s.on('message', (m) => { s.close(); resolve('answered'); });
    s.connect(port, host, (err) => {
      if (err) { s.close(); return resolve('error:' + err.code); }
      // Twice: the reject of the first is reported on the socket (and on the second send).
      s.send('probe', (e) => { if (e) { s.close(); resolve('error:' + e.code); } else setTimeout(() => s.send('probe', () => {}), 100); });
    });
  }), 1000);
}
async function main(p) {
  const out = {};
  for (const host of p.hosts) for (const port of p.ports) out[host + ':' + port] = await probe(host, port);
  return out;
}`;

describe('outbound datagrams to host services', () => {
  it("never reach the host: its Redis, Kafka and a host UDP service on every address (rejected by the egress policy)", async () => {
    const service = await echoServer(undefined);
    const probe = makeAction(PROBE, { limits: { timeout: 30_000 } });
    const warm = await pool.run(probe, { hosts: [], ports: [] }, activation(probe));
    const ns = cache.byId(warm.namespaceId!);
    const o = await pool.run(probe, { hosts: ['127.0.0.1', ns.hostAddress], ports: [6379, 9092, service.port] }, activation(probe));
    const result = o.response.result as Record<string, string>;
    expect(Object.keys(result)).toHaveLength(6);
    for (const [where, outcome] of Object.entries(result)) expect(outcome, where).toMatch(/^(error:(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)|timeout)$/);
    // The host's address answers with the policy's reject (not silence), at least for one port.
    expect(Object.entries(result).filter(([k]) => k.startsWith(ns.hostAddress)).map(([, v]) => v)).toContain('error:EHOSTUNREACH');
    expect(service.got).toEqual([]);
  });

  it('the same probe reaches a host UDP service with isolation off (the control that shows the probe can fail)', async () => {
    const service = await echoServer(undefined, '127.0.0.1');
    const off = createNamespaceCache({ invokerId: 'tdgo', idBase: 33200, idCount: 32, floor: 1, ceiling: 4, isolation: 'off', log: () => undefined });
    await off.start();
    const offPool = new IsolatePool({ namespaces: off, prewarm: { count: 0, memoryMb: 128 }, strictLifecycle: true, idPrefix: 'tdgo' });
    try {
      const probe = makeAction(PROBE, { limits: { timeout: 30_000 } });
      const o = await offPool.run(probe, { hosts: ['127.0.0.1'], ports: [service.port] }, activation(probe));
      expect(o.response.result).toEqual({ [`127.0.0.1:${service.port}`]: 'answered' });
      expect(service.got[0]).toBe('probe');
    } finally {
      await offPool.close();
      await off.close();
    }
  });
});
