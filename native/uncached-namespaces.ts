// The thesis's experiment (c), for benchmarks only (bench/isolates.ts, bench/pipeline.ts through
// PHOTON_NETNS_PER_ACTIVATION): no namespace cache at all. acquire() creates
// a namespace + veth pair on the caller's path and release() deletes it synchronously, the way the
// thesis's first iteration did per request. Built on native/'s kernel layer directly because the
// real cache (rightly) never deletes on release. No egress policy is installed: the experiment
// measures namespace life-cycle cost, and the policy is a static per-invoker nftables table that
// costs nothing per namespace.
import type { NamespaceCache, NamespaceSockets, NetworkNamespace } from './contracts.js';
import { IdAllocator } from './id-allocator.js';
import type { KernelNamespace } from './namespace-kernel.js';
import { NamespaceKernel } from './namespace-kernel.js';
import { KernelNamespaceSockets } from './namespace-sockets.js';
import { hostVethName } from './naming.js';

/** Contract: every acquire() creates a namespace, every release() deletes it before returning. */
export function uncachedNamespaces(tag: string, idBase: number, idCount: number): NamespaceCache {
  const kernel = new NamespaceKernel();
  const ids = new IdAllocator(idBase, idCount);
  const live = new Map<NetworkNamespace, KernelNamespace>();
  let created = 0;
  let deleted = 0;
  const sockets: NamespaceSockets = new KernelNamespaceSockets(() => kernel, (ns) => live.get(ns));
  const destroy = (ns: NetworkNamespace): void => {
    const k = live.get(ns);
    if (!k) throw new Error(`namespace ${ns.name} is not live`);
    live.delete(ns);
    kernel.delete(k);
    ids.free(ns.id);
    deleted++;
  };
  return {
    isolation: 'on',
    sockets,
    start: () => {
      for (const stale of kernel.detachStale(tag)) void stale;
      for (const veth of kernel.hostVeths(tag)) kernel.deleteLink(veth);
      return Promise.resolve();
    },
    acquire: () => {
      const id = ids.allocate((i) => kernel.hostVethExists(hostVethName(tag, i)));
      const k = kernel.create(tag, id, { forwarding: true });
      const ns: NetworkNamespace = Object.freeze({ id, name: k.name, hostAddress: k.hostAddress, functionAddress: k.functionAddress });
      live.set(ns, k);
      created++;
      return Promise.resolve(ns);
    },
    release: destroy,
    // The baseline has no egress policy at all: functions dial the API where it is.
    exposeApi: (target) => Promise.resolve(target),
    link: () => Promise.resolve(),
    unlink: () => Promise.resolve(),
    stats: () => ({ free: 0, inUse: live.size, created, deleted }),
    close: () => {
      for (const ns of [...live.keys()]) destroy(ns);
      kernel.close();
      return Promise.resolve();
    },
  };
}
