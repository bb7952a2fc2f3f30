// Cluster-mode entry point for one controller process: Kafka bus, Redis stores, settings from
// PHOTON_* variables (deploy/README.md has the table). SIGTERM/SIGINT: waiting blocking calls
// answer 202 with their activation id, then the process exits. A failed start is one line that
// names the variable to fix (start-or-explain.ts).
// First: stops a process started by the wrong Node before isolated-vm's addon loads.
import './require-node.js';
import { startTelemetry } from './telemetry.js';
import { stopOnSignals } from './stop-on-signals.js';
import { checkKafka, checkPort, checkRedis } from './preflight.js';
import { startOrExplain } from './start-or-explain.js';
import { kafkaBusFactory } from '../shared/bus/kafka-client.js';
import type { MessageBus } from '../shared/bus/message-bus.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { topics } from '../shared/bus/topics.js';
import { createRedisStores } from '../shared/store/redis-stores.js';
import { configFromEnv, resolveConfig } from '../controller/config.js';
import { startController } from '../controller/controller.js';
import { BullmqAlarmScheduler } from '../controller/alarms/bullmq-alarm-scheduler.js';

const parts = await startOrExplain('photon controller', async ({ undo }) => {
  const overrides = configFromEnv(process.env);
  const config = resolveConfig(overrides);
  const env = serviceEnv(process.env);
  await Promise.all([checkKafka(env.kafkaBrokers), checkRedis(env.redisUrl), checkPort(config.host, config.port)]);
  const telemetry = await startTelemetry('photon-controller');
  undo(telemetry);
  const stores = await createRedisStores({ url: env.redisUrl, prefix: env.redisPrefix, activationRetentionMs: env.activationRetentionMs, cacheActions: true });
  undo(stores);
  const kafkaBus = await kafkaBusFactory(env.kafkaClient);
  const bus = kafkaBus({ brokers: env.kafkaBrokers, clientId: config.controllerId });
  undo(bus);
  // Alarms live in the cluster's Redis (BullMQ); Kafka feeds naming their own brokers get a bus of their own.
  const alarms = new BullmqAlarmScheduler({ redisUrl: env.redisUrl, prefix: env.redisPrefix });
  const feedBus = (brokers: string[]): MessageBus => kafkaBus({ brokers, clientId: `${config.controllerId}.feeds` });
  const controller = await startController({ bus, stores, alarms, feedBus, topics: topics(env.topicPrefix) }, overrides);
  console.log(`photon controller ${config.controllerId} listening on ${controller.url} (Kafka ${env.kafkaBrokers.join(',')}, Redis ${env.redisUrl}); ready once ${controller.url}/invokers/ready answers 200`);
  return { config, controller, bus, stores, telemetry };
});

stopOnSignals(`photon controller ${parts.config.controllerId}`, 'stopping', [parts.controller, parts.bus, parts.stores, parts.telemetry]);
