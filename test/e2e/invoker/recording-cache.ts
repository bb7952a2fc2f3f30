// A real namespace cache (native/) wrapped so that tests can map the namespace ids that pool
// outcomes report back to the NetworkNamespace objects (addresses) the pool holds.
import type { NamespaceCache, NetworkNamespace } from '../../../native/index.js';

export interface RecordingCache extends NamespaceCache {
  byId(id: number | null): NetworkNamespace;
}

export function recording(cache: NamespaceCache): RecordingCache {
  const seen = new Map<number, NetworkNamespace>();
  return {
    get isolation() {
      return cache.isolation;
    },
    get sockets() {
      return cache.sockets;
    },
    start: () => cache.start(),
    acquire: async () => {
      const ns = await cache.acquire();
      seen.set(ns.id, ns);
      return ns;
    },
    release: (ns) => cache.release(ns),
    exposeApi: (target) => cache.exposeApi(target),
    link: (a, b) => cache.link(a, b),
    unlink: (a, b) => cache.unlink(a, b),
    stats: () => cache.stats(),
    close: () => cache.close(),
    byId(id) {
      const ns = id === null ? undefined : seen.get(id);
      if (!ns) throw new Error(`namespace ${String(id)} was never handed to the pool`);
      return ns;
    },
  };
}
