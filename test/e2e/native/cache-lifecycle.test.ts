// Real namespaces (root): the cache's janitor, address ids, enable/disable, and leaks.
import { closeSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { NamespaceCache, NetworkNamespace } from '../../../native/index.js';
import { createNamespaceCache } from '../../../native/index.js';
import { closeServer, fetchToken, hostVethsOf, namespacesOf, openFds, serveToken } from './helpers.js';

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

function nftTables(): string {
  return execFileSync('nft', ['list', 'tables']).toString();
}

async function acquireN(cache: NamespaceCache, n: number): Promise<NetworkNamespace[]> {
  const out: NetworkNamespace[] = [];
  for (let i = 0; i < n; i++) out.push(await cache.acquire());
  return out;
}

describe('namespace cache', () => {
  it('fills to the floor in start(), and the janitor trims free namespaces to the ceiling', async () => {
    const logged: string[] = [];
    const cache = createNamespaceCache({ invokerId: 'tnj', idBase: 65024, idCount: 64, floor: 2, ceiling: 4, janitorIntervalMs: 100, log: (l) => logged.push(l) });
    await cache.start();
    try {
      expect(logged.join('\n')).toBe(''); // the creation worker is really used
      expect(cache.stats()).toMatchObject({ free: 2, inUse: 0, created: 2 });
      expect(namespacesOf('tnj')).toHaveLength(2);
      const leased = await acquireN(cache, 8); // 2 from the cache, 6 on the slow path
      expect(cache.stats()).toMatchObject({ free: 0, inUse: 8 });
      for (const ns of leased) cache.release(ns);
      expect(cache.stats().free).toBe(8);
      expect(await until(() => cache.stats().free === 4, 3000)).toBe(true);
      expect(cache.stats()).toMatchObject({ free: 4, inUse: 0, deleted: 4 });
      expect(namespacesOf('tnj')).toHaveLength(4);
      expect(await until(() => hostVethsOf('tnj').length === 4, 5000)).toBe(true);
    } finally {
      await cache.close();
    }
    expect(namespacesOf('tnj')).toEqual([]);
    expect(hostVethsOf('tnj')).toEqual([]);
  });

  it('trims namespaces idle past the keep-alive down to the floor, and tops up in the background', async () => {
    // Creating on the event loop's own thread (the worker's fallback) is covered here.
    const cache = createNamespaceCache({ invokerId: 'tnj', idBase: 65024, idCount: 64, floor: 1, ceiling: 8, keepAliveMs: 200, janitorIntervalMs: 50, creationThread: 'main' });
    await cache.start();
    try {
      const leased = await acquireN(cache, 4);
      expect(await until(() => cache.stats().free === 1, 2000)).toBe(true); // background top-up to the floor
      for (const ns of leased) cache.release(ns);
      expect(cache.stats().free).toBe(5);
      expect(await until(() => cache.stats().free === 1, 3000)).toBe(true);
      const late = await cache.acquire();
      await cache.close();
      expect(namespacesOf('tnj')).toEqual([]);
      expect(() => cache.release(late)).not.toThrow(); // a late release during shutdown is harmless
      await expect(cache.acquire()).rejects.toThrow(/closed/);
    } finally {
      await cache.close();
    }
  });

  it('never gives two namespaces the same address, within a cache or across invokers', async () => {
    const one = createNamespaceCache({ invokerId: 'tnc1', idBase: 65088, idCount: 64, floor: 4, ceiling: 32 });
    const two = createNamespaceCache({ invokerId: 'tnc2', idBase: 65152, idCount: 64, floor: 4, ceiling: 32 });
    await one.start();
    await two.start();
    try {
      const all = [...(await acquireN(one, 12)), ...(await acquireN(two, 12))];
      expect(new Set(all.map((ns) => ns.id)).size).toBe(24);
      expect(new Set(all.map((ns) => ns.functionAddress)).size).toBe(24);
      // What the kernel holds: every host-side 10.x address on this machine is on one interface only.
      const owners = new Map<string, string[]>();
      for (const [name, addrs] of Object.entries(networkInterfaces())) {
        for (const a of addrs ?? []) if (a.family === 'IPv4' && a.address.startsWith('10.')) owners.set(a.address, [...(owners.get(a.address) ?? []), name]);
      }
      for (const ns of all) expect(owners.get(ns.hostAddress)).toHaveLength(1);
      // A third invoker told to use an occupied block refuses to start instead of colliding.
      const clash = createNamespaceCache({ invokerId: 'tnc3', idBase: 65088, idCount: 64, floor: 1, ceiling: 2 });
      await expect(clash.start()).rejects.toThrow(/collides/);
      for (const ns of all) (one.stats().inUse && ns.name.includes('tnc1') ? one : two).release(ns);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('disables idle veths and enables them on acquire when asked to (thesis disable/enable)', async () => {
    const cache = createNamespaceCache({ invokerId: 'tnd', idBase: 65408, idCount: 64, floor: 1, ceiling: 2, disableIdle: true });
    await cache.start();
    const hostUp = (ns: NetworkNamespace): boolean =>
      (parseInt(readFileSync(`/sys/class/net/ph-tnd-h${ns.id.toString(16)}/flags`, 'utf8'), 16) & 1) === 1;
    try {
      const ns = await cache.acquire();
      expect(hostUp(ns)).toBe(true);
      const server = await serveToken(cache.sockets.tcpListen(ns, ns.functionAddress, 7000), 'up');
      cache.release(ns);
      expect(hostUp(ns)).toBe(false);
      const again = await cache.acquire();
      expect(again).toBe(ns);
      expect(hostUp(ns)).toBe(true);
      // Up again with its address and route intact: the host reaches the function's server.
      const probe = await cache.acquire();
      await cache.link(ns, probe);
      expect(await fetchToken(cache, probe, ns.functionAddress, 7000)).toBe('up');
      await closeServer(server);
      cache.release(probe);
      cache.release(again);
    } finally {
      await cache.close();
    }
  });

  it('leaks nothing over 10,000 acquire/socket/release cycles plus creation churn, and close() removes everything', async () => {
    const fdsAtStart = openFds();
    const cache = createNamespaceCache({ invokerId: 'tnl', idBase: 65216, idCount: 64, floor: 4, ceiling: 8, keepAliveMs: 0, janitorIntervalMs: 20 });
    await cache.start();
    try {
      const warm = await cache.acquire();
      closeSync(cache.sockets.tcpSocket(warm));
      cache.release(warm);
      // Baseline once the top-up (on the creation worker) and the janitor have settled.
      expect(await until(() => cache.stats().free === 4 && namespacesOf('tnl').length === 4, 5000)).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      const fdsBefore = openFds();
      const nsBefore = namespacesOf('tnl').length;
      for (let i = 0; i < 10_000; i++) {
        const ns = await cache.acquire();
        closeSync(cache.sockets.tcpSocket(ns));
        cache.release(ns);
      }
      // Churn: more than the floor at once, so namespaces are created and the janitor deletes them.
      for (let round = 0; round < 30; round++) {
        const batch = await acquireN(cache, 6);
        for (const ns of batch) cache.release(ns);
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(await until(() => cache.stats().free === 4 && namespacesOf('tnl').length === nsBefore, 5000)).toBe(true);
      expect(cache.stats().created).toBeGreaterThan(20);
      expect(await until(() => hostVethsOf('tnl').length === 4 && openFds() <= fdsBefore, 5000)).toBe(true);
      expect(openFds()).toBeLessThanOrEqual(fdsBefore);
    } finally {
      await cache.close();
    }
    expect(namespacesOf('tnl')).toEqual([]);
    expect(hostVethsOf('tnl')).toEqual([]);
    expect(nftTables()).not.toContain('photon_tnl');
    // The cache's own fds too: netlink sockets, namespace fds, the lock, the creation worker's.
    expect(await until(() => openFds() <= fdsAtStart, 2000)).toBe(true);
  });
});
