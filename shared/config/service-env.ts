// Where the shared services are, read from the environment under one set of names, so that every
// entry point (controller, invoker, admin CLI, deploy scripts) agrees on them.
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClient } from '../bus/kafka-client.js';
import { DEFAULT_ACTIVATION_MAX_BYTES, DEFAULT_ACTIVATION_RETENTION_MS } from '../store/stores.js';

export interface ServiceEnv {
  /** PHOTON_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379 */
  redisUrl: string;
  /** PHOTON_REDIS_PREFIX, else 'photon:' — every store key starts with it */
  redisPrefix: string;
  /** PHOTON_KAFKA_BROKERS, else KAFKA_BROKERS (comma-separated), else 127.0.0.1:9092 */
  kafkaBrokers: string[];
  /** PHOTON_KAFKA_CLIENT: 'kafkajs' or 'platformatic' (@platformatic/kafka), else DEFAULT_KAFKA_CLIENT */
  kafkaClient: KafkaClient;
  /** PHOTON_ACTIVATION_RETENTION_MS, else a week */
  activationRetentionMs: number;
  /** PHOTON_ACTIVATION_MAX_BYTES, else 256 MiB — standalone's in-memory records only */
  activationMaxBytes: number;
  /** PHOTON_TOPIC_PREFIX, else '' — every bus topic and consumer group starts with it */
  topicPrefix: string;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return value;
}

function kafkaClient(raw: string | undefined): KafkaClient {
  if (raw === undefined || raw === '') return DEFAULT_KAFKA_CLIENT;
  const found = KAFKA_CLIENTS.find((c) => c === raw);
  if (!found) throw new Error(`PHOTON_KAFKA_CLIENT must be one of ${KAFKA_CLIENTS.join(', ')}, got '${raw}'`);
  return found;
}

/** Called by entry points only, with their process.env: library code reads no environment. */
export function serviceEnv(env: NodeJS.ProcessEnv): ServiceEnv {
  return {
    redisUrl: env.PHOTON_REDIS_URL || env.REDIS_URL || 'redis://127.0.0.1:6379',
    redisPrefix: env.PHOTON_REDIS_PREFIX ?? 'photon:',
    kafkaBrokers: (env.PHOTON_KAFKA_BROKERS || env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaClient: kafkaClient(env.PHOTON_KAFKA_CLIENT),
    activationRetentionMs: positive(env, 'PHOTON_ACTIVATION_RETENTION_MS', DEFAULT_ACTIVATION_RETENTION_MS),
    activationMaxBytes: positive(env, 'PHOTON_ACTIVATION_MAX_BYTES', DEFAULT_ACTIVATION_MAX_BYTES),
    topicPrefix: env.PHOTON_TOPIC_PREFIX ?? '',
  };
}
