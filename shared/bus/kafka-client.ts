// Which Kafka client the cluster's bus uses (issue #18): kafkajs (kafka-bus.ts) or
// @platformatic/kafka (platformatic-kafka-bus.ts). Entry points read PHOTON_KAFKA_CLIENT
// (shared/config/service-env.ts) and pass the choice here; nothing else names a client.
import type { MessageBus } from './message-bus.js';
import type { KafkaBusOptions } from './kafka-bus.js';

export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClient = (typeof KAFKA_CLIENTS)[number];
export const DEFAULT_KAFKA_CLIENT: KafkaClient = 'platformatic';

/**
 * The constructor of a MessageBus over Kafka with the chosen client; both satisfy the same
 * conformance suite. Only the chosen client is loaded: importing @platformatic/kafka costs about
 * 0.5 s here (kafkajs ~60 ms), which a process that does not use it must not pay at start.
 */
export async function kafkaBusFactory(client: KafkaClient): Promise<(options: KafkaBusOptions) => MessageBus> {
  if (client === 'platformatic') {
    const { PlatformaticKafkaBus } = await import('./platformatic-kafka-bus.js');
    return (options) => new PlatformaticKafkaBus(options);
  }
  const { KafkaBus } = await import('./kafka-bus.js');
  return (options) => new KafkaBus(options);
}

/**
 * Whether an error comes from either Kafka client (kafkajs names its errors Kafka…/KafkaJS…;
 * @platformatic/kafka gives them a PLT_KFK_… code), so that an entry point can say "Kafka did not
 * answer" without knowing the clients.
 */
export function isKafkaClientError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return /^Kafka|^KafkaJS/.test(err.name) || (typeof code === 'string' && code.startsWith('PLT_KFK_'));
}
