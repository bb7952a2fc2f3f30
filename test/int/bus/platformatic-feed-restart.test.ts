// A broker restart that outlasts @platformatic/kafka's own retries ends the consumer's stream; the
// feed must then start a new consumer in its group and go on (shared/bus/platformatic-kafka-bus.ts,
// #restart). The library's retries are cut to 1 here so that an ordinary restart outlasts them:
// without the feed's restart, the message published after the restart is never delivered.
import { afterAll, expect, it } from 'vitest';
import { PlatformaticKafkaBus } from '../../../shared/bus/platformatic-kafka-bus.js';
import type { Subscription } from '../../../shared/bus/message-bus.js';
import { privateKafka, type PrivateKafka } from '../../harness/private-kafka.js';
import { waitFor } from '../../harness/wait-for.js';

let kafka: PrivateKafka | undefined;
let bus: PlatformaticKafkaBus | undefined;
let sub: Subscription | undefined;
afterAll(async () => {
  await sub?.close().catch(() => undefined);
  await bus?.close().catch(() => undefined);
  await kafka?.down();
}, 120_000);

it('a platformatic feed whose stream failed in a broker restart starts again and delivers what follows', async () => {
  kafka = await privateKafka(19144);
  bus = new PlatformaticKafkaBus({ brokers: kafka.brokers, clientId: 'pltrestart', consumerRetries: 1 });
  await bus.ensureTopics(['pltrestart']);
  const seen: string[] = [];
  sub = await bus.subscribe({ topic: 'pltrestart', group: 'pltrestart', maxInFlight: 4, fromBeginning: true, handle: async (m) => { seen.push(m.value.toString()); } });
  await bus.publish('pltrestart', [{ value: Buffer.from('before') }]);
  await waitFor('the message before the restart', () => seen.includes('before'), { timeoutMs: 30_000 });
  await kafka.restart();
  await bus.publish('pltrestart', [{ value: Buffer.from('after') }]);
  await waitFor('the message after the restart', () => seen.includes('after'), { timeoutMs: 60_000 }).catch(() => undefined);
  expect(seen).toContain('after');
}, 240_000);
