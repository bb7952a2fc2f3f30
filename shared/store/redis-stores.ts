// Every store in Redis over one connection. The only way code outside shared/store/ gets Redis
// stores: it passes a URL, never an ioredis client.
import { Redis } from 'ioredis';
import { RedisActionCache } from './redis-action-cache.js';
import { RedisActionStore } from './redis-action-store.js';
import { RedisActivationStore } from './redis-activation-store.js';
import { RedisAuthStore } from './redis-auth-store.js';
import { RedisEntityStore } from './redis-entity-store.js';
import { RedisFeedStore } from './redis-feed-store.js';
import { RedisProgressStore } from './redis-progress-store.js';
import { RedisThrottleStore } from './redis-throttle-store.js';
import { translatingUnavailable } from './redis-unavailable.js';
import { RedisWarmRegistry } from './redis-warm-registry.js';
import type { StoreOptions, Stores } from './stores.js';

export interface RedisStoreOptions extends StoreOptions {
  url: string;
  /** Prepended to every key: several photon clusters (or parallel tests) can share one Redis. */
  prefix?: string;
  /**
   * Answer ActionStore.get from memory, dropped on every action write (redis-action-cache.ts; one
   * more connection, subscribed): what a controller wants, which reads the action per activation.
   */
  cacheActions?: boolean;
}

export async function createRedisStores(options: RedisStoreOptions): Promise<Stores> {
  const prefix = options.prefix ?? 'photon:';
  const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  // Without an error listener ioredis prints "[ioredis] Unhandled error event" for every reconnect
  // attempt of an outage; one line when the connection goes and one when it is back say the same.
  let lost = false;
  redis.on('error', (err: Error) => {
    if (lost) return;
    lost = true;
    console.error(`redis ${options.url}: ${err.message}; reconnecting`);
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    console.error(`redis ${options.url}: connected again`);
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Redis at ${options.url} does not answer: ${String(err)}`);
  }
  const throttles = new RedisThrottleStore(redis, prefix);
  const actionStore = new RedisActionStore(redis, prefix);
  let actionCache: RedisActionCache | undefined;
  try {
    if (options.cacheActions) actionCache = await RedisActionCache.start(actionStore, options.url, prefix);
  } catch (err) {
    throttles.close();
    redis.disconnect();
    throw new Error(`Redis at ${options.url} does not answer: ${String(err)}`);
  }
  // While Redis is unreachable every store call rejects with StoreUnavailableError (the API's 503).
  return {
    auth: translatingUnavailable(new RedisAuthStore(redis, prefix)),
    actions: translatingUnavailable(actionCache ?? actionStore),
    activations: translatingUnavailable(new RedisActivationStore(redis, prefix, options.activationRetentionMs)),
    warm: translatingUnavailable(new RedisWarmRegistry(redis, prefix)),
    throttles: translatingUnavailable(throttles),
    triggers: translatingUnavailable(new RedisEntityStore(redis, prefix, 'trigger')),
    rules: translatingUnavailable(new RedisEntityStore(redis, prefix, 'rule')),
    packages: translatingUnavailable(new RedisEntityStore(redis, prefix, 'package')),
    feeds: translatingUnavailable(new RedisFeedStore(redis, prefix)),
    progress: translatingUnavailable(new RedisProgressStore(redis, prefix)),
    apis: translatingUnavailable(new RedisEntityStore(redis, prefix, 'api')),
    close: async () => {
      throttles.close();
      actionCache?.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
