// Every store in process memory, for standalone mode and unit tests.
import { MemoryActionStore } from './memory-action-store.js';
import { MemoryActivationStore } from './memory-activation-store.js';
import { MemoryAuthStore } from './memory-auth-store.js';
import { MemoryEntityStore } from './memory-entity-store.js';
import { MemoryFeedStore } from './memory-feed-store.js';
import { MemoryProgressStore } from './memory-progress-store.js';
import { MemoryThrottleStore } from './memory-throttle-store.js';
import { MemoryWarmRegistry } from './memory-warm-registry.js';
import type { StoreOptions, Stores } from './stores.js';

export function createMemoryStores(options: StoreOptions = {}): Stores {
  return {
    auth: new MemoryAuthStore(),
    actions: new MemoryActionStore(),
    activations: new MemoryActivationStore(options.activationRetentionMs, options.activationMaxBytes),
    warm: new MemoryWarmRegistry(),
    throttles: new MemoryThrottleStore(),
    triggers: new MemoryEntityStore(),
    rules: new MemoryEntityStore(),
    packages: new MemoryEntityStore(),
    feeds: new MemoryFeedStore(),
    progress: new MemoryProgressStore(),
    apis: new MemoryEntityStore(),
    close: async () => undefined,
  };
}
