// The broker restarts mid-run: every activation the controller accepted (202 + id) ends with a
// record, and every one it could not accept was refused with an error status — nothing vanishes.
// Uses a broker of its own so that the restart disturbs no other test.
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { privateKafka, type PrivateKafka } from '../../harness/private-kafka.js';
import { waitFor } from '../../harness/wait-for.js';

describe('a Kafka restart under load', () => {
  let kafka: PrivateKafka | undefined;
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
    await kafka?.down();
  }, 120_000);

  it('loses no accepted activation', async () => {
    kafka = await privateKafka(19092);
    cluster = new ProcessCluster({
      label: 'kreset', invokers: 1, isolation: 'on', idBase: 58112,
      env: { PHOTON_KAFKA_BROKERS: kafka.brokers.join(','), PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' },
    });
    await cluster.start();
    await cluster.api('PUT', 'namespaces/_/actions/echo', { exec: { kind: 'nodejs:20', code: 'function main(p) { return p; }' } });
    expect((await cluster.api('POST', 'namespaces/_/actions/echo?blocking=true', { i: -1 })).status).toBe(200);

    const accepted: string[] = [];
    const refused: number[] = [];
    const send = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const r = await cluster!.api('POST', 'namespaces/_/actions/echo', { i });
        if (r.status === 202) accepted.push((r.json as { activationId: string }).activationId);
        else refused.push(r.status);
      }
    };
    await send(20);
    const restarting = kafka.restart();
    await send(20);
    await restarting;
    const back = Date.now();
    // Recovery is bounded (issue 20): it was about 10 s in most runs and once over 60 s, because
    // kafkajs backed off up to 30 s between attempts (the invoker's heartbeat publish, the
    // controller's health consumer) and a consumer out of retries rejoined as a new member.
    // shared/bus/kafka-bus.ts retries at least once a second now. Measured first, then asserted.
    const recovered = await cluster.waitForInvokers(1, 120_000).then(() => true, () => false);
    const recoveryMs = Date.now() - back;
    console.log(`drill: the controller ${recovered ? `saw the invoker again ${recoveryMs} ms` : 'did not see the invoker within 120 s'} after the broker was back`);
    expect(recovered).toBe(true);
    expect(recoveryMs, 'recovery after the broker is back (issue 20: at most 10 s)').toBeLessThanOrEqual(10_000);
    await send(20);

    const recorded = new Set<string>();
    await waitFor(`records for ${accepted.length} accepted activations`, async () => {
      for (const id of accepted) if (!recorded.has(id) && (await cluster!.stores.activations.get(id))) recorded.add(id);
      return recorded.size === accepted.length;
    }, { timeoutMs: 120_000, intervalMs: 500 }).catch(() => undefined);
    const lost = accepted.length - recorded.size;
    console.log(`drill: sent 60, accepted ${accepted.length}, refused ${refused.length} (${[...new Set(refused)].join(',') || 'none'}), recorded ${recorded.size}, lost ${lost}`);
    expect(lost).toBe(0);
    expect(accepted.length + refused.length).toBe(60);
    for (const status of refused) expect(status).toBeGreaterThanOrEqual(500);
  }, 400_000);
});
