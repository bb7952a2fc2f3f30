// npm run bench:netns — photon's programmatic namespace path (koffi + rtnetlink) against the
// thesis's shell-command sequence (`ip netns add`, `ip link add ... type veth peer ...`, ...), run
// on this machine, next to the thesis's Figure 6.1 numbers. Needs root. Uses invoker tag `tb`
// and address ids 64640..64895, and removes everything it made (also after a crash: rerun it).
import { execFileSync } from 'node:child_process';
import { closeSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { NetworkNamespace } from '../native/contracts.js';
import { createNamespaceCache } from '../native/namespace-cache.js';
import { NamespaceKernel } from '../native/namespace-kernel.js';
import type { KernelNamespace } from '../native/namespace-kernel.js';
import { addressesOf, hostVethName, namespaceName, peerVethName } from '../native/naming.js';

const TAG = 'tb';
const ID_BASE = 64640;
const ID_COUNT = 256;
const N_CREATE = Math.min(128, Number(process.env.BENCH_NETNS_CREATE ?? 100));
const N_SHELL = Math.min(128, Number(process.env.BENCH_NETNS_SHELL ?? 25));
const N_SWITCH = 20_000;
const N_ACQUIRE = 20_000;
// The top-up measurement holds REFILL leased and REFILL free at once, inside the id block.
const REFILL = Math.min(ID_COUNT / 2, Number(process.env.BENCH_NETNS_REFILL ?? 100));

interface Stat {
  median: number;
  p99: number;
  n: number;
}
function stat(samplesMs: number[]): Stat {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p99: at(0.99), n: s.length };
}
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
function timed(fn: () => void): number {
  const t = nowMs();
  fn();
  return nowMs() - t;
}
function fmt(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 0.1) return `${(ms * 1000).toFixed(1)} µs`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

const kernel = new NamespaceKernel();
const results = new Map<string, { photon?: Stat; shell?: Stat; thesis?: string; goal?: string }>();
const put = (op: string, side: 'photon' | 'shell', s: Stat, thesis?: string, goal?: string): void => {
  const row = results.get(op) ?? {};
  row[side] = s;
  if (thesis) row.thesis = thesis;
  if (goal) row.goal = goal;
  results.set(op, row);
};

function cleanup(): void {
  // Anything of tag `tb` a previous (crashed) run or the shell path left behind.
  for (const entry of kernel.detachStale(TAG)) void entry;
  for (const veth of kernel.hostVeths(TAG)) kernel.deleteLink(veth);
  try {
    execFileSync('nft', ['delete', 'table', 'inet', `photon_${TAG}`], { stdio: 'ignore' });
  } catch {
    // not there: fine
  }
}

function benchPhoton(): void {
  const created: KernelNamespace[] = [];
  const create: number[] = [];
  for (let i = 0; i < N_CREATE; i++) {
    let ns: KernelNamespace | undefined;
    create.push(timed(() => (ns = kernel.create(TAG, ID_BASE + i, { forwarding: true }))));
    created.push(ns!);
  }
  put('create (netns + veth + addresses + route)', 'photon', stat(create), '180 ms', '≤ 2 ms');

  const ns = created[0]!;
  const enter: number[] = [];
  const leave: number[] = [];
  for (let i = 0; i < N_SWITCH; i++) {
    enter.push(timed(() => kernel.enter(ns)));
    leave.push(timed(() => kernel.leave()));
  }
  put('enter (setns into the namespace)', 'photon', stat(enter), '< 0.1 ms', '≤ 25 µs');
  put('leave (setns back)', 'photon', stat(leave), '< 0.1 ms', '≤ 25 µs');

  const sock: number[] = [];
  for (let i = 0; i < N_SWITCH; i++) sock.push(timed(() => closeSync(kernel.socketIn(ns, 2, 1 | 0o4000 | 0o2000000))));
  put('socket in namespace (setns, socket, setns back, close)', 'photon', stat(sock));

  const disable: number[] = [];
  const enable: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const k = created[i % created.length]!;
    disable.push(timed(() => kernel.setLinkUp(k, false)));
    enable.push(timed(() => kernel.setLinkUp(k, true)));
  }
  put('disable veths ("free")', 'photon', stat(disable), '78 ms');
  put('enable veths', 'photon', stat(enable));

  const del: number[] = [];
  const half = Math.floor(created.length / 2);
  for (const k of created.slice(0, half)) del.push(timed(() => kernel.delete(k)));
  put('delete, synchronous (veth pair + netns)', 'photon', stat(del), '23 ms');
  const detach: number[] = [];
  for (const k of created.slice(half)) detach.push(timed(() => kernel.detach(k)));
  put('delete, detached (what the cache does)', 'photon', stat(detach), '23 ms');
}

function sh(args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

/** The thesis's §4.2 sequence, one `ip` process per step, as its Figure 6.1 measured it. */
function benchShell(): void {
  const create: number[] = [];
  const disable: number[] = [];
  const enable: number[] = [];
  const del: number[] = [];
  for (let i = 0; i < N_SHELL; i++) {
    const id = ID_BASE + 128 + i;
    const name = namespaceName(TAG, id);
    const h = hostVethName(TAG, id);
    const f = peerVethName(TAG, id);
    const { hostAddress, functionAddress } = addressesOf(id);
    create.push(
      timed(() => {
        sh(['netns', 'add', name]);
        sh(['link', 'add', h, 'type', 'veth', 'peer', 'name', f]);
        sh(['link', 'set', f, 'netns', name]);
        sh(['addr', 'add', `${hostAddress}/24`, 'dev', h]);
        sh(['netns', 'exec', name, 'ip', 'addr', 'add', `${functionAddress}/24`, 'dev', f]);
        sh(['link', 'set', h, 'up']);
        sh(['netns', 'exec', name, 'ip', 'link', 'set', f, 'up']);
        sh(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
        sh(['netns', 'exec', name, 'ip', 'route', 'add', 'default', 'via', hostAddress, 'dev', f]);
      }),
    );
    disable.push(
      timed(() => {
        sh(['link', 'set', h, 'down']);
        sh(['netns', 'exec', name, 'ip', 'link', 'set', f, 'down']);
      }),
    );
    enable.push(
      timed(() => {
        sh(['link', 'set', h, 'up']);
        sh(['netns', 'exec', name, 'ip', 'link', 'set', f, 'up']);
        sh(['netns', 'exec', name, 'ip', 'route', 'add', 'default', 'via', hostAddress, 'dev', f]);
      }),
    );
    del.push(
      timed(() => {
        sh(['link', 'del', h]);
        sh(['netns', 'delete', name]);
      }),
    );
  }
  put('create (netns + veth + addresses + route)', 'shell', stat(create));
  put('disable veths ("free")', 'shell', stat(disable));
  put('enable veths', 'shell', stat(enable));
  put('delete, synchronous (veth pair + netns)', 'shell', stat(del));
}

interface Refill {
  perSecond: number;
  /** Event-loop delay while the cache filled: p99 and worst. */
  p99LoopDelayMs: number;
  maxLoopDelayMs: number;
}

/**
 * The background top-up: a started cache hands out REFILL namespaces at once, then refills to its
 * floor while we measure the rate and how long the event loop was held at worst meanwhile.
 */
async function refill(creationThread: 'worker' | 'main'): Promise<Refill> {
  const logged: string[] = [];
  const cache = createNamespaceCache({ invokerId: TAG, idBase: ID_BASE, idCount: ID_COUNT, floor: REFILL, ceiling: ID_COUNT, creationThread, log: (l) => logged.push(l) });
  await cache.start();
  if (logged.some((l) => l.includes('instead of a worker'))) throw new Error(`the creation worker did not start:\n${logged.join('\n')}`);
  const leased: NetworkNamespace[] = [];
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t = nowMs();
  for (let i = 0; i < REFILL; i++) leased.push(await cache.acquire());
  while (cache.stats().free < REFILL) {
    if (nowMs() - t > 60_000) throw new Error(`top-up stalled at ${cache.stats().free} of ${REFILL} free namespaces`);
    await new Promise((r) => setTimeout(r, 1));
  }
  const elapsed = nowMs() - t;
  delay.disable();
  for (const ns of leased) cache.release(ns);
  await cache.close();
  await new Promise((r) => setTimeout(r, 300));
  return { perSecond: REFILL / (elapsed / 1000), p99LoopDelayMs: delay.percentile(99) / 1e6, maxLoopDelayMs: delay.max / 1e6 };
}

async function benchCache(): Promise<Refill[]> {
  const refills = [await refill('worker'), await refill('main')];
  const cache = createNamespaceCache({ invokerId: TAG, idBase: ID_BASE, idCount: ID_COUNT, floor: 8, ceiling: ID_COUNT, log: () => undefined });
  await cache.start();
  const acquire: number[] = [];
  const release: number[] = [];
  for (let i = 0; i < N_ACQUIRE; i++) {
    const t0 = nowMs();
    const ns = await cache.acquire();
    acquire.push(nowMs() - t0);
    release.push(timed(() => cache.release(ns)));
  }
  put('acquire from cache (await acquire())', 'photon', stat(acquire), '—', '≤ 5 µs');
  put('release to cache', 'photon', stat(release));
  await cache.close();

  const toggling = createNamespaceCache({ invokerId: TAG, idBase: ID_BASE, idCount: ID_COUNT, floor: 4, ceiling: 8, disableIdle: true, log: () => undefined });
  await toggling.start();
  const acquireToggled: number[] = [];
  const releaseToggled: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = nowMs();
    const ns = await toggling.acquire();
    acquireToggled.push(nowMs() - t0);
    releaseToggled.push(timed(() => toggling.release(ns)));
  }
  put('acquire from cache, disableIdle (enable on acquire)', 'photon', stat(acquireToggled));
  put('release to cache, disableIdle (disable on release)', 'photon', stat(releaseToggled));
  await toggling.close();
  return refills;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench:netns needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN)');
  cleanup();
  try {
    benchPhoton();
    await new Promise((r) => setTimeout(r, 500)); // let detached namespaces die before reusing ids
    benchShell();
    print(await benchCache());
  } finally {
    cleanup();
    kernel.close();
  }
}

function print([worker, main]: Refill[]): void {
  const rows: string[][] = [['operation', 'photon median', 'photon p99', 'shell median', 'shell p99', 'thesis (Fig. 6.1)', 'goal']];
  for (const [op, r] of results) {
    rows.push([op, fmt(r.photon?.median), fmt(r.photon?.p99), fmt(r.shell?.median), fmt(r.shell?.p99), r.thesis ?? '', r.goal ?? '']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]): string => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(`\nnetwork namespaces on ${process.arch}, kernel ${execFileSync('uname', ['-r']).toString().trim()}, node ${process.version}`);
  console.log(`samples: create ${N_CREATE}, shell ${N_SHELL}, enter/leave ${N_SWITCH}, acquire ${N_ACQUIRE}\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`\ncache refill (background top-up of ${REFILL} after handing out ${REFILL}):`);
  for (const [label, r] of [['on the creation worker:    ', worker!], ["on the event loop's thread:", main!]] as const) {
    console.log(`  ${label} ${r.perSecond.toFixed(0)} namespaces/s; event-loop delay meanwhile p99 ${r.p99LoopDelayMs.toFixed(1)} ms, max ${r.maxLoopDelayMs.toFixed(1)} ms`);
  }
  console.log('shell enter/leave: the thesis also used setns(2) for these, so there is no shell column.');
}

await main();
