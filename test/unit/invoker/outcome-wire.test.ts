// The outcome on the sandbox→supervisor channel (invoker/sandbox/outcome-wire.ts): what a real pool
// produces comes back equal after packing, JSON and unpacking, shorter when its annotations are the
// standard ones, and whole (never rebuilt wrongly) when they are not. Real isolates, fake namespaces.
import { afterEach, describe, expect, it } from 'vitest';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import type { ActivationOutcome } from '../../../invoker/pool/activation-outcome.js';
import { FRESH_CONTEXT_ANNOTATION } from '../../../invoker/pool/pooled-isolate.js';
import { packOutcome, unpackOutcome } from '../../../invoker/sandbox/outcome-wire.js';
import type { Action } from '../../../shared/model/action.js';
import { activation, fakeNamespaceCache, makeAction } from './fixtures.js';

const pools: IsolatePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function newPool(): Promise<IsolatePool> {
  const pool = new IsolatePool({ namespaces: fakeNamespaceCache(), prewarm: { count: 0, memoryMb: 128 } });
  pools.push(pool);
  await pool.start();
  return pool;
}

/** Through the channel as the sandbox and the supervisor see it: pack, JSON both ways, unpack. */
function roundTrip(o: ActivationOutcome, action: Action, activationId: string): { back: ActivationOutcome; bytes: number } {
  const json = JSON.stringify(packOutcome(o, action, activationId));
  return { back: unpackOutcome(JSON.parse(json) as ReturnType<typeof packOutcome>, action, activationId), bytes: json.length };
}

describe('outcome on the wire', () => {
  it('a cold and a warm outcome come back equal, without their annotations and id on the wire', async () => {
    const pool = await newPool();
    const a = makeAction('function main(p) { console.log("hi"); return { payload: `Hello, ${p.name}!` } }');
    for (const kind of ['cold', 'warm']) {
      const input = activation(a);
      const o = await pool.run(a, { name: 'x' }, input);
      expect(o.startKind).toBe(kind);
      const { back, bytes } = roundTrip(o, a, input.activationId);
      expect(back).toEqual(o);
      expect(bytes).toBeLessThan(JSON.stringify(o).length - 150);
      expect(JSON.stringify(packOutcome(o, a, input.activationId))).not.toContain('annotations');
    }
  });

  it('keeps a timeout and a fresh context (flags in place of the annotations)', async () => {
    const pool = await newPool();
    const loop = makeAction('function main() { for (;;) {} }', { limits: { timeout: 100 } });
    const input = activation(loop);
    const timedOut = await pool.run(loop, {}, input);
    expect(timedOut.annotations).toContainEqual({ key: 'timeout', value: true });
    expect(roundTrip(timedOut, loop, input.activationId).back).toEqual(timedOut);

    const fresh = makeAction('function main() { return {} }', { annotations: [{ key: FRESH_CONTEXT_ANNOTATION, value: true }] });
    const f1 = activation(fresh);
    await pool.run(fresh, {}, f1);
    const f2 = activation(fresh);
    const warmFresh = await pool.run(fresh, {}, f2);
    expect(warmFresh.annotations).toContainEqual({ key: 'freshContext', value: true });
    expect(roundTrip(warmFresh, fresh, f2.activationId).back).toEqual(warmFresh);
  });

  it('sends whole what it cannot rebuild exactly: a refusal, other limits, a list of another shape, another id', async () => {
    const pool = await newPool();
    const a = makeAction('function main() { return {} }');
    const input = activation(a);
    const o = await pool.run(a, {}, input);
    const cases: [ActivationOutcome, Action, string][] = [
      [await pool.run(makeAction('x', { limits: { memory: 1 << 20 } }), {}, input), a, input.activationId], // refused: no isolate
      [o, { ...a, limits: { ...a.limits, timeout: a.limits.timeout + 1 } }, input.activationId], // the supervisor's limits differ
      [{ ...o, annotations: [...o.annotations, { key: 'extra', value: 1 }] }, a, input.activationId],
      [{ ...o, annotations: o.annotations.map((x) => (x.key === 'isolate' ? { ...x, value: 'elsewhere' } : x)) }, a, input.activationId],
      [o, a, 'another-activation'],
    ];
    for (const [outcome, action, id] of cases) expect(roundTrip(outcome, action, id).back).toEqual(outcome);
    expect(cases[0]![0].refused).toBe('limits');
    expect(JSON.stringify(packOutcome(cases[2]![0], a, input.activationId))).toContain('"extra"');
  });
});
