// The activation pipeline as users meet it, in cluster mode: a controller and two invokers as
// processes over the real Kafka and Redis, functions in isolates bound to real namespaces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { waitFor } from '../../harness/wait-for.js';

type Record = { activationId: string; response: { status: string; result: { [k: string]: unknown } }; annotations: Array<{ key: string; value: unknown }>; logs: string[] };
const annotation = (r: Record, key: string): unknown => r.annotations.find((a) => a.key === key)?.value;

describe('cluster pipeline (controller + 2 invokers over Kafka and Redis)', () => {
  const cluster = new ProcessCluster({ label: 'pipe', invokers: 2, isolation: 'on', idBase: 57344 });
  beforeAll(async () => {
    await cluster.start();
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  it('creates an action, invokes it blocking and answers the result', async () => {
    const put = await cluster.api('PUT', 'namespaces/_/actions/hello', {
      exec: { kind: 'nodejs:20', code: "function main(p) { console.log('hi ' + p.name); return { greeting: 'Hello, ' + p.name, ns: process.env.__OW_NAMESPACE }; }" },
    });
    expect(put.status).toBe(200);
    const res = await cluster.api('POST', 'namespaces/_/actions/hello?blocking=true', { name: 'photon' });
    expect(res.status).toBe(200);
    const record = res.json as Record;
    expect(record.response.status).toBe('success');
    expect(record.response.result).toEqual({ greeting: 'Hello, photon', ns: 'guest' });
    expect(record.logs[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout: hi photon$/);
    expect(res.headers.get('x-openwhisk-activation-id')).toBe(record.activationId);
    expect(String(annotation(record, 'invoker'))).toMatch(/i[01]$/);
    expect(typeof annotation(record, 'namespaceId')).toBe('number');
    for (const p of cluster.invokers.values()) expect(p.output.join('')).toContain('network isolation on');
    const only = await cluster.api('POST', 'namespaces/_/actions/hello?blocking=true&result=true', { name: 'again' });
    expect(only.json).toEqual({ greeting: 'Hello, again', ns: 'guest' });
  });

  it('answers a non-blocking invoke with an id whose record can be polled', async () => {
    await cluster.api('PUT', 'namespaces/_/actions/later', { exec: { kind: 'nodejs:20', code: 'async function main() { await new Promise(r => setTimeout(r, 50)); return { done: true }; }' } });
    const res = await cluster.api('POST', 'namespaces/_/actions/later', {});
    expect(res.status).toBe(202);
    const { activationId } = res.json as { activationId: string };
    expect(activationId).toMatch(/^[0-9a-f]{32}$/);
    const record = await waitFor('the record', async () => {
      const r = await cluster.api('GET', `namespaces/_/activations/${activationId}`);
      return r.status === 200 ? (r.json as Record) : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect(record.response.result).toEqual({ done: true });
  });

  it('places repeated invokes on the invoker that holds the warm isolate, and reuses it', async () => {
    await cluster.api('PUT', 'namespaces/_/actions/counter', { exec: { kind: 'nodejs:20', code: 'let n = 0; function main() { n++; return { n }; }' } });
    const records: Record[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await cluster.api('POST', 'namespaces/_/actions/counter?blocking=true', {});
      expect(r.status).toBe(200);
      records.push(r.json as Record);
    }
    const invokers = new Set(records.map((r) => annotation(r, 'invoker')));
    expect(invokers.size).toBe(1);
    expect(records.slice(1).every((r) => annotation(r, 'isolateStart') === 'warm')).toBe(true);
    const netns = new Set(records.map((r) => annotation(r, 'namespaceId')));
    expect(netns.size).toBe(1);
    // Globals persist in a warm isolate (OpenWhisk semantics): the counter went up each time.
    expect(records.map((r) => r.response.result.n)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('spreads different actions over both invokers', async () => {
    const seen = new Set<unknown>();
    for (let i = 0; i < 12 && seen.size < 2; i++) {
      await cluster.api('PUT', `namespaces/_/actions/spread${i}`, { exec: { kind: 'nodejs:20', code: 'function main() { return {}; }' } });
      const r = await cluster.api('POST', `namespaces/_/actions/spread${i}?blocking=true`, {});
      expect(r.status).toBe(200);
      seen.add(annotation(r.json as Record, 'invoker'));
    }
    expect(seen.size).toBe(2);
  });

  it('answers a developer error with 502 and keeps serving', async () => {
    await cluster.api('PUT', 'namespaces/_/actions/bad', { exec: { kind: 'nodejs:20', code: 'function main() { return 42; }' } });
    const r = await cluster.api('POST', 'namespaces/_/actions/bad?blocking=true', {});
    expect(r.status).toBe(502);
    expect((r.json as Record).response.status).toBe('action developer error');
    const ok = await cluster.api('POST', 'namespaces/_/actions/hello?blocking=true&result=true', { name: 'still here' });
    expect(ok.status).toBe(200);
  });
});
