// Proves the harness against the real broker: what a producer writes, with headers, a consumer
// group reads back unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafka, type TestKafka } from '../../harness/test-kafka.js';
import { withDeadline } from '../../harness/wait-for.js';

describe('kafka harness', () => {
  let k: TestKafka;
  beforeAll(async () => {
    k = await testKafka('harness-kafka');
  });
  afterAll(async () => {
    await k?.cleanup();
  });

  it('round-trips a message with headers through a consumer group', async () => {
    const topic = await k.topic('round-trip', 2);
    const producer = k.kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'a1', value: JSON.stringify({ hello: 'world' }), headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-n': '1' } }],
    });
    await producer.disconnect();

    const consumer = k.kafka.consumer({ groupId: `${k.prefix}group`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await withDeadline('the message to come back', new Promise<{ key?: string; value: string; headers: Record<string, string> }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [name, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[name] = v.toString();
          resolve({ key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
        },
      });
    }), 30_000);
    await consumer.disconnect();

    expect(received.key).toBe('a1');
    expect(JSON.parse(received.value)).toEqual({ hello: 'world' });
    expect(received.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(received.headers['x-n']).toBe('1');
  });
});
