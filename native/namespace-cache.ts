// The namespace cache of one invoker (thesis Algorithms 4.2 and 4.3): filled to the floor before
// start() resolves, handed out and taken back in O(1), topped up in the background, trimmed by a
// janitor, and removed entirely on close() or, opt-in, on SIGTERM/SIGINT/exit.
import { networkInterfaces } from 'node:os';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { NamespaceCache, NamespaceSockets, NetworkNamespace } from './contracts.js';
import type { NamespaceCacheOptions, ResolvedCacheOptions } from './cache-options.js';
import { resolveCacheOptions } from './cache-options.js';
import { effectiveCapabilities, isolationUnavailableMessage, missingCapabilities } from './capabilities.js';
import { EgressPolicy, apiPlacement, defaultRouteInterface, functionApiTarget, nftAvailable, type ApiTarget } from './egress-policy.js';
import type { LinkPair } from './egress-policy.js';
import { IdAllocator } from './id-allocator.js';
import { hostVethName, namespaceName, parseHostVethName } from './naming.js';
import type { KernelNamespace } from './namespace-kernel.js';
import { NamespaceKernel } from './namespace-kernel.js';
import { NamespaceCreator } from './namespace-creator.js';
import { NamespacePool } from './namespace-pool.js';
import { OwnerLock } from './owner-lock.js';
import { KernelNamespaceSockets } from './namespace-sockets.js';

export type { NamespaceCacheOptions } from './cache-options.js';

/** How long close()/start() wait for the kernel to finish destroying detached namespaces. */
const VETH_GONE_TIMEOUT_MS = 10_000;
/** Creation requests queued on the worker at once: enough to hide the message round trip. */
const CREATION_PIPELINE = 4;
/**
 * The top-up an acquire asks for waits until acquires pause this long: the acquire is a cold start
 * whose isolate is being made right now, and a creation (~1–2 ms of kernel time on the worker)
 * running beside it took ~1–1.5 ms off every such start on this 2-core machine (bench:isolates
 * --builtins; invoker/README.md "Where a new isolate's time goes")…
 */
const TOP_UP_QUIET_MS = 20;
/** …but no longer than this after it was first asked for (a steady stream of acquires never pauses)… */
const TOP_UP_MAX_DEFER_MS = 250;
/** …and not at all once the free list is down to this share of the floor (a burst must not drain it). */
const TOP_UP_URGENT_SHARE = 0.25;
let warnedUnisolated = false;

export function createNamespaceCache(options: NamespaceCacheOptions): NamespaceCache {
  return new PhotonNamespaceCache(resolveCacheOptions(options));
}

class PhotonNamespaceCache implements NamespaceCache {
  readonly isolation: 'on' | 'off';
  readonly sockets: NamespaceSockets;
  private readonly pool: NamespacePool<NetworkNamespace>;
  private readonly ids: IdAllocator;
  private readonly kernelOf = new WeakMap<NetworkNamespace, KernelNamespace>();
  private readonly links = new Map<NetworkNamespace, Set<NetworkNamespace>>();
  private readonly unlinking = new Set<NetworkNamespace>();
  private kernel: NamespaceKernel | undefined;
  private lock: OwnerLock | undefined;
  private creator: NamespaceCreator | undefined;
  private readonly inflight = new Set<Promise<KernelNamespace>>();
  private policy: EgressPolicy | undefined;
  private state: 'new' | 'starting' | 'running' | 'closed' = 'new';
  private filling = false;
  private janitor: NodeJS.Timeout | undefined;
  private created = 0;
  private deleted = 0;
  private removeHooks: (() => void) | undefined;
  private topUpTimer: NodeJS.Timeout | undefined;
  private topUpAskedAt = 0;

  constructor(private readonly o: ResolvedCacheOptions) {
    this.isolation = o.isolation;
    this.pool = new NamespacePool({ floor: o.floor, ceiling: o.ceiling, keepAliveMs: o.keepAliveMs }, o.clock);
    this.ids = new IdAllocator(o.idBase, o.idCount);
    this.sockets = new KernelNamespaceSockets(() => this.kernel, (ns) => this.kernelNamespace(ns));
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`namespace cache already ${this.state}`);
    this.state = 'starting';
    try {
      await this.startUp();
    } catch (err) {
      // Whatever start() got to (lock, table, namespaces) must not outlive the failure.
      this.closeSync();
      throw err;
    }
  }

  private async startUp(): Promise<void> {
    if (this.isolation === 'off') {
      if (!warnedUnisolated) {
        warnedUnisolated = true;
        console.error(
          '\n*** photon: PHOTON_NETWORK_ISOLATION=off — functions are NOT network-isolated: they share ' +
            "the host's network namespace, can reach each other and every host service (Redis, Kafka, " +
            'the controller) and cannot listen on the same port. ***\n',
        );
      }
    } else {
      await this.startIsolated();
    }
    while (this.pool.deficit() > 0) {
      await this.createBatch(this.pool.deficit());
      await yieldToEventLoop();
    }
    this.state = 'running';
    this.janitor = setInterval(() => this.runJanitor(), this.o.janitorIntervalMs);
    this.janitor.unref();
    if (this.o.exitHooks) this.installExitHooks();
  }

  async acquire(): Promise<NetworkNamespace> {
    if (this.state !== 'running') throw new Error(`namespace cache is ${this.state}, not running`);
    let ns = this.pool.take();
    if (ns) {
      if (this.o.disableIdle) this.setUp(ns, true);
    } else {
      // Slow path (cache empty): the caller waits for one creation, ~2 ms.
      ns = await this.createOneAsync(true);
      this.pool.lease(ns);
    }
    if (this.pool.deficit() > 0) this.topUpSoon();
    return ns;
  }

  release(ns: NetworkNamespace): void {
    // close() already deleted it; shutdown paths that release late must not fail for that.
    if (this.state === 'closed') return;
    if (!this.pool.isLeased(ns)) throw new Error(`namespace ${ns.name} is not leased from this cache`);
    if (this.state !== 'running') {
      this.pool.forget(ns);
      this.destroy(ns);
      return;
    }
    const peers = this.links.get(ns);
    if (peers && peers.size > 0) {
      // Its links must be gone before anyone else gets it; nft runs in the background meanwhile.
      this.pool.forget(ns);
      this.unlinking.add(ns);
      void this.dropAllLinks(ns).then(
        () => this.returnAfterUnlink(ns),
        (err: unknown) => {
          this.o.log(`photon native: unlinking ${ns.name} failed, deleting it instead: ${String(err)}`);
          this.unlinking.delete(ns);
          this.destroy(ns);
        },
      );
      return;
    }
    try {
      if (this.o.disableIdle) this.setUp(ns, false);
    } catch (err) {
      this.o.log(`photon native: disabling ${ns.name} failed, deleting it: ${String(err)}`);
      this.pool.forget(ns);
      this.destroy(ns);
      return;
    }
    this.pool.give(ns);
  }

  async exposeApi(target: ApiTarget): Promise<ApiTarget> {
    if (this.isolation === 'off' || !this.policy) return target;
    const placement = apiPlacement(target.address);
    await this.policy.allowApi(placement === 'loopback' && target.address === '0.0.0.0' ? { ...target, address: '127.0.0.1' } : target, placement, defaultRouteInterface());
    return functionApiTarget(target, placement);
  }

  async link(a: NetworkNamespace, b: NetworkNamespace): Promise<void> {
    this.assertOwned(a);
    this.assertOwned(b);
    if (a === b) return;
    // Recorded before nft runs, so a release() meanwhile knows to unlink (nft calls run in order).
    const pairs = this.pairs(a, b);
    this.peersOf(a).add(b);
    this.peersOf(b).add(a);
    try {
      if (this.policy) await this.policy.link(pairs);
    } catch (err) {
      this.links.get(a)?.delete(b);
      this.links.get(b)?.delete(a);
      throw err;
    }
  }

  async unlink(a: NetworkNamespace, b: NetworkNamespace): Promise<void> {
    if (!this.links.get(a)?.has(b)) return;
    if (this.policy) await this.policy.unlink(this.pairs(a, b));
    this.links.get(a)?.delete(b);
    this.links.get(b)?.delete(a);
  }

  stats(): { free: number; inUse: number; created: number; deleted: number } {
    return { free: this.pool.freeCount, inUse: this.pool.leasedCount, created: this.created, deleted: this.deleted };
  }

  async close(): Promise<void> {
    if (!this.beginClose()) return;
    // Creations still running in the worker land first (and are deleted as they land).
    await Promise.allSettled([...this.inflight]);
    await this.creator?.close();
    const remaining = this.detachAll();
    const deadline = Date.now() + VETH_GONE_TIMEOUT_MS;
    while (this.kernel && remaining().length > 0 && Date.now() < deadline) await sleep(20);
    this.finishClose(remaining());
  }

  /** close() for exit hooks: same steps, sleeping synchronously while the kernel cleans up. */
  closeSync(): void {
    if (!this.beginClose()) return;
    // Cannot wait for the worker here: a creation it is in the middle of is swept up by
    // detachAll() if its mount exists already, or by the next start() if not.
    this.creator?.terminate();
    const remaining = this.detachAll();
    const deadline = Date.now() + VETH_GONE_TIMEOUT_MS;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (this.kernel && remaining().length > 0 && Date.now() < deadline) Atomics.wait(nap, 0, 0, 20);
    this.finishClose(remaining());
  }

  // ---- internals ----

  private async startIsolated(): Promise<void> {
    const missing = missingCapabilities(effectiveCapabilities());
    if (missing.length > 0) throw Object.assign(new Error(isolationUnavailableMessage(missing)), { code: 'PHOTON_NO_PRIVILEGES' });
    if (!nftAvailable()) {
      throw Object.assign(new Error(
        'photon: network isolation needs the `nft` command (Debian package nftables) for its egress ' +
          'policy; install it, or set PHOTON_NETWORK_ISOLATION=off to run functions WITHOUT network isolation.',
      ), { code: 'PHOTON_NO_PRIVILEGES' });
    }
    this.lock = new OwnerLock(this.o.tag, this.o.invokerId);
    this.checkIdBlockIsFree();
    const uplink = defaultRouteInterface();
    if (this.o.nat && !uplink) throw new Error('photon: nat is on but the host has no IPv4 default route');
    const kernel = new NamespaceKernel();
    this.kernel = kernel;
    // A crashed predecessor with the same invoker id may have left namespaces, veths and its table.
    const stale = kernel.detachStale(this.o.tag);
    const deadline = Date.now() + VETH_GONE_TIMEOUT_MS;
    while (kernel.hostVeths(this.o.tag).length > 0 && Date.now() < deadline) await sleep(20);
    for (const veth of kernel.hostVeths(this.o.tag)) kernel.deleteLink(veth);
    if (stale.length > 0) this.o.log(`photon native: reclaimed ${stale.length} stale namespaces of invoker ${this.o.invokerId}`);
    this.policy = new EgressPolicy({ tag: this.o.tag, idBase: this.o.idBase, idCount: this.o.idCount, nat: this.o.nat, uplink });
    this.policy.install();
    if (this.o.creationThread === 'worker') {
      const creator = new NamespaceCreator();
      try {
        await creator.ready;
        this.creator = creator;
      } catch (err) {
        creator.terminate();
        this.o.log(`photon native: creating namespaces on the event loop's thread instead of a worker: ${String(err)}`);
      }
    }
  }

  /** Another owner's address inside our block would make two /24s collide: refuse to start. */
  private checkIdBlockIsFree(): void {
    for (const [name, addresses] of Object.entries(networkInterfaces())) {
      if (parseHostVethName(this.o.tag, name) !== undefined) continue;
      for (const a of addresses ?? []) {
        const m = /^10\.(\d+)\.(\d+)\.\d+$/.exec(a.address);
        if (a.family !== 'IPv4' || !m) continue;
        const id = (Number(m[1]) << 8) | Number(m[2]);
        if (id >= this.o.idBase && id < this.o.idBase + this.o.idCount) {
          throw new Error(
            `photon: address block of invoker ${this.o.invokerId} (ids ${this.o.idBase}..${this.o.idBase + this.o.idCount - 1}) ` +
              `collides with ${a.address} on ${name}; pass another idBase`,
          );
        }
      }
    }
  }

  /**
   * One new namespace, on the creation worker when there is one (the event loop stays free),
   * else synchronously here. `up`: whether its veth starts enabled (not so for free namespaces
   * under disableIdle).
   */
  private async createOneAsync(up = !this.o.disableIdle): Promise<NetworkNamespace> {
    const kernel = this.kernel;
    const creator = this.creator;
    if (!kernel || !creator || creator.broken) return this.createOne(up);
    const id = this.ids.allocate((i) => kernel.hostVethExists(hostVethName(this.o.tag, i)));
    const job = creator.create(this.o.tag, id, { forwarding: true, hostUp: up });
    this.inflight.add(job);
    let k: KernelNamespace;
    try {
      k = await job;
    } catch (err) {
      this.ids.free(id);
      throw err;
    } finally {
      this.inflight.delete(job);
    }
    const ns = this.adopt(k);
    if (this.state === 'closed') {
      this.destroy(ns);
      throw new Error('namespace cache closed while creating a namespace');
    }
    return ns;
  }

  /**
   * Up to `wanted` new free namespaces. With the worker a few requests are queued at once, so it
   * never idles waiting for the next message; without it, one (each blocks the loop). Whatever
   * was created is added even if another creation of the batch failed, then that error is thrown.
   */
  private async createBatch(wanted: number): Promise<void> {
    const n = this.creator && !this.creator.broken ? Math.min(wanted, CREATION_PIPELINE) : Math.min(wanted, 1);
    const results = await Promise.allSettled(Array.from({ length: n }, () => this.createOneAsync()));
    let failure: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') this.pool.add(r.value);
      else failure ??= r.reason;
    }
    if (failure !== undefined) throw failure;
  }

  private createOne(up: boolean): NetworkNamespace {
    const kernel = this.kernel;
    const id = this.ids.allocate(kernel ? (i) => kernel.hostVethExists(hostVethName(this.o.tag, i)) : undefined);
    try {
      if (kernel) return this.adopt(kernel.create(this.o.tag, id, { forwarding: true, hostUp: up }));
      this.created++;
      // No kernel namespace: everything is the host's, so the loopback is the honest address.
      return Object.freeze({ id, name: namespaceName(this.o.tag, id), hostAddress: '127.0.0.1', functionAddress: '127.0.0.1' });
    } catch (err) {
      this.ids.free(id);
      throw err;
    }
  }

  private adopt(k: KernelNamespace): NetworkNamespace {
    const ns = Object.freeze({ id: k.id, name: k.name, hostAddress: k.hostAddress, functionAddress: k.functionAddress });
    this.kernelOf.set(ns, k);
    this.created++;
    return ns;
  }

  private destroy(ns: NetworkNamespace): void {
    this.pool.destroyed(ns);
    const k = this.kernelOf.get(ns);
    this.kernelOf.delete(ns);
    this.links.delete(ns);
    if (k && this.kernel) {
      try {
        this.kernel.detach(k);
      } catch (err) {
        this.o.log(`photon native: deleting ${ns.name} failed: ${String(err)}`);
      }
    }
    this.ids.free(ns.id);
    this.deleted++;
  }

  private setUp(ns: NetworkNamespace, up: boolean): void {
    const k = this.kernelOf.get(ns);
    if (k && this.kernel) this.kernel.setLinkUp(k, up);
  }

  private scheduleFill(): void {
    if (this.filling || this.state !== 'running') return;
    this.filling = true;
    void (async () => {
      try {
        while (this.state === 'running' && this.pool.deficit() > 0) {
          await this.createBatch(this.pool.deficit());
          // Without the worker each creation blocks the loop ~2 ms: one per turn, never more.
          if (!this.creator || this.creator.broken) await yieldToEventLoop();
        }
      } catch (err) {
        if (this.state === 'running') {
          this.o.log(`photon native: background namespace creation failed (the janitor retries): ${String(err)}`);
        }
      } finally {
        this.filling = false;
      }
    })();
  }

  /** The background top-up after an acquire: once acquires pause (TOP_UP_QUIET_MS), at once when the free list runs low. */
  private topUpSoon(): void {
    if (this.pool.freeCount <= this.o.floor * TOP_UP_URGENT_SHARE) {
      this.cancelTopUp();
      this.scheduleFill();
      return;
    }
    if (this.topUpTimer) {
      if (performance.now() - this.topUpAskedAt < TOP_UP_MAX_DEFER_MS) this.topUpTimer.refresh();
      return;
    }
    this.topUpAskedAt = performance.now();
    this.topUpTimer = setTimeout(() => {
      this.topUpTimer = undefined;
      this.scheduleFill();
    }, TOP_UP_QUIET_MS);
    this.topUpTimer.unref();
  }

  private cancelTopUp(): void {
    if (this.topUpTimer) clearTimeout(this.topUpTimer);
    this.topUpTimer = undefined;
  }

  private runJanitor(): void {
    for (const ns of this.pool.trim()) this.destroy(ns);
    if (this.pool.deficit() > 0) this.scheduleFill();
  }

  private returnAfterUnlink(ns: NetworkNamespace): void {
    this.unlinking.delete(ns);
    if (this.state !== 'running') {
      this.destroy(ns);
      return;
    }
    this.pool.lease(ns);
    this.release(ns);
  }

  private async dropAllLinks(ns: NetworkNamespace): Promise<void> {
    for (const peer of [...(this.links.get(ns) ?? [])]) await this.unlink(ns, peer);
  }

  private pairs(a: NetworkNamespace, b: NetworkNamespace): LinkPair[] {
    const ka = this.kernelNamespace(a);
    const kb = this.kernelNamespace(b);
    if (!ka || !kb) return [];
    return [
      { fromVeth: ka.hostVeth, toAddress: kb.functionAddress },
      { fromVeth: kb.hostVeth, toAddress: ka.functionAddress },
    ];
  }

  private peersOf(ns: NetworkNamespace): Set<NetworkNamespace> {
    let peers = this.links.get(ns);
    if (!peers) this.links.set(ns, (peers = new Set()));
    return peers;
  }

  private assertOwned(ns: NetworkNamespace): void {
    if (!this.pool.isLeased(ns)) throw new Error(`namespace ${ns.name} is not leased from this cache`);
  }

  /** With isolation on, a namespace we do not know must never fall back to the host's. */
  private kernelNamespace(ns: NetworkNamespace): KernelNamespace | undefined {
    if (this.isolation === 'off') return undefined;
    const k = this.kernelOf.get(ns);
    if (!k) throw new Error(`namespace ${ns.name} does not belong to this cache`);
    return k;
  }

  private beginClose(): boolean {
    if (this.state === 'closed') return false;
    this.state = 'closed';
    if (this.janitor) clearInterval(this.janitor);
    this.cancelTopUp();
    this.removeHooks?.();
    return true;
  }

  /** Detaches everything; returns a probe of the host veths the kernel has not removed yet. */
  private detachAll(): () => string[] {
    for (const ns of [...this.pool.drain(), ...this.unlinking]) this.destroy(ns);
    this.unlinking.clear();
    const kernel = this.kernel;
    // Anything else under our tag (a creation the worker finished as it was being stopped).
    kernel?.detachStale(this.o.tag);
    return () => (kernel ? kernel.hostVeths(this.o.tag) : []);
  }

  private finishClose(leftovers: string[]): void {
    this.lock?.release();
    const kernel = this.kernel;
    if (!kernel) return;
    // A socket still open in a namespace keeps it (and its veth) alive: cut the veth explicitly.
    for (const veth of leftovers) kernel.deleteLink(veth);
    try {
      this.policy?.remove();
    } finally {
      kernel.close();
    }
  }

  private installExitHooks(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.closeSync();
      // Our listener is gone now; if nobody else handles the signal, die of it as we would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    const onExit = (): void => this.closeSync();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    process.once('exit', onExit);
    this.removeHooks = () => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('exit', onExit);
    };
  }
}
