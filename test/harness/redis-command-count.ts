// How many commands a Redis has executed, from INFO commandstats: commands sent and commands run
// inside Lua scripts alike, the counting connection's own INFO left out. On a private Redis
// (private-redis.ts) where nothing else runs, the difference around a call is that call's cost.
import type { Redis } from 'ioredis';

export async function commandsSoFar(probe: Redis): Promise<number> {
  const info = await probe.info('commandstats');
  return [...info.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)].filter((m) => m[1] !== 'info').reduce((n, m) => n + Number(m[2]), 0);
}
