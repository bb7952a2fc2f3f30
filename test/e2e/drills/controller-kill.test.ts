// Drill: a controller goes away with blocking calls open. Two controllers share one invoker.
// SIGKILL: the open calls get a connection error, but every activation the controller had
// published (its messages on the invoker's topic, read back from Kafka) still ends with a
// record, and the other controller keeps serving. SIGTERM: every open call gets an answer — 202
// with its activation id (or the result if it finished first) — and every one of them is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '../../../shared/bus/kafka-bus.js';
import type { Subscription } from '../../../shared/bus/message-bus.js';
import { topics } from '../../../shared/bus/topics.js';
import { decodeActivationMessage } from '../../../shared/model/activation-message.js';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { kafkaBrokers } from '../../harness/services.js';
import { drillReport } from '../../harness/drill-report.js';
import { waitFor } from '../../harness/wait-for.js';

const OPEN_CALLS = 12;
const THROTTLES = { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' };
// Runs long enough that every blocking call is still waiting when its controller goes.
const HOLD = { exec: { kind: 'nodejs:20', code: 'async function main(p) { await new Promise(r => setTimeout(r, 3000)); return { i: p.i }; }' }, limits: { memory: 128 } };
/** Activation id → publishing controller, of every message in the invoker's topic. */
const inTopic = new Map<string, string>();

interface Call { i: number; status: number | 'connection'; activationId?: string }

/** Opens `n` blocking calls on controller `c`; resolves once `placed()` says they are all out. */
async function openCalls(cluster: ProcessCluster, c: number, first: number, n: number, placed: () => Promise<number> | number): Promise<Array<Promise<Call>>> {
  const settled: Call[] = [];
  const calls = Array.from({ length: n }, async (_, k): Promise<Call> => {
    const i = first + k;
    let call: Call;
    try {
      const r = await cluster.api('POST', 'namespaces/_/actions/hold?blocking=true', { i }, c);
      call = { i, status: r.status, activationId: (r.json as { activationId?: string }).activationId };
    } catch {
      call = { i, status: 'connection' };
    }
    settled.push(call);
    return call;
  });
  await waitFor(`controller${c} to place ${n} activations`, async () => {
    if (settled.length > 0) throw new Error(`calls answered before the controller went: ${JSON.stringify(settled)}`);
    return (await placed()) >= n;
  }, { timeoutMs: 30_000, intervalMs: 50 });
  return calls;
}

/** Activations a controller has in flight (placed, published or being published). */
async function inFlight(cluster: ProcessCluster, c: number): Promise<number> {
  const res = await fetch(`${cluster.controllers[c]!.url}/invokers`);
  return ((await res.json()) as Array<{ inFlight: number }>).reduce((sum, x) => sum + x.inFlight, 0);
}

/**
 * Activation ids a controller published that Kafka accepted: their messages are in the invoker's
 * topic. (Not the controller's spans: a publish is an event on the request's span, exported only
 * when the request ends, and a killed controller never ends it.)
 */
function published(controllerId: string): string[] {
  return [...inTopic].filter(([, c]) => c === controllerId).map(([id]) => id);
}

describe('drill: a controller killed with blocking calls open', () => {
  const cluster = new ProcessCluster({
    label: 'ckill', controllers: 2, invokers: 1, isolation: 'on', idBase: 62464,
    env: THROTTLES,
  });
  let watcher: KafkaBus | undefined;
  let watch: Subscription | undefined;
  beforeAll(async () => {
    await cluster.start();
    // start() waits for the first controller only; both must see the invoker before the drill.
    for (const c of cluster.controllers) {
      await waitFor(`${c.name} to see a usable invoker`, async () => (await fetch(`${c.url}/invokers/ready`)).status === 200, { timeoutMs: 30_000, intervalMs: 100 });
    }
    expect((await cluster.api('PUT', 'namespaces/_/actions/hold', HOLD)).status).toBe(200);
    watcher = new KafkaBus({ brokers: kafkaBrokers(), clientId: `${cluster.prefix}-watch` });
    watch = await watcher.subscribe({
      topic: topics(`${cluster.prefix}.`).invoker(cluster.invokerId(0)), group: `${cluster.prefix}-watch`, maxInFlight: 64, fromBeginning: true,
      handle: async (m) => {
        const d = decodeActivationMessage(m.value);
        if (d.ok) inTopic.set(d.value.activationId, d.value.controller);
      },
    });
  }, 180_000);
  afterAll(async () => {
    await watch?.close();
    await watcher?.close();
    await cluster.stop();
  }, 60_000);

  it('SIGKILL: open calls fail, every published activation is recorded, the other controller serves', async () => {
    // Killed once Kafka has acknowledged every publish: those activations are accepted.
    const c1 = `${cluster.prefix}-c1`;
    const calls = await Promise.all(await openCalls(cluster, 1, 0, OPEN_CALLS, () => published(c1).length).then(async (open) => {
      await cluster.kill('controller1', 'SIGKILL');
      return open;
    }));
    const accepted = [...new Set([...published(c1), ...calls.flatMap((c) => (c.activationId ? [c.activationId] : []))])];
    const after = await Promise.all(Array.from({ length: 4 }, (_, k) => cluster.api('POST', 'namespaces/_/actions/hold?blocking=true', { i: 100 + k }, 0)));
    const report = await drillReport('controller SIGKILLed with blocking calls open', cluster.stores, OPEN_CALLS, accepted);
    console.log(`drill: ${calls.filter((c) => c.status === 'connection').length} of ${OPEN_CALLS} open calls got a connection error, ${accepted.length} activations had been published`);
    expect(report.lost).toBe(0);
    expect(report.failed).toBe(0);
    expect(accepted.length, 'the controller had published the open calls before it died').toBe(OPEN_CALLS);
    for (const r of after) expect(r.status, JSON.stringify(r.json)).toBe(200);
  });

  it('SIGTERM: every open call is answered with its activation id, and every one is recorded', async () => {
    const open = await openCalls(cluster, 0, 200, OPEN_CALLS, () => inFlight(cluster, 0));
    const exited = cluster.kill('controller0', 'SIGTERM');
    const calls = await Promise.all(open);
    const code = await exited;
    const answered = calls.filter((c) => c.status === 202 || c.status === 200);
    const report = await drillReport('controller SIGTERMed with blocking calls open', cluster.stores, OPEN_CALLS, answered.map((c) => c.activationId!));
    console.log(`drill: answers ${calls.map((c) => c.status).join(',')}; controller exited with ${code}`);
    expect(calls.map((c) => c.status).filter((s) => s !== 202 && s !== 200), 'calls without an answer').toEqual([]);
    for (const c of answered) expect(c.activationId).toMatch(/^[0-9a-f]{32}$/);
    expect(report.lost).toBe(0);
    expect(report.failed).toBe(0);
    for (const c of answered) expect((report.records.get(c.activationId!)?.response.result as { i?: number }).i).toBe(c.i);
    expect(code).toBe(0);
  });
});
