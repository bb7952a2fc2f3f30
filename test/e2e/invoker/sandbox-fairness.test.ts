// Fair shares between tenants (root, real namespaces, real sandbox processes): while one namespace
// runs 20 concurrent endless loops (each stopped at its time limit), another namespace placed on
// the same sandbox keeps its warm isolate and is served at once, never behind the loops' backlog.
// Without tenant shares (invoker/pool/tenant-shares.ts) the loops evicted its warm isolate and its
// next call queued behind all 20 loops: 15 s in bench/sandbox-fairness.ts. Latency figures belong
// to the bench; the bound here is generous (half of one loop's time limit) and only catches waiting
// for the hostile tenant's time limits.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespaceCache, type NamespaceCache } from '../../../native/index.js';
import { SandboxRunner } from '../../../invoker/sandbox/sandbox-runner.js';
import type { Action } from '../../../shared/model/action.js';
import type { RunOutcome } from '../../../invoker/service/action-runner.js';
import { makeAction } from '../../unit/invoker/fixtures.js';

const LOOP_TIMEOUT_MS = 2000;
let cache: NamespaceCache;
let runner: SandboxRunner;

beforeAll(async () => {
  cache = createNamespaceCache({ invokerId: 'tsf', idBase: 31152, idCount: 64, floor: 4, ceiling: 48, isolation: 'on', log: () => {} });
  await cache.start();
  runner = new SandboxRunner({ invokerId: 'tsf', namespaces: cache, count: 2, userMemoryMb: 2048, prewarm: { count: 1, memoryMb: 128 }, log: () => {} });
  await runner.start();
}, 60_000);

afterAll(async () => {
  await runner?.close();
  await cache?.close();
});

function run(action: Action, namespace: string): Promise<RunOutcome> {
  return runner.run({ action, params: {}, activationId: randomBytes(16).toString('hex'), namespace, deadline: Date.now() + action.limits.timeout });
}

describe('fair shares between tenants on one sandbox', () => {
  it('20 endless loops of one namespace: another namespace on the same sandbox keeps being served, every loop ends at its time limit', async () => {
    const hostile = `hog-${randomBytes(3).toString('hex')}`;
    let victim = '';
    for (let i = 0; victim === ''; i++) if (runner.placement(`fair-${i}`) === runner.placement(hostile)) victim = `fair-${i}`;
    const hello = makeAction('function main() { return { hello: "world" }; }', { limits: { timeout: 5000 } });
    const loop = makeAction('function main() { for (;;) {} }', { limits: { timeout: LOOP_TIMEOUT_MS, memory: 256 } });
    expect((await run(hello, victim)).response.result).toEqual({ hello: 'world' });
    let pending = 20;
    const loops = Array.from({ length: 20 }, () => run(loop, hostile).then((o) => { pending--; return o; }));
    const victimMs: number[] = [];
    while (pending > 0) {
      const t0 = Date.now();
      const o = await run(hello, victim);
      victimMs.push(Date.now() - t0);
      expect(o.response.result).toEqual({ hello: 'world' });
      expect(o.startKind).toBe('warm'); // its isolate was never evicted for the loops
      await new Promise((r) => setTimeout(r, 20));
    }
    const outcomes = await Promise.all(loops);
    for (const o of outcomes) {
      expect(o.response.status).toBe('action developer error');
      expect(o.response.result).toEqual({ error: `The action exceeded its time limits of ${LOOP_TIMEOUT_MS} milliseconds.` });
    }
    const sorted = [...victimMs].sort((a, b) => a - b);
    console.log(`victim on the hostile's sandbox: ${victimMs.length} calls during the attack, p50 ${sorted[Math.floor(sorted.length / 2)]} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]} ms, max ${sorted.at(-1)} ms`);
    expect(Math.max(...victimMs)).toBeLessThan(LOOP_TIMEOUT_MS / 2);
  }, 90_000);
});
