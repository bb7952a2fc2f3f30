import { afterAll, beforeAll } from 'vitest';
import { KAFKA_CLIENTS, kafkaBusFactory } from '../../../shared/bus/kafka-client.js';
import type { MessageBus } from '../../../shared/bus/message-bus.js';
import { busConformance } from '../../harness/bus-conformance.js';
import { testKafka, type TestKafka } from '../../harness/test-kafka.js';

let k: TestKafka;
const buses: MessageBus[] = [];
const factories = new Map(await Promise.all(KAFKA_CLIENTS.map(async (c) => [c, await kafkaBusFactory(c)] as const)));
beforeAll(async () => {
  k = await testKafka('kafka-bus');
});
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
  await k?.cleanup();
});

// Both clients (issue #18) pass the one conformance suite: the default can be either.
for (const client of KAFKA_CLIENTS) {
  busConformance(`kafka (${client})`, () => {
    const bus = factories.get(client)!({ brokers: k.brokers, clientId: `${k.prefix}bus-${client}` });
    buses.push(bus);
    return { bus: () => bus, topic: (name) => `${k.prefix}${name}-${Math.random().toString(36).slice(2, 8)}`, marksFirstDelivery: true };
  });
}
