// The in-process AlarmScheduler (standalone's alarms): its contract (alarm-scheduler.ts) on real
// timers, and an alarm feed created with the official client firing a rule in a controller.
import openwhisk from 'openwhisk';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmConfigError, type AlarmTick } from '../../../controller/alarms/alarm-scheduler.js';
import { InProcessAlarmScheduler } from '../../../controller/alarms/in-process-alarm-scheduler.js';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, HELLO, startFixture, type Fixture } from './controller-fixture.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
function scheduler(): InProcessAlarmScheduler {
  const s = new InProcessAlarmScheduler();
  closers.push(() => s.close());
  return s;
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('InProcessAlarmScheduler', () => {
  it('ticks a seconds cron with distinct tick ids, and stops on unschedule', async () => {
    const s = scheduler();
    const ticks: AlarmTick[] = [];
    await s.start(async (t) => { ticks.push(t); });
    await s.schedule('ns', 't', { kind: 'alarm', feed: 'alarm', cron: '* * * * * *', payload: {} });
    await waitFor('two ticks', () => ticks.length >= 2, { timeoutMs: 5_000 });
    expect(ticks[0]).toMatchObject({ namespace: 'ns', trigger: 't' });
    expect(new Set(ticks.map((t) => t.tickId)).size).toBe(ticks.length);
    await s.unschedule('ns', 't');
    const seen = ticks.length;
    await sleep(1_300);
    expect(ticks.length).toBe(seen);
  });

  it('fires once exactly once, a past date at once; intervals from their start date, until the stop date', async () => {
    const s = scheduler();
    const ticks: string[] = [];
    await s.start(async (t) => { ticks.push(t.trigger); });
    await s.schedule('ns', 'once', { kind: 'alarm', feed: 'once', date: Date.now() - 1_000, payload: {} });
    const start = Date.now() + 100;
    await s.schedule('ns', 'every', { kind: 'alarm', feed: 'interval', minutes: 0.005, startDate: start, stopDate: start + 700, payload: {} });
    await sleep(1_500);
    expect(ticks.filter((t) => t === 'once')).toHaveLength(1);
    // 300 ms apart from start: start, +300, +600, then the stop date ends it.
    expect(ticks.filter((t) => t === 'every')).toHaveLength(3);
  });

  it('hands a failed tick out again with the same id; refuses a cron it cannot run', async () => {
    const s = scheduler();
    const ids: string[] = [];
    await s.start(async (t) => {
      ids.push(t.tickId);
      if (ids.length === 1) throw new Error('first attempt fails');
    });
    await s.schedule('ns', 'retry', { kind: 'alarm', feed: 'once', date: Date.now(), payload: {} });
    await waitFor('the retry', () => ids.length >= 2, { timeoutMs: 5_000 });
    expect(ids[1]).toBe(ids[0]);
    await expect(s.schedule('ns', 'bad', { kind: 'alarm', feed: 'alarm', cron: '99 * * * *', payload: {} })).rejects.toBeInstanceOf(AlarmConfigError);
  });
});

describe('alarms in a controller without Redis (standalone)', () => {
  it('an alarm feed created with the client fires its trigger and the rule runs', async () => {
    const f: Fixture = await startFixture({ alarms: new InProcessAlarmScheduler() });
    closers.push(() => f.close());
    const ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
    await f.api('PUT', '/api/v1/namespaces/_/actions/hello', { body: HELLO });
    await ow.triggers.create({ name: 'tick' });
    await ow.rules.create({ name: 'on-tick', action: 'hello', trigger: 'tick' });
    const created = await ow.feeds.create({ name: '/whisk.system/alarms/alarm', trigger: 'tick', params: { cron: '* * * * * *', trigger_payload: { from: 'alarm' } } });
    expect((created as unknown as { response: { success: boolean } }).response.success).toBe(true);
    const run = await waitFor('a rule activation caused by the alarm', async () => {
      const list = (await ow.activations.list({ name: 'hello', docs: true } as never)) as unknown as Array<{ cause?: string; response: { result: unknown } }>;
      return list.find((a) => a.cause !== undefined);
    }, { timeoutMs: 10_000 });
    expect(run.response.result).toMatchObject({ from: 'alarm' });
    await ow.feeds.delete({ name: '/whisk.system/alarms/alarm', trigger: 'tick' });
  });
});
