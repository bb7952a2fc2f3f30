import { describe, expect, it } from 'vitest';
import { GreedyDual } from '../../../invoker/pool/greedy-dual.js';
import { ActivationLog } from '../../../invoker/pool/activation-log.js';

describe('GreedyDual', () => {
  it('ranks by frequency × cost / size above the clock, and inflates the clock on eviction', () => {
    const gd = new GreedyDual();
    gd.recordUse('small-hot', 10);
    for (let i = 0; i < 9; i++) gd.recordUse('small-hot');
    gd.recordUse('big-rare', 10);
    expect(gd.priority('small-hot', 128)).toBeCloseTo((10 * 10) / 128);
    expect(gd.priority('big-rare', 512)).toBeCloseTo(10 / 512);
    expect(gd.priority(null, 128)).toBe(0);
    gd.evicted(gd.priority('big-rare', 512));
    expect(gd.now).toBeCloseTo(10 / 512);
    expect(gd.priority(null, 128)).toBe(gd.now);
    gd.forget('small-hot');
    expect(gd.priority('small-hot', 128)).toBe(gd.now);
  });

  it('prefers keeping an expensive cold start over a cheap one at the same frequency', () => {
    const gd = new GreedyDual();
    gd.recordUse('expensive', 50);
    gd.recordUse('cheap', 1);
    expect(gd.priority('expensive', 256)).toBeGreaterThan(gd.priority('cheap', 256));
  });
});

describe('ActivationLog', () => {
  it('keeps whole lines up to the byte limit, then appends the notice once', () => {
    const log = new ActivationLog(10);
    log.add('stdout', 't', '12345');
    log.add('stderr', 't', '❄');
    log.add('stdout', 't', '123');
    log.add('stdout', 't', '1');
    const lines = log.lines();
    expect(lines.slice(0, 2)).toEqual(['t stdout: 12345', 't stderr: ❄']);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/stderr: Logs were truncated because the total bytes size exceeds the limit of 10 bytes\.$/);
  });
});
