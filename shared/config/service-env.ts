// Where the shared services are, read from the environment under one set of names, so that every
// entry point (controller, invoker, admin CLI, deploy scripts) agrees on them.
import { DEFAULT_ACTIVATION_MAX_BYTES, DEFAULT_ACTIVATION_RETENTION_MS } from '../store/stores.js';

export interface ServiceEnv {
  /** PHOTON_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379 */
  redisUrl: string;
  /** PHOTON_REDIS_PREFIX, else 'photon:' — every store key starts with it */
  redisPrefix: string;
  /** PHOTON_KAFKA_BROKERS, else KAFKA_BROKERS (comma-separated), else 127.0.0.1:9092 */
  kafkaBrokers: string[];
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

/** Called by entry points only, with their process.env: library code reads no environment. */
export function serviceEnv(env: NodeJS.ProcessEnv): ServiceEnv {
  return {
    redisUrl: env.PHOTON_REDIS_URL || env.REDIS_URL || 'redis://127.0.0.1:6379',
    redisPrefix: env.PHOTON_REDIS_PREFIX ?? 'photon:',
    kafkaBrokers: (env.PHOTON_KAFKA_BROKERS || env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    activationRetentionMs: positive(env, 'PHOTON_ACTIVATION_RETENTION_MS', DEFAULT_ACTIVATION_RETENTION_MS),
    activationMaxBytes: positive(env, 'PHOTON_ACTIVATION_MAX_BYTES', DEFAULT_ACTIVATION_MAX_BYTES),
    topicPrefix: env.PHOTON_TOPIC_PREFIX ?? '',
  };
}
