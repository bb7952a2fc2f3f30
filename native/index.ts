// What invoker/ imports from native/, and the only file it may import there (lint checks it): the
// contract, the one factory that implements it, and what the invoker's start needs to know of
// capabilities and address blocks.
export type { NamespaceCache, NamespaceSockets, NetworkNamespace } from './contracts.js';
export type { NamespaceCacheOptions } from './cache-options.js';
export { effectiveCapabilities, missingCapabilities } from './capabilities.js';
export { DEFAULT_ID_COUNT, defaultIdBase, invokerTag } from './naming.js';
export { createNamespaceCache } from './namespace-cache.js';
export { socketNamespaceInode } from './socket-namespace.js';
export { createThreadSockets } from './thread-sockets.js';
export { installSandboxSeccomp } from './seccomp.js';
/** Benchmark baseline only (the thesis's "no cache"): every acquire creates, every release deletes. */
export { uncachedNamespaces } from './uncached-namespaces.js';
