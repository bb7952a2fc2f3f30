// Operators only (cluster.sh down --purge): deletes every key of one photon cluster, i.e. every
// key under its prefix (stores, throttles, the warm registry, BullMQ's alarms), and nothing else.
import { Redis } from 'ioredis';

/** Deletes the keys starting with `prefix`; answers how many. An empty prefix is refused. */
export async function purgeRedisPrefix(url: string, prefix: string): Promise<number> {
  if (prefix === '') throw new Error('refusing to purge Redis without a key prefix');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    // SCAN's MATCH is a glob: escape its special characters so the prefix is taken literally.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
