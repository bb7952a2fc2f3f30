// /whisk.system and packages in cluster mode: the controller process installs the catalog into
// Redis at start, and the catalog's actions run on a real invoker in isolates bound to real
// namespaces — through their package, and through a binding with its parameters merged in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';

type Record = { namespace: string; name: string; response: { status: string; result: { [k: string]: unknown } }; annotations: Array<{ key: string; value: unknown }> };
const annotation = (r: Record, key: string): unknown => r.annotations.find((a) => a.key === key)?.value;

describe('system packages and bindings in a cluster (controller + invoker over Kafka and Redis)', () => {
  const cluster = new ProcessCluster({ label: 'syspkg', invokers: 1, isolation: 'on', idBase: 58752 });
  beforeAll(async () => {
    await cluster.start();
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  it('runs /whisk.system/utils actions with OpenWhisk\'s documented results', async () => {
    const sort = await cluster.api('POST', 'namespaces/whisk.system/actions/utils/sort?blocking=true', { lines: [4, 2, 3] });
    expect(sort.status).toBe(200);
    const record = sort.json as Record;
    expect(record.response.result).toEqual({ lines: [2, 3, 4], length: 3 });
    expect(record).toMatchObject({ namespace: 'guest', name: 'sort' });
    expect(annotation(record, 'path')).toBe('whisk.system/utils/sort');
    const ns = await cluster.api('POST', 'namespaces/whisk.system/actions/utils/namespace?blocking=true&result=true', {});
    expect(ns.json).toEqual({ namespace: 'guest' });
    const listed = await cluster.api('GET', 'namespaces/whisk.system/packages/alarms');
    expect((listed.json as { feeds: Array<{ name: string }> }).feeds.map((f) => f.name).sort()).toEqual(['alarm', 'interval', 'once']);
  });

  it('runs a package action through a binding with package < binding < action < invocation', async () => {
    expect((await cluster.api('PUT', 'namespaces/_/packages/base', { parameters: [{ key: 'a', value: 'pkg' }, { key: 'b', value: 'pkg' }, { key: 'c', value: 'pkg' }] })).status).toBe(200);
    expect((await cluster.api('PUT', 'namespaces/_/actions/base/show', { exec: { kind: 'nodejs:20', code: 'function main(p) { return p; }' }, parameters: [{ key: 'c', value: 'action' }, { key: 'd', value: 'action' }] })).status).toBe(200);
    expect((await cluster.api('PUT', 'namespaces/_/packages/mine', { binding: { namespace: '_', name: 'base' }, parameters: [{ key: 'b', value: 'binding' }, { key: 'c', value: 'binding' }] })).status).toBe(200);
    const run = await cluster.api('POST', 'namespaces/_/actions/mine/show?blocking=true', { d: 'invocation' });
    expect(run.status).toBe(200);
    const record = run.json as Record;
    expect(record.response.result).toEqual({ a: 'pkg', b: 'binding', c: 'action', d: 'invocation' });
    expect(annotation(record, 'binding')).toBe('guest/mine');
    expect(annotation(record, 'path')).toBe('guest/base/show');
    expect((await cluster.api('DELETE', 'namespaces/_/packages/base')).status).toBe(409);
  });
});
