// What invoker/ imports from native/: the contract and the one factory that implements it.
export type { NamespaceCache, NamespaceSockets, NetworkNamespace } from './contracts.js';
export type { NamespaceCacheOptions } from './cache-options.js';
export { createNamespaceCache } from './namespace-cache.js';
export { socketNamespaceInode } from './socket-namespace.js';
export { createThreadSockets } from './thread-sockets.js';
/** Benchmark baseline only (the thesis's "no cache"): every acquire creates, every release deletes. */
export { uncachedNamespaces } from './uncached-namespaces.js';
