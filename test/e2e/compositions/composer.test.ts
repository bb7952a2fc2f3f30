// Conductor actions (annotation `conductor`) built and deployed with OpenWhisk's own Composer
// library (npm openwhisk-composer 0.12.0, unchanged: its combinators, its compile(), its client's
// compositions.deploy) against a photon cluster of processes over Kafka and Redis, with real
// isolates: sequence, if, while, try/catch, retry, repeat, let, mask; the records OpenWhisk writes
// for compositions; the step limit; and a sequence of /whisk.system/utils actions.
import composer, { type Composition } from 'openwhisk-composer';
import composerClient from 'openwhisk-composer/client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import { ProcessCluster } from '../../harness/process-cluster.js';

// Address ids 60032-60159 are this folder's (one invoker's block); its files run one at a time.
const cluster = new ProcessCluster({ label: 'composer', invokers: 1, isolation: 'off', idBase: 60032, env: { PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' } });
let wsk: ReturnType<typeof composerClient>;
const ann = (r: ActivationRecord, key: string): unknown => r.annotations.find((a) => a.key === key)?.value;

const ACTIONS: Record<string, string> = {
  inc: 'function main(p) { return { value: (p.value || 0) + 1 }; }',
  double: 'function main(p) { return { value: p.value * 2 }; }',
  fail: 'function main(p) { return { error: "boom" }; }',
};

beforeAll(async () => {
  await cluster.start();
  wsk = composerClient({ apihost: cluster.controllers[0]!.url, api_key: cluster.apiKey }, true);
  for (const [name, code] of Object.entries(ACTIONS)) await wsk.actions.create({ name, action: code });
}, 120_000);
afterAll(async () => cluster.stop());

async function deploy(name: string, c: Composition): Promise<void> {
  await wsk.compositions.deploy({ ...c.compile(), name: `/_/${name}` }, true);
}

/** A blocking invoke's record, whatever its status (the client rejects a 502, which an error is). */
async function run(name: string, params: Record<string, unknown>): Promise<ActivationRecord> {
  const r = await cluster.api('POST', `namespaces/_/actions/${name}?blocking=true`, params);
  expect([200, 502]).toContain(r.status);
  return r.json as ActivationRecord;
}

describe('openwhisk-composer compositions, deployed with its client, run unchanged', () => {
  it('sequence: the conductor alternates with the components; the records are OpenWhisk\'s', async () => {
    await deploy('c-seq', composer.sequence('inc', 'inc', 'double'));
    const got = await wsk.actions.get({ name: 'c-seq' });
    expect(got.annotations?.find((a) => a.key === 'conductor')?.value).toBeTruthy();
    const rec = await run('c-seq', { value: 1 });
    expect(rec.response.result).toEqual({ value: 6 });
    expect(ann(rec, 'conductor')).toBe(true);
    expect(ann(rec, 'kind')).toBe('sequence');
    expect(ann(rec, 'topmost')).toBe(true);
    // conductor, inc, conductor, inc, conductor, double, conductor
    expect(rec.logs).toHaveLength(7);
    const steps = await Promise.all(rec.logs.map((id) => cluster.stores.activations.get(id)));
    expect(steps.map((s) => s!.name)).toEqual(['c-seq', 'inc', 'c-seq', 'inc', 'c-seq', 'double', 'c-seq']);
    for (const s of steps) {
      expect(s!.cause).toBe(rec.activationId);
      expect(ann(s!, 'causedBy')).toBe('sequence');
    }
  });

  it('if and while with function tests', async () => {
    await deploy('c-if', composer.if((p) => (p.value as number) > 0, 'inc', 'double'));
    expect((await run('c-if', { value: 1 })).response.result).toEqual({ value: 2 });
    expect((await run('c-if', { value: -3 })).response.result).toEqual({ value: -6 });
    await deploy('c-while', composer.while((p) => (p.value as number) < 5, 'inc'));
    expect((await run('c-while', { value: 0 })).response.result).toEqual({ value: 5 });
  });

  it('try/catch catches a component\'s error; without a handler the error ends the composition', async () => {
    await deploy('c-try', composer.try('fail', (p) => ({ caught: p.error })));
    expect((await run('c-try', {})).response.result).toEqual({ caught: 'boom' });
    await deploy('c-uncaught', composer.sequence('inc', 'fail', 'inc'));
    const rec = await run('c-uncaught', { value: 1 });
    expect(rec.response).toMatchObject({ success: false, result: { error: 'boom' } });
  });

  it('retry runs the failing component count+1 times; repeat runs it count times', async () => {
    await deploy('c-retry', composer.retry(2, 'fail'));
    const rec = await run('c-retry', {});
    expect(rec.response.result).toEqual({ error: 'boom' });
    const names = await Promise.all(rec.logs.map(async (id) => (await cluster.stores.activations.get(id))!.name));
    expect(names.filter((n) => n === 'fail')).toHaveLength(3);
    await deploy('c-repeat', composer.repeat(3, 'inc'));
    expect((await run('c-repeat', { value: 10 })).response.result).toEqual({ value: 13 });
  });

  it('let and mask', async () => {
    // n and x are declared by the let combinators, inside the conductor (Function keeps TypeScript from resolving them here).
    await deploy('c-let', composer.let({ n: 10 }, 'inc', new Function('p', 'return { value: p.value + n }') as (p: Record<string, unknown>) => unknown));
    expect((await run('c-let', { value: 1 })).response.result).toEqual({ value: 12 });
    await deploy('c-mask', composer.let({ x: 1 }, composer.let({ x: 2 }, composer.mask(new Function('p', 'return { value: x }') as (p: Record<string, unknown>) => unknown))));
    expect((await run('c-mask', {})).response.result).toEqual({ value: 1 });
  });

  it('a runaway composition stops at OpenWhisk\'s step limit with its error', async () => {
    await deploy('c-forever', composer.while(() => true, 'inc'));
    const rec = await run('c-forever', { value: 0 });
    expect(rec.response).toMatchObject({ success: false, result: { error: 'Too many actions in the composition.' } });
    const names = await Promise.all(rec.logs.map(async (id) => (await cluster.stores.activations.get(id))!.name));
    expect(names.filter((n) => n === 'inc')).toHaveLength(50);
  }, 120_000);

  it('a composition that invokes itself stops at the nesting limit instead of running forever', async () => {
    await deploy('c-rec', composer.sequence('inc', '/_/c-rec'));
    const rec = await run('c-rec', { value: 0 });
    expect(rec.response).toMatchObject({ success: false, result: { error: 'Too many actions in the composition.' } });
    const nested = (await cluster.stores.activations.list('guest', { name: 'c-rec', limit: 10_000, skip: 0 })).filter((r) => ann(r, 'conductor') === true);
    // The top one and 50 nested ones: each level's conductor answered the refusal of the next with the error.
    expect(nested).toHaveLength(51);
  }, 120_000);

  it('a sequence of /whisk.system/utils actions on real isolates', async () => {
    await wsk.actions.create({ name: 'split-sort', sequence: ['/whisk.system/utils/split', '/whisk.system/utils/sort'] } as never);
    const result = await wsk.actions.invoke({ name: 'split-sort', params: { payload: 'c\nb\na' }, blocking: true, result: true });
    expect(result).toEqual({ lines: ['a', 'b', 'c'], length: 3 });
  });
});
