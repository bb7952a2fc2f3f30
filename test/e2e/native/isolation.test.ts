// Real namespaces (root): what a function in namespace A can and cannot reach.
import { closeSync, statSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceCache, NetworkNamespace } from '../../../native/index.js';
import { createNamespaceCache, createThreadSockets, socketNamespaceInode } from '../../../native/index.js';
import { closeServer, connectFrom, expectBlocked, fetchToken, serveToken } from './helpers.js';

/** The cache's floor: the free list it keeps topped up in the background. */
const FLOOR = 2;
let cache: NamespaceCache;
let a: NetworkNamespace;
let b: NetworkNamespace;
const servers: net.Server[] = [];

beforeAll(async () => {
  cache = createNamespaceCache({ invokerId: 'tna', idBase: 64896, idCount: 64, floor: FLOOR, ceiling: 8 });
  await cache.start();
  a = await cache.acquire();
  b = await cache.acquire();
});

afterAll(async () => {
  await Promise.all(servers.map(closeServer));
  await cache?.close();
});

async function serve(ns: NetworkNamespace, host: string, port: number, token: string): Promise<void> {
  servers.push(await serveToken(cache.sockets.tcpListen(ns, host, port), token));
}

/** A listener in the host's namespace that counts who connects to it. */
async function hostListener(host: string): Promise<{ server: net.Server; port: number; connections: () => number }> {
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  servers.push(server);
  return { server, port: (server.address() as net.AddressInfo).port, connections: () => count };
}

function hostExternalAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const addr of addresses ?? []) if (addr.family === 'IPv4' && !addr.internal && !addr.address.startsWith('10.')) return addr.address;
  }
  return undefined;
}

describe('network isolation between function namespaces', () => {
  it('lets two namespaces listen on 127.0.0.1:8080 at once, each serving its own', async () => {
    await serve(a, '127.0.0.1', 8080, 'A');
    await serve(b, '127.0.0.1', 8080, 'B');
    expect(await fetchToken(cache, a, '127.0.0.1', 8080)).toBe('A');
    expect(await fetchToken(cache, b, '127.0.0.1', 8080)).toBe('B');
  });

  it('opens a socket "in" A that really is in A', () => {
    const fd = cache.sockets.tcpSocket(a);
    try {
      const inode = socketNamespaceInode(fd);
      expect(inode).toBe(statSync(`/run/netns/${a.name}`).ino);
      expect(inode).not.toBe(statSync(`/run/netns/${b.name}`).ino);
      expect(inode).not.toBe(statSync('/proc/self/ns/net').ino);
    } finally {
      closeSync(fd);
    }
    // A's own address can be bound only in A.
    closeSync(cache.sockets.tcpListen(a, a.functionAddress, 0));
    expect(() => cache.sockets.tcpListen(b, a.functionAddress, 0)).toThrow(/EADDRNOTAVAIL/);
    // within() moves the thread there and back.
    expect(cache.sockets.within(a, () => statSync('/proc/thread-self/ns/net').ino)).toBe(statSync(`/run/netns/${a.name}`).ino);
    expect(statSync('/proc/thread-self/ns/net').ino).toBe(statSync('/proc/self/ns/net').ino);
  });

  it('opens sockets in A by name too (for threads that do not own the cache)', async () => {
    const sockets = createThreadSockets('on');
    try {
      const fd = sockets.tcpSocket(a);
      expect(socketNamespaceInode(fd)).toBe(statSync(`/run/netns/${a.name}`).ino);
      closeSync(fd);
      servers.push(await serveToken(sockets.tcpListen(b, 'localhost', 8181), 'B by name'));
      expect(await fetchToken(cache, b, '127.0.0.1', 8181)).toBe('B by name');
      expect(statSync('/proc/thread-self/ns/net').ino).toBe(statSync('/proc/self/ns/net').ino);
    } finally {
      sockets.close();
    }
  });

  it('keeps A from B until they are linked, then lets them talk both ways, until unlinked', async () => {
    await serve(b, b.functionAddress, 9090, 'from B');
    await serve(a, a.functionAddress, 9090, 'from A');
    expectBlocked(await connectFrom(cache, a, b.functionAddress, 9090));
    expectBlocked(await connectFrom(cache, b, a.functionAddress, 9090));
    await cache.link(a, b);
    expect(await fetchToken(cache, a, b.functionAddress, 9090)).toBe('from B');
    expect(await fetchToken(cache, b, a.functionAddress, 9090)).toBe('from A');
    await cache.unlink(a, b);
    expectBlocked(await connectFrom(cache, a, b.functionAddress, 9090));
  });

  it("keeps A from the host's services: its 127.0.0.1, the host side of A's veth, any host address", async () => {
    const anyAddress = await hostListener('0.0.0.0');
    const loopbackOnly = await hostListener('127.0.0.1');
    // Inside A, 127.0.0.1 is A's own loopback, where nothing listens on those ports.
    expect(await connectFrom(cache, a, '127.0.0.1', loopbackOnly.port)).toBe('refused');
    expect(await connectFrom(cache, a, '127.0.0.1', anyAddress.port)).toBe('refused');
    expectBlocked(await connectFrom(cache, a, a.hostAddress, anyAddress.port));
    expectBlocked(await connectFrom(cache, a, b.hostAddress, anyAddress.port));
    const external = hostExternalAddress();
    if (external) expectBlocked(await connectFrom(cache, a, external, anyAddress.port));
    else console.log('isolation test: host has no external IPv4 address; that probe was not run');
    expect(anyAddress.connections()).toBe(0);
    expect(loopbackOnly.connections()).toBe(0);
    // Control: the listeners do accept connections from the host itself.
    const direct = new net.Socket();
    await new Promise<void>((resolve) => direct.connect(anyAddress.port, a.hostAddress, () => resolve()));
    direct.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(anyAddress.connections()).toBe(1);
  });

  /**
   * Acquires until `target` is handed out again (holding the others meanwhile, then releasing them):
   * the cache's background refill may push fresh namespaces ahead of it on the LIFO free list.
   */
  /** Waits until the free list holds at least the floor and has not changed for 300 ms. */
  async function quiescent(): Promise<void> {
    const deadline = Date.now() + 15_000;
    let last = -1;
    let stableSince = Date.now();
    for (;;) {
      const free = cache.stats().free;
      if (free !== last) [last, stableSince] = [free, Date.now()];
      else if (free >= FLOOR && Date.now() - stableSince >= 300) return;
      if (Date.now() > deadline) throw new Error(`the namespace cache never settled (free ${free})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function acquireUntil(target: NetworkNamespace): Promise<NetworkNamespace> {
    const others: NetworkNamespace[] = [];
    const deadline = Date.now() + 15_000;
    try {
      for (;;) {
        if (cache.stats().free === 0) {
          if (Date.now() > deadline) throw new Error('the released namespace never came back to the free list');
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const got = await cache.acquire();
        if (got === target) return got;
        others.push(got);
      }
    } finally {
      for (const o of others) cache.release(o);
    }
  }

  it('unlinks a released namespace before anyone gets it again', async () => {
    const c = await cache.acquire();
    await serve(c, c.functionAddress, 9191, 'from C');
    await cache.link(a, c);
    expect(await fetchToken(cache, a, c.functionAddress, 9191)).toBe('from C');
    const freeBefore = cache.stats().free;
    cache.release(c);
    expect(cache.stats().free).toBe(freeBefore); // held back while nft removes the link
    const again = await acquireUntil(c); // it comes back only once nft has removed the link
    expectBlocked(await connectFrom(cache, a, c.functionAddress, 9191));
    cache.release(again);
  });

  it('unlinks a namespace released while its link() is still running', async () => {
    const d = await cache.acquire();
    await serve(d, d.functionAddress, 9292, 'from D');
    // Count only once nothing else moves the free list: the refill this acquire started, and
    // namespaces earlier tests released while linked (they return once nft has removed their
    // links), could otherwise land between the two counts (a CI run saw 5 where 4 were expected).
    await quiescent();
    const freeBefore = cache.stats().free;
    const linking = cache.link(a, d);
    cache.release(d); // before nft has added the link
    await linking;
    expect(cache.stats().free).toBe(freeBefore); // held back while nft removes the link
    const again = await acquireUntil(d);
    expectBlocked(await connectFrom(cache, a, d.functionAddress, 9292));
    cache.release(again);
  });

  it('gives no route out with NAT off', async () => {
    expectBlocked(await connectFrom(cache, a, '1.1.1.1', 53, 1500));
  });
});

describe('NAT on', () => {
  it('lets a namespace reach the outside when the host can', async () => {
    const hostReach = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '1.1.1.1', port: 53, timeout: 1500 });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('timeout', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(false));
    });
    const natCache = createNamespaceCache({ invokerId: 'tnn', idBase: 64960, idCount: 64, floor: 1, ceiling: 2, nat: true });
    await natCache.start();
    try {
      const ns = await natCache.acquire();
      const outcome = await connectFrom(natCache, ns, '1.1.1.1', 53, 3000);
      if (hostReach) expect(outcome).toBe('connected');
      else console.log(`NAT test: the host itself cannot reach 1.1.1.1:53, so only the setup was checked (namespace got: ${outcome})`);
      // NAT opens the outside, not the host.
      const local = await hostListener('0.0.0.0');
      expectBlocked(await connectFrom(natCache, ns, ns.hostAddress, local.port));
      expect(local.connections()).toBe(0);
      natCache.release(ns);
    } finally {
      await natCache.close();
    }
  });
});
