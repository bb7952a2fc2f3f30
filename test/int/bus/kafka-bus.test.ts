import { afterAll, beforeAll } from 'vitest';
import { KafkaBus } from '../../../shared/bus/kafka-bus.js';
import { busConformance } from '../../harness/bus-conformance.js';
import { testKafka, type TestKafka } from '../../harness/test-kafka.js';

let k: TestKafka;
const buses: KafkaBus[] = [];
beforeAll(async () => {
  k = await testKafka('kafka-bus');
});
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
  await k?.cleanup();
});

busConformance('kafka', () => {
  const bus = new KafkaBus({ brokers: k.brokers, clientId: `${k.prefix}bus` });
  buses.push(bus);
  return { bus: () => bus, topic: (name) => `${k.prefix}${name}-${Math.random().toString(36).slice(2, 8)}` };
});
