import { describe, expect, it } from 'vitest';
import { InvokerPool } from '../../../controller/invoker-pool.js';
import { HEARTBEAT_VERSION, type InvokerHeartbeat } from '../../../shared/model/invoker-health.js';

const hb = (invoker: string, at: number, over: Partial<InvokerHeartbeat> = {}): InvokerHeartbeat =>
  ({ v: HEARTBEAT_VERSION, invoker, userMemory: 1024, busyMemory: 0, freeNamespaces: 40, at, accepting: true, ...over });

describe('InvokerPool', () => {
  it('marks invokers stale after the configured silence and skips non-accepting ones', () => {
    let now = 1_000;
    const pool = new InvokerPool({ staleMs: 3_000, forgetMs: 60_000, controllerShare: 1, now: () => now });
    pool.onHeartbeat(hb('b', now));
    pool.onHeartbeat(hb('a', now, { accepting: false }));
    expect(pool.candidates('ns/x', 'r', {}).map((c) => [c.id, c.usable])).toEqual([['a', false], ['b', true]]);
    now += 3_001;
    expect(pool.usableCount()).toBe(0);
    pool.onHeartbeat(hb('b', now));
    expect(pool.usableCount()).toBe(1);
    now += 60_001;
    expect(pool.candidates('ns/x', 'r', {})).toEqual([]);
  });

  it('accounts memory per invoker from userMemory, its share and what is in flight', () => {
    const pool = new InvokerPool({ staleMs: 3_000, forgetMs: 60_000, controllerShare: 2, now: () => 0 });
    pool.onHeartbeat(hb('a', 0));
    const r1 = pool.reserve('a', 'ns/x', 256, 1);
    pool.reserve('a', 'ns/y', 128, 4);
    pool.reserve('a', 'ns/y', 128, 4);
    const [c] = pool.candidates('ns/y', 'r', {});
    expect(c).toMatchObject({ freeMb: 512 - 256 - 128, inFlightOfAction: 2 });
    pool.release(r1);
    expect(pool.candidates('ns/x', 'r', {})[0]).toMatchObject({ freeMb: 512 - 128, inFlightOfAction: 0 });
  });

  it('counts idle warm isolates only of the same revision', () => {
    const pool = new InvokerPool({ staleMs: 3_000, forgetMs: 60_000, controllerShare: 1, now: () => 0 });
    pool.onHeartbeat(hb('a', 0));
    pool.onHeartbeat(hb('b', 0));
    const warm = { a: { revision: 'r1', warm: 2, idle: 2, busy: 0 }, b: { revision: 'r0', warm: 1, idle: 1, busy: 0 } };
    expect(pool.candidates('ns/x', 'r1', warm).map((c) => c.idleWarm)).toEqual([2, 0]);
  });

  it('keeps the newest heartbeat when an older one arrives late', () => {
    let now = 0;
    const pool = new InvokerPool({ staleMs: 3_000, forgetMs: 60_000, controllerShare: 1, now: () => now });
    pool.onHeartbeat(hb('a', 10, { userMemory: 2048 }));
    now = 5;
    pool.onHeartbeat(hb('a', 5, { userMemory: 512 }));
    expect(pool.status()[0]).toMatchObject({ userMemory: 2048 });
  });
});

describe('InvokerPool health', () => {
  it('puts an invoker on probation after more than 3 failures in its last 10 outcomes, until time or a success', () => {
    let now = 0;
    const pool = new InvokerPool({ staleMs: 1e9, forgetMs: 1e9, controllerShare: 1, probationMs: 5_000, now: () => now });
    pool.onHeartbeat(hb('a', 0));
    for (const o of ['systemError', 'success', 'timeout', 'systemError'] as const) pool.recordOutcome('a', o);
    expect(pool.usableCount()).toBe(1);
    pool.recordOutcome('a', 'systemError');
    expect(pool.usableCount()).toBe(0);
    expect(pool.status()[0]).toMatchObject({ unhealthy: true });
    now = 5_000;
    expect(pool.usableCount()).toBe(1);
    pool.recordOutcome('a', 'timeout');
    expect(pool.usableCount()).toBe(0);
    pool.recordOutcome('a', 'success');
    expect(pool.usableCount()).toBe(1);
  });
});
