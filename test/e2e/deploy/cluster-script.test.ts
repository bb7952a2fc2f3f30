// deploy/local/cluster.sh as an operator runs it: two named clusters side by side on one host
// (own ports, ids, Redis prefix, topic prefix), `up` returning only once the controller sees its
// invoker, and `down --purge` leaving no key, topic or consumer group of either behind.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { KafkaBus } from '../../../shared/bus/kafka-bus.js';
import { createRedisStores } from '../../../shared/store/redis-stores.js';
import { kafkaBrokers, redisUrl } from '../../harness/services.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../../deploy/local/cluster.sh');
const runDir = mkdtempSync(join(tmpdir(), 'photon-cluster-sh-'));
const tag = uniquePrefix('csh').replace(/-$/, '').slice(-8);
const clusters = [{ name: `a${tag}`, portBase: 3600 }, { name: `b${tag}`, portBase: 3610 }];
const env = (c: { name: string; portBase: number }): NodeJS.ProcessEnv => ({
  ...process.env, PHOTON_RUN_DIR: runDir, PHOTON_CLUSTER_NAME: c.name, PHOTON_PORT_BASE: String(c.portBase),
  PHOTON_NETNS_FLOOR: '2', PHOTON_NETNS_CEILING: '8', PHOTON_KAFKA_BROKERS: kafkaBrokers().join(','), PHOTON_REDIS_URL: redisUrl(),
});

afterAll(async () => {
  for (const c of clusters) await run(script, ['down', '--purge'], { env: env(c) }).catch(() => undefined);
  rmSync(runDir, { recursive: true, force: true });
}, 120_000);

it('two clusters side by side; up waits for the invokers; down --purge removes keys, topics and groups', async () => {
  for (const c of clusters) await run(script, ['up', '--invokers', '1'], { env: env(c), timeout: 120_000 });
  // Right after `up`, each controller sees exactly its own invoker: ready, and not the other's.
  for (const c of clusters) {
    const list = (await (await fetch(`http://127.0.0.1:${c.portBase}/invokers`)).json()) as Array<{ id: string; usable: boolean }>;
    expect(list.map((i) => [i.id, i.usable])).toEqual([[`${c.name}-invoker0`, true]]);
  }
  const redis = await createRedisStores({ url: redisUrl(), prefix: `photon:${clusters[0]!.name}:` });
  const bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: `csh-${tag}` });
  try {
    expect(await bus.hasTopic(`${clusters[0]!.name}.photon.health`)).toBe(true);
    for (const c of clusters) {
      const { stdout, stderr } = await run(script, ['down', '--purge'], { env: env(c), timeout: 120_000 });
      expect(`${stdout}${stderr}`).toMatch(/purged [1-9]\d* Redis keys under 'photon:[^']+', [1-9]\d* topics '[^']+', [1-9]\d* consumer groups/);
    }
    expect(await bus.hasTopic(`${clusters[0]!.name}.photon.health`)).toBe(false);
    expect(await bus.hasTopic(`${clusters[1]!.name}.photon.invoker.${clusters[1]!.name}-invoker0`)).toBe(false);
    expect(await redis.auth.listNamespaces()).toEqual([]);
  } finally {
    await bus.close();
    await redis.close();
  }
}, 300_000);
