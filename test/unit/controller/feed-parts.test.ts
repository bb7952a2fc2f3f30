// The pure parts of the feeds: batching by size, count and time; the system feed actions'
// parameters (cron, dates, topics); message decoding; retry policies.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../controller/api-error.js';
import { feedConfig, validateCron } from '../../../controller/triggers/feed-validation.js';
import { feedMessage } from '../../../controller/triggers/kafka-feed-manager.js';
import { MessageBatcher } from '../../../controller/triggers/message-batcher.js';
import { retryPolicyOf } from '../../../controller/triggers/trigger-validation.js';

const status = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof ApiError ? err.status : -1;
  }
};

describe('MessageBatcher', () => {
  it('cuts a batch at maxMessages and at maxBytes (the overflowing message opens the next), fires in order, resolves adds after the fire', async () => {
    const fired: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const b = new MessageBatcher<number>({ maxBytes: 10, maxMessages: 3, maxWaitMs: 60_000 }, async (batch) => {
      fired.push(batch);
      await gate;
    }, () => undefined);
    const settled: number[] = [];
    const adds = [1, 2, 3, 4, 5].map((n) => b.add(n, n === 5 ? 8 : 1).then(() => settled.push(n)));
    await Promise.resolve();
    expect(fired).toEqual([[1, 2, 3]]);
    expect(settled).toEqual([]);
    release();
    await Promise.all(adds.slice(0, 3));
    expect(settled).toEqual([1, 2, 3]);
    // 4 and 5 (1 + 8 bytes) fit one batch, still open: its time bound is far away.
    expect(b.pending).toBe(2);
    b.stop(new Error('stopped'));
    await expect(adds[3]).rejects.toThrow('stopped');
    await expect(adds[4]).rejects.toThrow('stopped');
    await expect(b.add(6, 1)).rejects.toThrow('stopped');
  });

  it('fires an incomplete batch after maxWaitMs and skips a single message larger than maxBytes', async () => {
    const fired: string[][] = [];
    const skipped: string[] = [];
    const b = new MessageBatcher<string>({ maxBytes: 5, maxMessages: 100, maxWaitMs: 10 }, async (batch) => { fired.push(batch); }, (m) => skipped.push(m));
    await b.add('big', 6);
    await Promise.all([b.add('a', 1), b.add('b', 1)]);
    expect(skipped).toEqual(['big']);
    expect(fired).toEqual([['a', 'b']]);
  });

  it('a failed fire rejects that batch\'s adds (the bus redelivers them)', async () => {
    const b = new MessageBatcher<string>({ maxBytes: 5, maxMessages: 1, maxWaitMs: 10 }, async () => { throw new Error('no'); }, () => undefined);
    await expect(b.add('a', 1)).rejects.toThrow('no');
  });
});

describe('feed parameters', () => {
  it('cron: 5 or 6 fields, names, ranges, steps; 400 naming the bad field', () => {
    expect(validateCron('*/8 * * * * *')).toBe('*/8 * * * * *');
    expect(validateCron(' 0 9 * * MON-FRI ')).toBe('0 9 * * MON-FRI');
    expect(validateCron('0 0 1,15 jan,jul 0')).toBe('0 0 1,15 jan,jul 0');
    expect(status(() => validateCron('* * * *'))).toBe(400);
    expect(status(() => validateCron('61 * * * *'))).toBe(400);
    expect(status(() => validateCron('* 24 * * *'))).toBe(400);
    expect(status(() => validateCron('*/0 * * * *'))).toBe(400);
    expect(status(() => validateCron('5-1 * * * *'))).toBe(400);
    expect(status(() => validateCron('x * * * *'))).toBe(400);
  });

  it('alarms: interval minutes, once date in the future, start/stop dates, timezone, payload', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(feedConfig('alarms/interval', { minutes: 2, trigger_payload: { a: 1 }, authKey: 'x', lifecycleEvent: 'CREATE', triggerName: '/g/t' }, now))
      .toEqual({ kind: 'alarm', feed: 'interval', minutes: 2, payload: { a: 1 } });
    expect(status(() => feedConfig('alarms/interval', { minutes: 0 }, now))).toBe(400);
    expect(feedConfig('alarms/once', { date: '2030-01-01T00:01:00Z', deleteAfterFire: 'rules' }, now)).toMatchObject({ date: now + 60_000, deleteAfterFire: 'rules' });
    expect(status(() => feedConfig('alarms/once', { date: now - 1 }, now))).toBe(400);
    expect(status(() => feedConfig('alarms/once', {}, now))).toBe(400);
    expect(feedConfig('alarms/alarm', { cron: '0 * * * *', timezone: 'Europe/Berlin', startDate: now + 1, stopDate: String(now + 2) }, now))
      .toMatchObject({ cron: '0 * * * *', timezone: 'Europe/Berlin', startDate: now + 1, stopDate: now + 2 });
    expect(status(() => feedConfig('alarms/alarm', { cron: '0 * * * *', timezone: 'Mars/Olympus' }, now))).toBe(400);
    expect(status(() => feedConfig('alarms/alarm', { cron: '0 * * * *', stopDate: now - 5 }, now))).toBe(400);
    expect(status(() => feedConfig('alarms/alarm', { cron: '0 * * * *', trigger_payload: [1] }, now))).toBe(400);
  });

  it('kafka: topic required, brokers as array or comma list, flags', () => {
    expect(feedConfig('messaging/kafkaFeed', { topic: 'orders', brokers: 'a:9092, b:9093', isJSONData: 'true' }))
      .toEqual({ kind: 'kafka', topic: 'orders', brokers: ['a:9092', 'b:9093'], isJSONData: true, isBinaryKey: false, isBinaryValue: false });
    expect(status(() => feedConfig('messaging/kafkaFeed', {}))).toBe(400);
    expect(status(() => feedConfig('messaging/kafkaFeed', { topic: 'bad topic' }))).toBe(400);
    expect(status(() => feedConfig('messaging/kafkaFeed', { topic: 't', brokers: ['nohostport'] }))).toBe(400);
    expect(status(() => feedConfig('messaging/kafkaFeed', { topic: 't', isBinaryKey: 'maybe' }))).toBe(400);
  });

  it('decodes messages as the feed asks: JSON best effort, base64 for binary', () => {
    const m = { topic: 't', partition: 2, offset: '7', key: 'k', value: Buffer.from('{"a":1}'), headers: {} };
    const c = { kind: 'kafka' as const, topic: 't', brokers: [], isJSONData: false, isBinaryKey: false, isBinaryValue: false };
    expect(feedMessage(m, c)).toEqual({ topic: 't', partition: 2, offset: 7, key: 'k', value: '{"a":1}' });
    expect(feedMessage(m, { ...c, isJSONData: true }).value).toEqual({ a: 1 });
    expect(feedMessage({ ...m, value: Buffer.from('x') }, { ...c, isJSONData: true }).value).toBe('x');
    expect(feedMessage(m, { ...c, isBinaryValue: true, isBinaryKey: true })).toMatchObject({ key: 'aw==', value: Buffer.from('{"a":1}').toString('base64') });
    expect(feedMessage({ ...m, key: undefined }, c).key).toBeNull();
  });

  it('retry policy from the photon:retry annotation; malformed is a 400 on PUT', () => {
    expect(retryPolicyOf([])).toEqual({ retries: 0, delayMs: 1_000, maxDelayMs: 60_000 });
    expect(retryPolicyOf([{ key: 'photon:retry', value: { retries: 3, delayMs: 100, maxDelayMs: 400 } }])).toEqual({ retries: 3, delayMs: 100, maxDelayMs: 400 });
    expect(status(() => retryPolicyOf([{ key: 'photon:retry', value: { retries: 11 } }], true))).toBe(400);
    expect(status(() => retryPolicyOf([{ key: 'photon:retry', value: 'x' }], true))).toBe(400);
  });
});
