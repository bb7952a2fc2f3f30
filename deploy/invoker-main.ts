// Cluster-mode entry point for one invoker process: Kafka bus, Redis stores, settings from the
// environment (deploy/README.md has the table). SIGTERM/SIGINT drain it: no new work, running
// activations finish and commit, its registry entry and namespaces go. A failed start removes what
// it created (namespaces, veths, nft table) and is one line that names the variable to fix.
// First: stops a process started by the wrong Node before isolated-vm's addon loads.
import './require-node.js';
import { startTelemetry } from './telemetry.js';
import { stopOnSignals } from './stop-on-signals.js';
import { checkKafka, checkRedis } from './preflight.js';
import { startOrExplain } from './start-or-explain.js';
import { kafkaBusFactory } from '../shared/bus/kafka-client.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { topics } from '../shared/bus/topics.js';
import { createRedisStores } from '../shared/store/redis-stores.js';
import { startInvoker } from '../invoker/start-invoker.js';
import { DEFAULT_API_HOST_FOR_ACTIONS, invokerEnv } from './invoker-env.js';

const parts = await startOrExplain('photon invoker', async ({ undo }) => {
  const env = serviceEnv(process.env);
  const settings = invokerEnv(process.env);
  // Before any namespace exists: nothing to remove when the services are not there.
  await Promise.all([checkKafka(env.kafkaBrokers), checkRedis(env.redisUrl)]);
  const telemetry = await startTelemetry('photon-invoker');
  undo(telemetry);
  const stores = await createRedisStores({ url: env.redisUrl, prefix: env.redisPrefix, activationRetentionMs: env.activationRetentionMs });
  undo(stores);
  const bus = (await kafkaBusFactory(env.kafkaClient))({ brokers: env.kafkaBrokers, clientId: settings.invokerId });
  undo(bus);
  // startInvoker removes its own namespaces, veths and nft table when it fails part-way.
  const invoker = await startInvoker({ apiHost: DEFAULT_API_HOST_FOR_ACTIONS, ...settings, bus, stores, topics: topics(env.topicPrefix) });
  const ns = invoker.namespaces.stats();
  console.log(`photon invoker ${settings.invokerId} serving (user memory ${invoker.userMemoryMb} MB, isolates ${invoker.pool ? 'inline' : 'in sandbox processes'}, network isolation ${invoker.namespaces.isolation}, ${ns.free} namespaces cached; functions reach the API at ${invoker.apiHost}; Kafka ${env.kafkaBrokers.join(',')}, Redis ${env.redisUrl})`);
  return { settings, invoker, bus, stores, telemetry };
});

stopOnSignals(`photon invoker ${parts.settings.invokerId}`, 'draining', [parts.invoker, parts.bus, parts.stores, parts.telemetry]);
