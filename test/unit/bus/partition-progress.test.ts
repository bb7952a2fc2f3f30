import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../shared/bus/partition-progress.js';

describe('PartitionProgress', () => {
  it('commits only past a contiguous run of finished offsets', () => {
    const p = new PartitionProgress(10n);
    for (const o of [10n, 11n, 12n]) p.started(o);
    p.finished(11n);
    expect(p.takeCommittable()).toBeUndefined();
    p.finished(10n);
    expect(p.takeCommittable()).toBe(12n);
    p.finished(12n);
    expect(p.takeCommittable()).toBe(13n);
    expect(p.takeCommittable()).toBeUndefined();
  });

  it('skips offsets that never started (gaps in the log)', () => {
    const p = new PartitionProgress(0n);
    p.started(0n);
    p.started(5n);
    p.finished(5n);
    expect(p.takeCommittable()).toBeUndefined();
    p.finished(0n);
    expect(p.takeCommittable()).toBe(6n);
  });
});
