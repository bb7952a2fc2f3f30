// `deploy/local/cluster.sh down --purge`: removes what a stopped cluster left in the shared
// services — its Redis keys (PHOTON_REDIS_PREFIX), its Kafka topics (PHOTON_TOPIC_PREFIX +
// photon.) and its consumer groups (the same prefix, and each controller's id from
// PHOTON_PURGE_CONTROLLERS, comma-separated). Never run it against a cluster that is up.
import { KafkaBus } from '../shared/bus/kafka-bus.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { purgeRedisPrefix } from '../shared/store/redis-purge.js';
import { checkKafka, checkRedis } from './preflight.js';
import { startOrExplain } from './start-or-explain.js';

await startOrExplain('photon purge', async () => {
  const env = serviceEnv(process.env);
  await Promise.all([checkKafka(env.kafkaBrokers), checkRedis(env.redisUrl)]);
  const topicPrefix = `${env.topicPrefix}photon.`;
  const controllers = (process.env.PHOTON_PURGE_CONTROLLERS ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  const keys = await purgeRedisPrefix(env.redisUrl, env.redisPrefix);
  const bus = new KafkaBus({ brokers: env.kafkaBrokers, clientId: 'photon-purge' });
  try {
    const { topics, groups } = await bus.purge(topicPrefix, [topicPrefix, ...controllers.map((c) => `${c}.`)]);
    console.log(`purged ${keys} Redis keys under '${env.redisPrefix}', ${topics.length} topics '${topicPrefix}*', ${groups.length} consumer groups`);
  } finally {
    await bus.close();
  }
});
