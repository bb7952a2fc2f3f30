// Pool logic: placement order, capacity and the queue (FIFO within a tenant, fair between tenants), greedy-dual eviction, keep-alive,
// namespaces held for an isolate's life and returned when it goes. Real isolates, fake namespaces.
import { afterEach, describe, expect, it } from 'vitest';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import type { IsolatePoolOptions } from '../../../invoker/pool/isolate-pool.js';
import type { PoolEvent } from '../../../invoker/pool/pool-events.js';
import { PoolActionRunner } from '../../../invoker/pool/pool-action-runner.js';
import { waitFor } from '../../harness/wait-for.js';
import { activation, fakeNamespaceCache, makeAction } from './fixtures.js';
import type { FakeNamespaceCache } from './fixtures.js';

const pools: IsolatePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function newPool(options: Partial<IsolatePoolOptions> = {}): { pool: IsolatePool; ns: FakeNamespaceCache; events: PoolEvent[] } {
  const ns = fakeNamespaceCache();
  const pool = new IsolatePool({ namespaces: ns, prewarm: { count: 0, memoryMb: 128 }, strictLifecycle: true, ...options });
  const events: PoolEvent[] = [];
  pool.events.subscribe((e) => events.push(e));
  pools.push(pool);
  return { pool, ns, events };
}

const hello = (): ReturnType<typeof makeAction> => makeAction('function main() { return { ok: true } }');
const slow = (ms: number): ReturnType<typeof makeAction> => makeAction(`function main(p) { return new Promise((r) => setTimeout(() => r({ tag: p.tag }), ${ms})) }`);

describe('placement', () => {
  it('starts cold, then reuses the warm isolate with the same namespace', async () => {
    const { pool, ns, events } = newPool();
    await pool.start();
    const a = hello();
    const first = await pool.run(a, {}, activation(a));
    const second = await pool.run(a, {}, activation(a));
    expect(first.startKind).toBe('cold');
    expect(first.initTime).toBeGreaterThan(0);
    expect(second.startKind).toBe('warm');
    expect(second.initTime).toBeUndefined();
    expect(second.isolateId).toBe(first.isolateId);
    expect(second.namespaceId).toBe(first.namespaceId);
    expect(ns.outstanding.has(first.namespaceId!)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['created', 'warmed', 'idle', 'reused', 'idle']);
  });

  it('takes a prewarmed isolate of the same memory size and replaces it', async () => {
    const { pool, events } = newPool({ prewarm: { count: 1, memoryMb: 128 } });
    await pool.start();
    const prewarmId = events.find((e) => e.type === 'created')!.isolateId;
    const a = hello();
    const o = await pool.run(a, {}, activation(a));
    expect(o.startKind).toBe('prewarm');
    expect(o.isolateId).toBe(prewarmId);
    await waitFor('a replacement prewarm', () => pool.stats().prewarm === 1);
    const big = makeAction('function main() { return {} }', { limits: { memory: 256 } });
    expect((await pool.run(big, {}, activation(big))).startKind).toBe('cold');
  });

  it('raises the prewarm target after cold starts and lowers it again when they stop (reactive prewarm)', async () => {
    const { pool } = newPool({ prewarm: { count: 0, memoryMb: 128, max: 2 }, sweepIntervalMs: 1_000_000 });
    await pool.start();
    const burst = await Promise.all([hello(), hello(), hello()].map((a) => pool.run(a, {}, activation(a))));
    expect(burst.map((o) => o.startKind)).toEqual(['cold', 'cold', 'cold']);
    expect(pool.prewarmGoal).toBe(2);
    await waitFor('two prewarms', () => pool.stats().prewarm === 2);
    const next = hello();
    expect((await pool.run(next, {}, activation(next))).startKind).toBe('prewarm');
    await waitFor('the prewarm replaced', () => pool.stats().prewarm === 2);
    pool.sweep(); // this period had the cold starts: the target holds
    expect(pool.prewarmGoal).toBe(2);
    pool.sweep();
    pool.sweep();
    expect(pool.prewarmGoal).toBe(0);
    await waitFor('surplus prewarms disposed', () => pool.stats().prewarm === 0);
  });

  it('never shares warm isolates across revisions or invoking namespaces', async () => {
    const { pool } = newPool();
    const a = hello();
    const o1 = await pool.run(a, {}, activation(a));
    const o2 = await pool.run({ ...a, revision: 'other' }, {}, activation(a));
    const o3 = await pool.run(a, {}, activation(a, { namespace: 'someone-else' }));
    expect(new Set([o1.isolateId, o2.isolateId, o3.isolateId]).size).toBe(3);
  });

  it('lets activations arriving during a cold start wait for it instead of starting more isolates', async () => {
    const { pool } = newPool();
    const a = makeAction('function main() { return {} }', { limits: { concurrency: 3 } });
    const outs = await Promise.all([1, 2, 3].map(() => pool.run(a, {}, activation(a))));
    expect(new Set(outs.map((o) => o.isolateId)).size).toBe(1);
    expect(outs.filter((o) => o.initTime !== undefined)).toHaveLength(1);
  });
});

describe('tenant shares (tenant-shares.ts)', () => {
  it('a tenant past half the budget does not evict another tenant\'s idle warm isolate: its extra activations queue', async () => {
    const { pool, events } = newPool({ userMemoryMb: 512 });
    const h = hello();
    const first = await pool.run(h, {}, activation(h, { namespace: 'quiet' }));
    const s = slow(300);
    const hog = Array.from({ length: 4 }, () => pool.run(s, { tag: 'x' }, activation(s, { namespace: 'hog' })));
    expect(pool.stats().queued).toBe(1);
    const again = await pool.run(h, {}, activation(h, { namespace: 'quiet' }));
    expect(again).toMatchObject({ startKind: 'warm', isolateId: first.isolateId });
    expect(events.filter((e) => e.type === 'evicted')).toHaveLength(0);
    for (const o of await Promise.all(hog)) expect(o.response.result).toEqual({ tag: 'x' });
  });

  it('serves the queued activation of the tenant holding least first, not behind another tenant\'s backlog', async () => {
    const { pool } = newPool({ userMemoryMb: 256 });
    const s = slow(150);
    const order: string[] = [];
    const track = (tag: string) => (o: Awaited<ReturnType<IsolatePool['run']>>) => { order.push(tag); return o; };
    const hog = [1, 2, 3, 4].map((i) => pool.run(s, { tag: `h${i}` }, activation(s, { namespace: 'hog' })).then(track(`h${i}`)));
    const h = hello();
    const newcomer = pool.run(h, {}, activation(h, { namespace: 'newcomer' })).then(track('newcomer'));
    expect(pool.stats().queued).toBe(3);
    await Promise.all([...hog, newcomer]);
    // h1/h2 run first (they hold the budget); the newcomer takes the first capacity freed, before h3 and h4.
    expect(order.indexOf('newcomer')).toBeLessThan(order.indexOf('h3'));
    expect(order.indexOf('newcomer')).toBeLessThan(order.indexOf('h4'));
  });
});

describe('holds after a timeout (tenant-holds.ts, a sandbox\'s pool)', () => {
  const loop = (): ReturnType<typeof makeAction> => makeAction('function main() { for (;;) {} }', { limits: { timeout: 200 } });
  const runLoops = (pool: IsolatePool, n: number) => {
    const l = loop();
    return Array.from({ length: n }, () => pool.run(l, {}, activation(l, { namespace: 'hog' })));
  };

  it('holds the tenant\'s queue when its activation times out: the freed capacity goes to nobody of it until resume()', async () => {
    const { pool } = newPool({ userMemoryMb: 256, holdAfterTimeout: true });
    const loops = runLoops(pool, 4);
    expect(pool.stats().queued).toBe(2);
    const first = await Promise.race(loops);
    expect(first.response.result).toEqual({ error: 'The action exceeded its time limits of 200 milliseconds.' });
    const firstWave = await Promise.all(loops.slice(0, 2));
    // Both isolates of the first wave hold; the other two loops stay queued, and a new one of the hog queues too.
    for (const o of firstWave) expect(pool.holding(o.isolateId!)).toBe(true);
    const late = runLoops(pool, 1)[0]!;
    await new Promise((r) => setTimeout(r, 100));
    expect(pool.stats()).toMatchObject({ queued: 3, inFlight: 0 });
    // Another tenant is not held: it takes the capacity at once.
    const h = hello();
    expect((await pool.run(h, {}, activation(h, { namespace: 'quiet' }))).response.result).toEqual({ ok: true });
    // As the supervisor does: every outcome whose isolate holds is answered by a resume (each later timeout holds again).
    const rest = [...loops.slice(2), late].map((p) => p.then((o) => { pool.resume(o.isolateId!); return o; }));
    pool.resume(firstWave[0]!.isolateId!);
    expect(pool.stats().queued).toBe(3); // still held by the other isolate
    pool.resume(firstWave[1]!.isolateId!);
    pool.resume(firstWave[1]!.isolateId!); // a second resume is a no-op
    for (const o of await Promise.all(rest)) expect(o.response.status).toBe('action developer error');
  });

  it('without holdAfterTimeout (inline) the queue takes the freed capacity at once', async () => {
    const { pool } = newPool({ userMemoryMb: 256 });
    const loops = runLoops(pool, 4);
    const firstWave = await Promise.all(loops.slice(0, 2));
    for (const o of firstWave) expect(pool.holding(o.isolateId!)).toBe(false);
    expect(pool.stats().queued).toBe(0);
    await Promise.all(loops);
  });
});

describe('capacity', () => {
  it('queues beyond the user-memory budget in FIFO order', async () => {
    const { pool, events } = newPool({ userMemoryMb: 256 });
    const s = slow(150);
    const order: string[] = [];
    const track = (tag: string) => (o: Awaited<ReturnType<IsolatePool['run']>>) => { order.push(tag); return o; };
    const running = [pool.run(s, { tag: 'a' }, activation(s)).then(track('a')), pool.run(s, { tag: 'b' }, activation(s)).then(track('b'))];
    const other = makeAction('function main(p) { return { tag: p.tag } }');
    const queued = [pool.run(other, { tag: 'c' }, activation(other)).then(track('c')), pool.run(s, { tag: 'd' }, activation(s)).then(track('d'))];
    expect(pool.stats().queued).toBe(2);
    const outs = await Promise.all([...running, ...queued]);
    expect(outs.map((o) => o.response.result)).toEqual([{ tag: 'a' }, { tag: 'b' }, { tag: 'c' }, { tag: 'd' }]);
    expect(events.filter((e) => e.type === 'queued')).toHaveLength(2);
    expect(outs[2]!.poolWaitMs).toBeGreaterThanOrEqual(100);
    expect(pool.stats().usedMemoryMb).toBeLessThanOrEqual(256);
  });

  it('evicts the idle isolate with the lowest greedy-dual priority, returning its namespace', async () => {
    const { pool, ns, events } = newPool({ userMemoryMb: 256 });
    const frequent = hello();
    const rare = hello();
    let f = await pool.run(frequent, {}, activation(frequent));
    for (let i = 0; i < 5; i++) f = await pool.run(frequent, {}, activation(frequent));
    const r = await pool.run(rare, {}, activation(rare));
    const newcomer = hello();
    await pool.run(newcomer, {}, activation(newcomer));
    const evicted = events.filter((e) => e.type === 'evicted');
    expect(evicted).toHaveLength(1);
    expect(evicted[0]).toMatchObject({ isolateId: r.isolateId, cause: 'memory-pressure', namespaceId: r.namespaceId });
    expect(ns.released).toContain(r.namespaceId);
    expect(pool.warmIsolates().map((w) => w.isolateId)).toContain(f.isolateId);
  });

  it('evicts idle isolates while process RSS is above the high-water mark', async () => {
    const { pool, ns, events } = newPool({ rssHighWaterMb: 1, sweepIntervalMs: 1_000_000 });
    const a = hello();
    const o = await pool.run(a, {}, activation(a));
    pool.sweep();
    expect(events).toContainEqual(expect.objectContaining({ type: 'evicted', isolateId: o.isolateId, cause: 'memory-pressure' }));
    expect(ns.outstanding.size).toBe(0);
  });

  it('refuses an action whose kind has no registered runtime (invoker/kinds/action-kinds.ts), typed, without an isolate', async () => {
    const { pool, ns } = newPool({ userMemoryMb: 512 });
    const a = hello();
    const o = await pool.run({ ...a, exec: { ...a.exec, kind: 'python:3' } }, {}, activation(a));
    expect(o).toMatchObject({ refused: 'unknown-kind', isolateId: null, response: { status: 'whisk internal error', result: { error: "The action kind 'python:3' has no runtime on this invoker." } } });
    expect(ns.outstanding.size).toBe(0);
  });

  it('answers a whisk internal error beyond maxQueued', async () => {
    const { pool } = newPool({ userMemoryMb: 128, maxQueued: 1 });
    const s = slow(200);
    const running = pool.run(s, {}, activation(s));
    const other = hello();
    const queued = pool.run(other, {}, activation(other));
    const refused = await pool.run(other, {}, activation(other));
    expect(refused.response).toMatchObject({ status: 'whisk internal error', result: { error: 'Too many activations are waiting for capacity.' } });
    // A typed refusal, not an outcome with an empty isolate id.
    expect(refused).toMatchObject({ refused: 'queue-full', isolateId: null });
    expect((await running).response.status).toBe('success');
    expect((await queued).response.status).toBe('success');
  });

  it('answers limits outside OpenWhisk ranges with a whisk internal error', async () => {
    const { pool } = newPool();
    const a = makeAction('function main() { return {} }', { limits: { memory: 4096 } });
    expect((await pool.run(a, {}, activation(a))).response).toMatchObject({ status: 'whisk internal error', statusCode: 3 });
  });
});

describe('isolate life', () => {
  it('evicts idle isolates after the keep-alive and returns their namespaces', async () => {
    const { pool, ns, events } = newPool({ keepAliveMs: 150, sweepIntervalMs: 30 });
    await pool.start();
    const a = hello();
    const o = await pool.run(a, {}, activation(a));
    expect(ns.outstanding.has(o.namespaceId!)).toBe(true);
    await waitFor('keep-alive eviction', () => events.find((e) => e.type === 'disposed' && e.isolateId === o.isolateId));
    expect(events).toContainEqual(expect.objectContaining({ type: 'evicted', isolateId: o.isolateId, cause: 'keep-alive' }));
    expect(ns.outstanding.has(o.namespaceId!)).toBe(false);
    expect(ns.released).toContain(o.namespaceId);
    const again = await pool.run(a, {}, activation(a));
    expect(again.startKind).toBe('cold');
  });

  it('disposes an isolate after a developer error and keeps it after an application error', async () => {
    const { pool, events } = newPool();
    const bad = makeAction('function main(p) { return p.fail ? 42 : {} }');
    const ok = await pool.run(bad, {}, activation(bad));
    const failed = await pool.run(bad, { fail: true }, activation(bad));
    expect(failed.response.status).toBe('action developer error');
    expect(events).toContainEqual(expect.objectContaining({ type: 'disposed', isolateId: ok.isolateId, cause: 'developer-error' }));
    const app = makeAction("async function main() { throw new Error('app') }");
    const a1 = await pool.run(app, {}, activation(app));
    const a2 = await pool.run(app, {}, activation(app));
    expect(a2.isolateId).toBe(a1.isolateId);
  });

  it('returns every namespace on close and answers queued activations', async () => {
    const { pool, ns } = newPool({ userMemoryMb: 128, prewarm: { count: 0, memoryMb: 128 } });
    const s = slow(300);
    const running = pool.run(s, {}, activation(s));
    const queued = pool.run(s, {}, activation(s));
    await waitFor('the first activation to start', () => pool.stats().inFlight === 1 && pool.stats().queued === 1);
    await pool.close();
    expect(await queued).toMatchObject({ refused: 'closed', response: { status: 'whisk internal error' } });
    expect((await running).response.status).toBe('whisk internal error');
    expect(ns.outstanding.size).toBe(0);
    expect(ns.acquired.length).toBe(ns.released.length);
  });
});

describe('PoolActionRunner', () => {
  it('reports warm-count changes from pool events (coalesced), keyed as the pool shares isolates, until the isolate goes', async () => {
    const { pool, ns } = newPool({ userMemoryMb: 1024 });
    const runner = new PoolActionRunner(pool, ns);
    const reports: Array<Record<string, unknown>> = [];
    const off = runner.onWarmChange((changed) => reports.push(changed));
    const a = hello();
    const key = `guest|guest/${a.name}`;
    await runner.run({ action: a, params: {}, activationId: 'e'.repeat(32), namespace: 'guest', deadline: Date.now() + 5000 });
    await waitFor('a warm report', () => reports.some((r) => (r[key] as { revision?: string; warm?: number } | undefined)?.warm === 1 && (r[key] as { revision: string }).revision === a.revision));
    const before = reports.length;
    for (const w of pool.warmIsolates()) expect(w.warmKey).toBe(key);
    await pool.close();
    await waitFor('the isolate gone', () => reports.slice(before).some((r) => key in r && r[key] === null));
    off();
  });


  it('reports capacity and a warm snapshot keyed like the pool shares isolates (invoking namespace, owner, name)', async () => {
    const { pool, ns } = newPool({ userMemoryMb: 1024 });
    const runner = new PoolActionRunner(pool, ns);
    const a = hello();
    const out = await runner.run({ action: a, params: {}, activationId: 'f'.repeat(32), namespace: 'guest', deadline: Date.now() + 5000 });
    expect(out.startKind).toBe('cold');
    expect(out.response.status).toBe('success');
    expect(runner.warmSnapshot()).toEqual({ [`guest|guest/${a.name}`]: { revision: a.revision, warm: 1, idle: 1, busy: 0 } });
    expect(runner.stats()).toMatchObject({ userMemory: 1024, busyMemory: 0 });
  });
});
