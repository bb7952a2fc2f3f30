// Where the real services for int/e2e tests are: env first (KAFKA_BROKERS, REDIS_URL), then the
// local ones that deploy/local/kafka.sh and redis.sh start.

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}
