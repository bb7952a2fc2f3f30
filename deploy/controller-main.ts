// Cluster-mode entry point for one controller process: Kafka bus, Redis stores, settings from
// PHOTON_* variables (deploy/README.md has the table). SIGTERM/SIGINT: waiting blocking calls
// answer 202 with their activation id, then the process exits.
// First: stops a process started by the wrong Node before isolated-vm's addon loads.
import './require-node.js';
import { startTelemetry } from './telemetry.js';
import { stopOnSignals } from './stop-on-signals.js';
import { KafkaBus } from '../shared/bus/kafka-bus.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { topics } from '../shared/bus/topics.js';
import { createRedisStores } from '../shared/store/redis-stores.js';
import { configFromEnv, resolveConfig } from '../controller/config.js';
import { startController } from '../controller/controller.js';
import { BullmqAlarmScheduler } from '../controller/alarms/bullmq-alarm-scheduler.js';

const telemetry = await startTelemetry('photon-controller');
const overrides = configFromEnv(process.env);
const config = resolveConfig(overrides);
const env = serviceEnv(process.env);
const stores = await createRedisStores({ url: env.redisUrl, prefix: env.redisPrefix, activationRetentionMs: env.activationRetentionMs });
const bus = new KafkaBus({ brokers: env.kafkaBrokers, clientId: config.controllerId });
// Alarms live in the cluster's Redis (BullMQ); Kafka feeds naming their own brokers get a bus of their own.
const alarms = new BullmqAlarmScheduler({ redisUrl: env.redisUrl, prefix: env.redisPrefix });
const feedBus = (brokers: string[]): KafkaBus => new KafkaBus({ brokers, clientId: `${config.controllerId}.feeds` });
const controller = await startController({ bus, stores, alarms, feedBus, topics: topics(env.topicPrefix) }, overrides);
console.log(`photon controller ${config.controllerId} listening on ${controller.url} (Kafka ${env.kafkaBrokers.join(',')}, Redis ${env.redisUrl})`);

stopOnSignals(`photon controller ${config.controllerId}`, 'stopping', [controller, bus, stores, telemetry]);
