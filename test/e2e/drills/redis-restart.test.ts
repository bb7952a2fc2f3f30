// Drill: Redis (persistence on, a private one) restarts under steady load. Requests that arrive
// while it is down may be refused, with 503 (the state store is unavailable: retry); every
// activation the controller accepted (202 + id) must end with a record — invokers must not commit
// an activation whose record could not be stored — and the cluster serves again once Redis is back.
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { privateRedis, type PrivateRedis } from '../../harness/private-redis.js';
import { SteadyLoad } from '../../harness/steady-load.js';
import { drillReport } from '../../harness/drill-report.js';

const REDIS_PORT = 16389;
const OUTAGE_MS = 3_000;
const THROTTLES = { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' };
// Runs long enough that activations are running when Redis goes, and must store their records
// while it is down (the invoker retries the message in place until the record is durable).
const TICK = { exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 500)); return { i: p.i }; }' }, limits: { memory: 128 } };

describe('drill: a Redis restart under load', () => {
  let redis: PrivateRedis | undefined;
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
    await redis?.down();
  }, 60_000);

  it('loses no accepted activation and serves again after Redis is back', async () => {
    redis = await privateRedis(REDIS_PORT);
    cluster = new ProcessCluster({ label: 'rreset', invokers: 1, isolation: 'on', idBase: 62720, env: { ...THROTTLES, PHOTON_REDIS_URL: redis.url } });
    await cluster.start();
    const c = cluster;
    expect((await c.api('PUT', 'namespaces/_/actions/tick', TICK)).status).toBe(200);
    expect((await c.api('POST', 'namespaces/_/actions/tick?blocking=true', { i: -1 })).status).toBe(200);

    const load = new SteadyLoad(c, 'tick', { senders: 2, paceMs: 100 });
    let refusedBeforeBack = 0;
    load.start();
    try {
      await load.acceptedAtLeast(20);
      await redis.restart(OUTAGE_MS);
      // Requests already refused while Redis was down are fine; from here on, some must succeed.
      refusedBeforeBack = load.refused.length;
      await load.acceptedAtLeast(load.accepted.length + 30);
    } finally {
      await load.stop();
    }

    const report = await drillReport('Redis restarted under load', c.stores, load.sent, load.accepted.map((a) => a.activationId));
    const retried = [...c.invokers.values()].flatMap((p) => p.output).join('').split('failed; retrying').length - 1;
    console.log(`drill: accepted ${load.accepted.length}, refused ${load.refused.length} (${[...new Set(load.refused)].join(',') || 'none'}), ${refusedBeforeBack} of them before Redis was back; ${retried} activation message(s) retried by the invoker`);
    expect(report.lost).toBe(0);
    // A refusal is an answer with an error status, never a dropped connection.
    for (const status of load.refused) expect(status).not.toBe('connection');
    // A refusal says the outage is temporary (503), never an internal error (500).
    for (const status of load.refused) expect(status).toBe(503);
    // Records written before the restart survived it (the append-only file).
    for (const a of load.accepted.slice(0, 20)) expect(report.records.has(a.activationId), `activation ${a.i} from before the restart`).toBe(true);
    for (const a of load.accepted) {
      const r = report.records.get(a.activationId);
      if (r?.response.status === 'success') expect((r.response.result as { i?: number }).i).toBe(a.i);
    }
  });
});
