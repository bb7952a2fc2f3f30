// A Redis fixture for one test file: a client, a unique key prefix, and a cleanup that deletes
// every key under the prefix.
import { Redis } from 'ioredis';
import { redisUrl } from './services.js';
import { uniquePrefix } from './unique-prefix.js';

export interface TestRedis {
  url: string;
  prefix: string;
  redis: Redis;
  cleanup(): Promise<void>;
}

export async function testRedis(label: string): Promise<TestRedis> {
  const url = redisUrl();
  const prefix = uniquePrefix(label);
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Redis at ${url} does not answer (start it: deploy/local/redis.sh up, or set REDIS_URL): ${String(err)}`);
  }
  return {
    url,
    prefix,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
