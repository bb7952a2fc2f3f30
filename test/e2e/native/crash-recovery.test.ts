// Real namespaces (root) and real processes: reclamation after kill -9, exit hooks, and what
// start() does without the privileges isolation needs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createNamespaceCache } from '../../../native/index.js';
import { exited, hostVethsOf, namespacesOf, spawnFixture } from './helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const nftTables = (): string => execFileSync('nft', ['list', 'tables']).toString();

// A failed expectation must not leave a fixture (and its namespaces) running.
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
const track = <T extends { child: ChildProcess }>(spawned: T): T => (children.push(spawned.child), spawned);

describe('crash safety', () => {
  it("reclaims a killed process's namespaces, veths and nft table on the next start", async () => {
    const { child, ready } = track(spawnFixture(fixture('invoker-process.ts'), ['tnk', '65280', '3', 'nohooks']));
    await ready;
    child.kill('SIGKILL'); // its background filler may still be adding one: count after it is dead
    await exited(child);
    // The leak a crash leaves behind, which start() must clean:
    const left = namespacesOf('tnk');
    expect(left.length).toBeGreaterThanOrEqual(3); // the floor, one of them leased
    // kill -9 may land inside one creation, between its namespace and its veth pair.
    expect(hostVethsOf('tnk').length).toBeGreaterThanOrEqual(left.length - 1);
    expect(hostVethsOf('tnk').length).toBeLessThanOrEqual(left.length);
    // nsfs inode numbers are reused as soon as a namespace dies; interface indexes are not.
    const ifindex = (veth: string): string => readFileSync(`/sys/class/net/${veth}/ifindex`, 'utf8').trim();
    const oldIndexes = new Set(hostVethsOf('tnk').map(ifindex));
    expect(nftTables()).toContain('photon_tnk');

    const logged: string[] = [];
    const successor = createNamespaceCache({ invokerId: 'tnk', idBase: 65280, idCount: 64, floor: 2, ceiling: 32, log: (l) => logged.push(l) });
    await successor.start();
    try {
      const now = namespacesOf('tnk');
      expect(now).toHaveLength(2);
      expect(hostVethsOf('tnk')).toHaveLength(2);
      for (const veth of hostVethsOf('tnk')) expect(oldIndexes.has(ifindex(veth))).toBe(false);
      expect(logged.join('\n')).toMatch(new RegExp(`reclaimed ${left.length} stale namespaces`));
      expect(nftTables()).toContain('photon_tnk');
    } finally {
      await successor.close();
    }
    expect(namespacesOf('tnk')).toEqual([]);
    expect(hostVethsOf('tnk')).toEqual([]);
    expect(nftTables()).not.toContain('photon_tnk');
  });

  it('refuses to start a second live process with the same invoker id, and leaves the first alone', async () => {
    const first = createNamespaceCache({ invokerId: 'tnk', idBase: 65280, idCount: 64, floor: 2, ceiling: 4 });
    await first.start();
    try {
      const before = namespacesOf('tnk').sort();
      const second = createNamespaceCache({ invokerId: 'tnk', idBase: 65280, idCount: 64, floor: 2, ceiling: 4 });
      await expect(second.start()).rejects.toThrow(/already running/);
      expect(namespacesOf('tnk').sort()).toEqual(before);
      expect(hostVethsOf('tnk')).toHaveLength(2);
      expect(nftTables()).toContain('photon_tnk');
      const ns = await first.acquire();
      first.release(ns);
    } finally {
      await first.close();
    }
    expect(namespacesOf('tnk')).toEqual([]);
  });

  it('removes everything on SIGTERM when the exit hooks are on', async () => {
    const { child, ready } = track(spawnFixture(fixture('invoker-process.ts'), ['tnh', '65344', '2', 'hooks']));
    await ready;
    expect(namespacesOf('tnh').length).toBeGreaterThanOrEqual(2);
    expect(nftTables()).toContain('photon_tnh');
    const t = Date.now();
    child.kill('SIGTERM');
    await exited(child);
    console.log(`exit hooks: child gone ${Date.now() - t} ms after SIGTERM`);
    expect(child.signalCode).toBe('SIGTERM');
    expect(namespacesOf('tnh')).toEqual([]);
    expect(hostVethsOf('tnh')).toEqual([]);
    expect(nftTables()).not.toContain('photon_tnh');
  });
});

describe('without CAP_SYS_ADMIN and CAP_NET_ADMIN', () => {
  const setpriv = ['/usr/bin/setpriv', '--bounding-set', '-sys_admin,-net_admin', '--inh-caps', '-sys_admin,-net_admin', '--'];
  const haveSetpriv = existsSync('/usr/bin/setpriv');
  if (!haveSetpriv) console.log('unprivileged tests: /usr/bin/setpriv (util-linux) is missing, cannot drop capabilities; these tests fail');

  it('refuses to start with isolation on, naming the capabilities and PHOTON_NETWORK_ISOLATION=off', async () => {
    expect(haveSetpriv).toBe(true);
    const { child, ready } = track(spawnFixture(fixture('unprivileged-start.ts'), ['on'], setpriv));
    const result = JSON.parse((await ready).slice('ready '.length)) as { ok: boolean; message: string };
    await exited(child);
    expect(result.ok).toBe(false);
    expect(result.message).toContain('CAP_SYS_ADMIN');
    expect(result.message).toContain('CAP_NET_ADMIN');
    expect(result.message).toContain('PHOTON_NETWORK_ISOLATION=off');
    expect(namespacesOf('tnu')).toEqual([]);
  });

  it('runs with isolation off, sockets in the host namespace, and says so loudly', async () => {
    expect(haveSetpriv).toBe(true);
    const { child, ready } = track(spawnFixture(fixture('unprivileged-start.ts'), ['off'], setpriv));
    const result = JSON.parse((await ready).slice('ready '.length)) as { ok: boolean; inHost: boolean; warned: boolean; name: string };
    await exited(child);
    expect(result).toMatchObject({ ok: true, inHost: true, warned: true });
    expect(result.name).toMatch(/^photon-tnu-\d+$/);
    expect(namespacesOf('tnu')).toEqual([]);
  });
});
