// The store conformance suite against real Redis; every test gets its own key prefix, deleted after.
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import { testRedis } from '../../harness/test-redis.js';
import { storeConformance } from '../../unit/store/store-conformance.js';

storeConformance('redis', async (options) => {
  const t = await testRedis('store');
  const stores = await createRedisStores({ ...options, url: t.url, prefix: t.prefix });
  return {
    stores,
    cleanup: async () => {
      await stores.close();
      await t.cleanup();
    },
  };
});
