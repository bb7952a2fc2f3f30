// Cluster-mode entry point for one invoker process: Kafka bus, Redis stores, settings from the
// environment (deploy/README.md has the table). SIGTERM/SIGINT drain it: no new work, running
// activations finish and commit, its registry entry and namespaces go.
import { startTelemetry } from './telemetry.js';
import { stopOnSignals } from './stop-on-signals.js';
import { KafkaBus } from '../shared/bus/kafka-bus.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { topics } from '../shared/bus/topics.js';
import { createRedisStores } from '../shared/store/redis-stores.js';
import { startInvoker } from '../invoker/start-invoker.js';
import { invokerEnv } from './invoker-env.js';

const telemetry = await startTelemetry('photon-invoker');
const env = serviceEnv(process.env);
const settings = invokerEnv(process.env);
const stores = await createRedisStores({ url: env.redisUrl, prefix: env.redisPrefix, activationRetentionMs: env.activationRetentionMs });
const bus = new KafkaBus({ brokers: env.kafkaBrokers, clientId: settings.invokerId });
const invoker = await startInvoker({ ...settings, bus, stores, topics: topics(env.topicPrefix) });
const ns = invoker.namespaces.stats();
console.log(`photon invoker ${settings.invokerId} serving (user memory ${invoker.userMemoryMb} MB, isolates ${invoker.pool ? 'inline' : 'in sandbox processes'}, network isolation ${invoker.namespaces.isolation}, ${ns.free} namespaces cached; Kafka ${env.kafkaBrokers.join(',')}, Redis ${env.redisUrl})`);

stopOnSignals(`photon invoker ${settings.invokerId}`, 'draining', [invoker, bus, stores, telemetry]);
