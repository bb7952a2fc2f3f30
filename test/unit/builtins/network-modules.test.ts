// node:net, http, https, tls and dns inside real isolates, through the REST API of photon in one
// process (network isolation off: these are about the modules' behaviour; what a namespace lets
// through is test/e2e/invoker/builtins-network.test.ts). The answers are compared with what the
// host's own Node gives for the same exchange; axios, node-fetch and OpenWhisk's own npm client run
// as zip actions against servers of this test and the controller itself.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { zipFolder } from '../../harness/npm-zip.js';
import { startZipPhoton, type ZipPhoton } from '../zip/zip-fixture.js';

let photon: ZipPhoton;
let plain: http.Server;
let plainPort: number;
let secure: https.Server;
let securePort: number;
let certPem: string;
const seenConnections = new Set<net.Socket>();

/** The body a test server answers: what it saw, so the function's request can be checked. */
function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    if (req.url === '/chunked') {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Twice', ['x', 'y']);
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, body, headers: req.headers, remotePort: req.socket.remotePort }));
  });
}

beforeAll(async () => {
  photon = await startZipPhoton();
  plain = http.createServer(echo);
  plain.on('connection', (s: net.Socket) => seenConnections.add(s));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainPort = (plain.address() as net.AddressInfo).port;
  const dir = mkdtempSync(`${tmpdir()}/photon-tls-`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
  certPem = readFileSync(`${dir}/cert.pem`, 'utf8');
  secure = https.createServer({ key: readFileSync(`${dir}/key.pem`), cert: certPem }, echo);
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  securePort = (secure.address() as net.AddressInfo).port;
}, 60_000);
afterAll(async () => {
  plain?.closeAllConnections();
  secure?.closeAllConnections();
  await new Promise((r) => plain?.close(r));
  await new Promise((r) => secure?.close(r));
  await photon?.close();
});

async function run(code: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const name = `n${Math.random().toString(36).slice(2, 8)}`;
  const put = await photon.put(name, { code }, { limits: { timeout: 20_000, memory: 256, logs: 10 } });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const r = await photon.invoke(name, params);
  expect(r.response.status, JSON.stringify(r.response).slice(0, 2000)).toBe('success');
  return r.response.result as Record<string, unknown>;
}

describe('http client', () => {
  it('sends a request and reads the response as Node does: status, headers, rawHeaders, streamed chunked body', async () => {
    const r = await run(`const http = require('node:http');
      const get = (path, o = {}) => new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: PORT, path, method: o.method || 'GET', headers: o.headers }, (res) => {
          const chunks = []; res.on('data', (d) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode, message: res.statusMessage, headers: res.headers, raw: res.rawHeaders, body: Buffer.concat(chunks).toString(), chunks: chunks.length, version: res.httpVersion }));
        });
        req.on('error', reject);
        if (o.body) { req.write(o.body.slice(0, 3)); req.end(o.body.slice(3)); } else req.end();
      });
      async function main() {
        return { post: await get('/p?x=1', { method: 'POST', body: 'hello body', headers: { 'X-Custom': 'yes', 'content-type': 'text/plain' } }), chunked: await get('/chunked'),
          codes: http.STATUS_CODES[418], methods: http.METHODS.length, isAgent: http.globalAgent instanceof http.Agent };
      }`.replace('PORT', String(plainPort)));
    const post = r.post as { status: number; headers: Record<string, string>; body: string; version: string };
    expect(post.status).toBe(200);
    expect(post.version).toBe('1.1');
    const seen = JSON.parse(post.body) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: 'POST', url: '/p?x=1', body: 'hello body', headers: { 'x-custom': 'yes', 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } });
    const chunked = r.chunked as { headers: Record<string, unknown>; raw: string[]; body: string; chunks: number };
    expect(chunked.body).toBe('one,two');
    expect(chunked.chunks).toBeGreaterThanOrEqual(2);
    expect(chunked.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(chunked.headers['x-twice']).toBe('x, y');
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.raw).toEqual(expect.arrayContaining(['Set-Cookie', 'a=1', 'X-Twice', 'y']));
    expect(r).toMatchObject({ codes: http.STATUS_CODES[418], methods: http.METHODS.length, isAgent: true });
  });

  it('keeps connections alive through an Agent (one socket for sequential requests), and not with agent: false', async () => {
    const r = await run(`const http = require('http');
      const get = (agent) => new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: PORT, path: '/k', agent }, (res) => {
        let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(JSON.parse(b).remotePort));
      }).on('error', reject));
      async function main() {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const kept = [await get(agent), await get(agent), await get(agent)];
        const fresh = [await get(false), await get(false)];
        agent.destroy();
        return { kept, fresh };
      }`.replace('PORT', String(plainPort)));
    const { kept, fresh } = r as { kept: number[]; fresh: number[] };
    expect(new Set(kept).size).toBe(1);
    expect(new Set(fresh).size).toBe(2);
  });

  it('fails like Node: a refused connection is an error event with ECONNREFUSED', async () => {
    const r = await run(`const http = require('http');
      function main() { return new Promise((resolve) => http.get({ host: '127.0.0.1', port: 1 }, () => resolve({ got: 'response' })).on('error', (e) => resolve({ code: e.code, isError: e instanceof Error }))); }`);
    expect(r).toEqual({ code: 'ECONNREFUSED', isError: true });
  });
});

describe('https and tls (Node on the host verifies)', () => {
  const probe = `const https = require('https'); const tls = require('tls');
    const get = (o) => new Promise((resolve) => https.get({ host: 'localhost', port: PORT, path: '/s', ...o }, (res) => {
      let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve({ status: res.statusCode, url: JSON.parse(b).url }));
    }).on('error', (e) => resolve({ error: e.code || e.message })));
    const raw = (o) => new Promise((resolve) => { const s = tls.connect({ host: 'localhost', port: PORT, ...o }, () => {
      const out = { authorized: s.authorized, cn: s.getPeerCertificate().subject.CN };
      s.write('GET /raw HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n');
      let b = ''; s.on('data', (d) => (b += d)); s.on('end', () => resolve({ ...out, head: b.split('\\r\\n')[0] }));
    }); s.on('error', (e) => resolve({ error: e.code || e.message })); });
    async function main(p) {
      return { untrusted: await get({}), trusted: await get({ ca: p.ca }), insecure: await get({ rejectUnauthorized: false }), tlsUntrusted: await raw({}), tlsTrusted: await raw({ ca: p.ca }) };
    }`;
  it('refuses an untrusted certificate, accepts it with its CA or rejectUnauthorized: false', async () => {
    const r = await run(probe.replaceAll('PORT', String(securePort)), { ca: certPem });
    expect(r.untrusted).toEqual({ error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(r.trusted).toEqual({ status: 200, url: '/s' });
    expect(r.insecure).toEqual({ status: 200, url: '/s' });
    expect(r.tlsUntrusted).toEqual({ error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(r.tlsTrusted).toEqual({ authorized: true, cn: 'localhost', head: 'HTTP/1.1 200 OK' });
  });
});

describe('servers inside the function', () => {
  it('http.createServer().listen() serves requests (keep-alive, streamed bodies, headers) to its own client', async () => {
    const r = await run(`const http = require('http');
      async function main() {
        const server = http.createServer((req, res) => {
          let b = ''; req.on('data', (d) => (b += d));
          req.on('end', () => { res.setHeader('X-Seen', req.headers['x-in']); res.writeHead(201, { 'content-type': 'text/plain' }); res.write(req.method + ' '); res.end(req.url + ' ' + b); });
        });
        await new Promise((r) => server.listen(0, r));
        const port = server.address().port;
        const one = () => new Promise((resolve, reject) => { const q = http.request({ port, method: 'PUT', path: '/in', headers: { 'x-in': 'v' } }, (res) => {
          let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve({ status: res.statusCode, seen: res.headers['x-seen'], b }));
        }); q.on('error', reject); q.end('data'); });
        const out = [await one(), await one()];
        await new Promise((r) => server.close(r));
        return { out, portIsNumber: port > 0 };
      }`);
    expect(r).toEqual({ out: [{ status: 201, seen: 'v', b: 'PUT /in data' }, { status: 201, seen: 'v', b: 'PUT /in data' }], portIsNumber: true });
  });

  it('net: an echo server and client, Duplex streams both ways, isIP and BlockList', async () => {
    const r = await run(`const net = require('net'); const { pipeline } = require('stream');
      async function main() {
        const server = net.createServer((s) => pipeline(s, s, () => {}));
        await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
        const big = Buffer.alloc(3 * 1024 * 1024, 120);
        const got = await new Promise((resolve, reject) => {
          const c = net.createConnection({ port: server.address().port, host: '127.0.0.1' }, () => { c.write(big.subarray(0, 1000)); c.end(big.subarray(1000)); });
          let n = 0; c.on('data', (d) => (n += d.length)); c.on('end', () => resolve({ n, isDuplex: typeof c.pipe === 'function' && typeof c.write === 'function' })); c.on('error', reject);
        });
        server.close();
        const bl = new net.BlockList(); bl.addSubnet('10.0.0.0', 8); bl.addAddress('::1', 'ipv6');
        return { ...got, ip: [net.isIP('1.2.3.4'), net.isIP('::1'), net.isIP('x'), net.isIPv6('fe80::1%eth0'), net.isIPv4('256.1.1.1')], block: [bl.check('10.2.3.4'), bl.check('11.0.0.1'), bl.check('::1', 'ipv6')] };
      }`);
    expect(r).toEqual({ n: 3 * 1024 * 1024, isDuplex: true, ip: [4, 6, 0, true, false], block: [true, false, true] });
  });

  it('dns: lookup and resolve through the host resolver, errors as Node gives them', async () => {
    const r = await run(`const dns = require('dns');
      async function main() {
        const cb = await new Promise((resolve) => dns.lookup('localhost', { family: 4 }, (e, address, family) => resolve({ address, family })));
        const all = await require('dns/promises').lookup('127.0.0.1', { all: true });
        const missing = await dns.promises.lookup('no-such-host.invalid').catch((e) => ({ code: e.code, syscall: e.syscall, hostname: e.hostname }));
        return { cb, all, missing };
      }`);
    expect(r).toEqual({ cb: { address: '127.0.0.1', family: 4 }, all: [{ address: '127.0.0.1', family: 4 }], missing: { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'no-such-host.invalid' } });
  });
});

describe('bounds', () => {
  it('a huge response the function does not read is paused on the host, not buffered: the server stalls', async () => {
    const total = 64 * 1024 * 1024;
    let flushed = 0;
    let stalled = false;
    const huge = http.createServer((_req, res) => {
      const piece = Buffer.alloc(64 * 1024, 97);
      res.writeHead(200, { 'content-length': String(total) });
      const pump = (): void => {
        while (flushed < total) {
          flushed += piece.length;
          if (!res.write(piece)) {
            stalled = true;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => huge.listen(0, '127.0.0.1', r));
    try {
      const port = (huge.address() as net.AddressInfo).port;
      // The function takes the headers, holds the body unread for a second, then reads it all.
      const r = await run(`const http = require('http');
        function main() { return new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: ${port}, path: '/' }, (res) => {
          setTimeout(() => { let n = 0; res.on('data', (d) => (n += d.length)); res.on('end', () => resolve({ n })); }, 1000);
        }).on('error', reject)); }`);
      expect(r).toEqual({ n: total });
      expect(stalled).toBe(true);
    } finally {
      huge.closeAllConnections();
      await new Promise((r) => huge.close(r));
    }
  });

  it('while the function holds a huge response unread, the server can write only a bounded amount', async () => {
    const total = 256 * 1024 * 1024;
    let accepted = 0;
    let seenAtHold = -1;
    const huge = http.createServer((req, res) => {
      if (req.url === '/mark') { seenAtHold = accepted; res.end('ok'); return; }
      const piece = Buffer.alloc(64 * 1024, 98);
      const pump = (): void => {
        while (accepted < total) {
          accepted += piece.length;
          if (!res.write(piece)) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => huge.listen(0, '127.0.0.1', r));
    try {
      const port = (huge.address() as net.AddressInfo).port;
      const r = await run(`const http = require('http');
        const get = (path) => new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: ${port}, path, agent: false }, resolve).on('error', reject));
        async function main() {
          const res = await get('/huge');
          await new Promise((r) => setTimeout(r, 1500));
          const mark = await get('/mark'); mark.resume();
          res.destroy();
          return { status: res.statusCode };
        }`);
      expect(r).toEqual({ status: 200 });
      // The window (256 KiB) + the guest's stream buffer + the kernel's socket buffers (tcp_rmem
      // grows to 32 MB here): far below the 256 MB the server would write into an unbounded reader.
      expect(seenAtHold).toBeGreaterThan(0);
      expect(seenAtHold).toBeLessThan(64 * 1024 * 1024);
    } finally {
      huge.closeAllConnections();
      await new Promise((r) => huge.close(r));
    }
  });

  it('a context holds at most 256 open host sockets per module: more fail with EMFILE, and close frees them', async () => {
    const r = await run(`const net = require('net');
      const open = (port) => new Promise((resolve) => { const s = net.connect(port, '127.0.0.1', () => resolve({ s })); s.on('error', (e) => resolve({ code: e.code })); });
      async function main() {
        const server = net.createServer((s) => s.resume());
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        const port = server.address().port;
        const all = await Promise.all(Array.from({ length: 300 }, () => open(port)));
        const codes = {};
        for (const x of all) if (x.code) codes[x.code] = (codes[x.code] || 0) + 1;
        for (const x of all) if (x.s) x.s.destroy();
        await new Promise((r) => setTimeout(r, 300));
        const again = await open(port);
        if (again.s) again.s.destroy();
        server.close();
        return { emfile: (codes.EMFILE || 0) > 0, again: again.s ? 'connected' : again.code };
      }`);
    expect(r).toEqual({ emfile: true, again: 'connected' });
  });

  it('nothing a function opened outlives its activation: servers, connections, keep-alive sockets are closed', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const leaky = `const http = require('http'); const net = require('net');
      async function main() {
        const server = http.createServer((q, s) => s.end('hi'));
        await new Promise((resolve, reject) => { server.on('error', reject); server.listen(${port}, '127.0.0.1', resolve); });
        const raw = net.createServer(() => {}); await new Promise((r) => raw.listen(${port + 1}, '127.0.0.1', r));
        const agent = new http.Agent({ keepAlive: true });
        await new Promise((resolve) => http.get({ host: '127.0.0.1', port: ${plainPort}, path: '/leak', agent }, (res) => { res.resume(); res.on('end', resolve); }));
        net.connect(${port + 1}, '127.0.0.1');
        return { listening: server.listening };
      }`;
    const before = seenConnections.size;
    const name = 'leaky';
    expect((await photon.put(name, { code: leaky })).status).toBe(200);
    const first = await photon.invoke(name);
    expect(first.response.result).toEqual({ listening: true });
    const leaked = [...seenConnections].slice(before);
    expect(leaked.length).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(leaked[0]!.destroyed || leaked[0]!.readableEnded).toBe(true);
    const refused = (p: number): Promise<string> => new Promise((resolve) => {
      const s = netConnect(p);
      s.on('connect', () => (s.destroy(), resolve('connected')));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(await refused(port)).toBe('ECONNREFUSED');
    expect(await refused(port + 1)).toBe('ECONNREFUSED');
    // The next activation (the same warm isolate) can listen on the same ports again.
    expect((await photon.invoke(name)).response.result).toEqual({ listening: true });
  });
});

describe('npm HTTP clients as zip actions', () => {
  let zip: Buffer;
  beforeAll(async () => {
    const dir = mkdtempSync(`${tmpdir()}/photon-clients-`);
    writeFileSync(`${dir}/package.json`, JSON.stringify({ name: 'clients', version: '1.0.0', main: 'index.js', dependencies: { axios: '1.13.2', 'node-fetch': '2.7.0', openwhisk: '3.21.9' } }));
    writeFileSync(`${dir}/index.js`, `const axios = require('axios'); const fetch = require('node-fetch'); const openwhisk = require('openwhisk');
      exports.main = async (p) => {
        const url = 'http://127.0.0.1:' + p.port + '/c?q=1';
        const a = (await axios.post(url, { via: 'axios' })).data;
        const f = await (await fetch(url, { method: 'PUT', body: 'via node-fetch' })).json();
        const ow = openwhisk({ apihost: p.apihost, api_key: p.key, namespace: 'guest' });
        const target = await ow.actions.invoke({ name: p.target, blocking: true, result: true, params: { who: 'openwhisk client' } });
        return { axios: { method: a.method, body: a.body, ua: a.headers['user-agent'] }, fetch: { method: f.method, body: f.body }, ow: target };
      };`);
    // Asynchronously: a blocked event loop would let the controller's keep-alive timers close
    // connections that the test's fetch is about to reuse.
    await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir });
    zip = zipFolder(dir);
  }, 120_000);

  it('axios, node-fetch and the openwhisk client work (the latter against this photon controller)', async () => {
    expect((await photon.put('target', { code: 'function main(p) { return { hello: p.who } }' })).status).toBe(200);
    expect((await photon.put('clients', { code: zip.toString('base64'), binary: true }, { limits: { timeout: 30_000, memory: 256, logs: 10 } })).status).toBe(200);
    const r = await photon.invoke('clients', { port: plainPort, apihost: photon.controller.url, key: `${GUEST_UUID}:${GUEST_KEY}`, target: 'target' });
    expect(r.response.status, JSON.stringify(r.response).slice(0, 2000)).toBe('success');
    expect(r.response.result).toEqual({
      axios: { method: 'POST', body: '{"via":"axios"}', ua: 'axios/1.13.2' },
      fetch: { method: 'PUT', body: 'via node-fetch' },
      ow: { hello: 'openwhisk client' },
    });
  });
});
