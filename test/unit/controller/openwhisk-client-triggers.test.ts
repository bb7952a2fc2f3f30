// The official `openwhisk` npm client's triggers, rules and feeds APIs against photon, unchanged
// (openwhisk-notes §3.2–3.3: the client's triggers/rules/feeds integration tests).
import openwhisk from 'openwhisk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/wait-for.js';
import { GUEST_AUTH, HELLO, startFixture, type Fixture } from './controller-fixture.js';

// The client has feeds.get and feeds.update; its bundled typings only declare create and delete.
interface FeedCall { name: string; trigger: string; params?: Record<string, unknown> }
interface FeedAnswer { response: { success: boolean; result: Record<string, unknown> } }
type FeedsApi = Record<'create' | 'get' | 'update' | 'delete', (o: FeedCall) => Promise<FeedAnswer>>;

let f: Fixture;
let ow: ReturnType<typeof openwhisk>;
let feeds: FeedsApi;
beforeAll(async () => {
  f = await startFixture({ feedBatchMaxWaitMs: 50, feedReconcileMs: 50 });
  ow = openwhisk({ apihost: f.controller.url, api_key: GUEST_AUTH, namespace: 'guest' });
  feeds = ow.feeds as unknown as FeedsApi;
  await f.api('PUT', '/api/v1/namespaces/_/actions/hello', { body: HELLO });
});
afterAll(async () => f.close());

const statusOf = async (p: Promise<unknown>): Promise<{ status?: number; message: string }> => {
  try {
    await p;
    return { message: '' };
  } catch (err) {
    return { status: (err as { statusCode?: number }).statusCode, message: String((err as Error).message) };
  }
};

describe('official openwhisk client: triggers, rules, feeds', () => {
  it('creates a trigger and a rule, fires the trigger, disables and updates the rule, deletes both', async () => {
    const t = await ow.triggers.create({ name: 'client-trigger', trigger: { parameters: [{ key: 'from', value: 'trigger' }] } } as never);
    expect(t).toMatchObject({ name: 'client-trigger', namespace: 'guest', version: '0.0.1', annotations: [], limits: {}, parameters: [{ key: 'from', value: 'trigger' }] });
    expect((await ow.triggers.update({ name: 'client-trigger' } as never)).version).toBe('0.0.2');
    const rule = await ow.rules.create({ name: 'client-rule', action: 'hello', trigger: 'client-trigger' });
    expect(rule).toMatchObject({ name: 'client-rule', action: { path: 'guest', name: 'hello' }, trigger: { path: 'guest', name: 'client-trigger' } });
    const fired = (await ow.triggers.invoke({ name: 'client-trigger', params: { other: 'event' } })) as { activationId: string };
    expect(fired.activationId).toMatch(/^[0-9a-f]{32}$/);
    const record = await ow.activations.get({ name: fired.activationId });
    const caused = JSON.parse((record.logs as string[])[0]!) as { activationId: string };
    const action = await waitFor('the rule activation', () => ow.activations.get({ name: caused.activationId }).catch(() => undefined));
    expect(action.response!.result).toEqual({ from: 'trigger', other: 'event' });
    await ow.rules.disable({ name: 'client-rule' });
    expect((await ow.rules.get({ name: 'client-rule' })).status).toBe('inactive');
    const updated = await ow.rules.update({ name: 'client-rule', action: 'hello', trigger: 'client-trigger' });
    expect(updated.action.name).toBe('hello');
    expect((await statusOf(ow.rules.create({ name: 'client-rule-missing', action: 'nope', trigger: 'client-trigger' }))).status).toBe(404);
    await ow.triggers.delete({ name: 'client-trigger' });
    await ow.rules.delete({ name: 'client-rule' });
    expect((await statusOf(ow.triggers.get({ name: 'client-trigger' }))).status).toBe(404);
  });

  it('feeds.create binds a trigger to a topic of photon\'s bus; messages fire it in batches; get, update, delete', async () => {
    const topic = `${f.topics.health}.user-topic`;
    await f.bus.ensureTopics([topic]);
    await ow.triggers.create({ name: 'kafka-trigger' });
    await ow.rules.create({ name: 'kafka-rule', action: 'hello', trigger: 'kafka-trigger' });
    const created = await feeds.create({ name: '/whisk.system/messaging/kafkaFeed', trigger: 'kafka-trigger', params: { topic, isJSONData: true } });
    expect(created.response.success).toBe(true);
    await f.bus.publish(topic, [{ key: 'k', value: Buffer.from('{"n":1}') }, { value: Buffer.from('not json') }]);
    const batch = await waitFor('a trigger activation with both messages', async () => {
      const list = (await ow.activations.list({ name: 'kafka-trigger', docs: true } as never)) as unknown as FeedAnswer[];
      const messages = list.flatMap((a) => (a.response.result.messages as unknown[] | undefined) ?? []);
      // Newest activation first in the list: order the messages by offset.
      return messages.length >= 2 ? (messages as Array<{ offset: number }>).sort((a, b) => a.offset - b.offset) : undefined;
    });
    expect(batch).toEqual([
      { topic, partition: 0, offset: expect.any(Number), key: 'k', value: { n: 1 } },
      { topic, partition: 0, offset: expect.any(Number), key: null, value: 'not json' },
    ]);
    const read = await feeds.get({ name: '/whisk.system/messaging/kafkaFeed', trigger: 'kafka-trigger' });
    expect(read.response.result).toMatchObject({ config: { topic, isJSONData: true }, status: { active: true } });
    expect((await feeds.update({ name: '/whisk.system/messaging/kafkaFeed', trigger: 'kafka-trigger', params: { isBinaryValue: true } })).response.success).toBe(true);
    expect((await feeds.delete({ name: '/whisk.system/messaging/kafkaFeed', trigger: 'kafka-trigger' })).response.success).toBe(true);
    expect((await statusOf(feeds.get({ name: '/whisk.system/messaging/kafkaFeed', trigger: 'kafka-trigger' }))).status).toBe(404);
  });

  it('clear 4xx: unknown topic, bad cron; alarms without Redis answer 503', async () => {
    await ow.triggers.create({ name: 'feed-errors' });
    const unknown = await statusOf(feeds.create({ name: '/whisk.system/messaging/kafkaFeed', trigger: 'feed-errors', params: { topic: 'no-such-topic-anywhere' } }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain("topic 'no-such-topic-anywhere' does not exist");
    const cron = await statusOf(feeds.create({ name: '/whisk.system/alarms/alarm', trigger: 'feed-errors', params: { cron: '61 * * * *' } }));
    expect(cron.status).toBe(400);
    expect(cron.message).toContain('minute');
    const noRedis = await statusOf(feeds.create({ name: '/whisk.system/alarms/alarm', trigger: 'feed-errors', params: { cron: '*/8 * * * * *' } }));
    expect(noRedis.status).toBe(503);
    expect((await statusOf(feeds.create({ name: '/whisk.system/alarms/alarm', trigger: 'no-such-trigger', params: { cron: '* * * * *' } }))).status).toBe(404);
  });
});
