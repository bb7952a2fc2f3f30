// Which Kafka client the cluster's bus uses (issue #18): kafkajs (kafka-bus.ts) or
// @platformatic/kafka (platformatic-kafka-bus.ts). Entry points read PHOTON_KAFKA_CLIENT
// (shared/config/service-env.ts) and pass the choice here; nothing else names a client.
import type { MessageBus } from './message-bus.js';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus.js';
import { PlatformaticKafkaBus } from './platformatic-kafka-bus.js';

export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClient = (typeof KAFKA_CLIENTS)[number];
export const DEFAULT_KAFKA_CLIENT: KafkaClient = 'kafkajs';

/** A MessageBus over Kafka with the chosen client; both satisfy the same conformance suite. */
export function kafkaBus(client: KafkaClient, options: KafkaBusOptions): MessageBus {
  return client === 'platformatic' ? new PlatformaticKafkaBus(options) : new KafkaBus(options);
}
