// Standalone photon (OpenWhisk's standalone/lean mode): controller and invoker in one process on
// the in-process bus and in-memory stores, behind the same interfaces as the cluster. Nothing to
// install but node_modules; state lives only as long as the process. The banner is printed only
// once an invocation would succeed (the controller sees the invoker); a failed start removes
// what it created and says in one line what to fix.
// First: stops a process started by the wrong Node before isolated-vm's addon loads.
import './require-node.js';
import { startTelemetry } from './telemetry.js';
import { stopOnSignals } from './stop-on-signals.js';
import { checkPort, StartupError } from './preflight.js';
import { startOrExplain } from './start-or-explain.js';
import { startController } from '../controller/controller.js';
import { configFromEnv, resolveConfig } from '../controller/config.js';
import { InProcessAlarmScheduler } from '../controller/alarms/in-process-alarm-scheduler.js';
import { startInvoker } from '../invoker/start-invoker.js';
import { InProcessBus } from '../shared/bus/in-process-bus.js';
import { kafkaBusFactory } from '../shared/bus/kafka-client.js';
import type { MessageBus } from '../shared/bus/message-bus.js';
import { createMemoryStores } from '../shared/store/memory-stores.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { GUEST_KEY, GUEST_UUID } from '../shared/store/guest.js';
import { invokerEnv } from './invoker-env.js';

/** Longest the controller may take to see the invoker's first heartbeat. */
const READY_TIMEOUT_MS = 30_000;

const parts = await startOrExplain('photon standalone', async ({ undo }) => {
  const overrides = { controllerId: 'standalone', ...configFromEnv(process.env) };
  const config = resolveConfig(overrides);
  const settings = invokerEnv({ PHOTON_INVOKER_ID: 'standalone0', PHOTON_NETNS_FLOOR: '8', ...process.env });
  // Before the invoker creates namespaces: a taken port is then nothing to clean up.
  await checkPort(config.host, config.port);
  const telemetry = await startTelemetry('photon-standalone');
  undo(telemetry);
  // Its consumers are the controller's and the invoker's own decoders: messages carry their objects, no bytes.
  const bus = new InProcessBus({ handOver: true });
  // Records are kept for the retention and within a size bound (PHOTON_ACTIVATION_MAX_BYTES).
  const { activationRetentionMs, activationMaxBytes, kafkaClient } = serviceEnv(process.env);
  const stores = createMemoryStores({ activationRetentionMs, activationMaxBytes });
  undo(stores);
  undo(bus);
  const invoker = await startInvoker({ ...settings, isolation: settings.isolation ?? 'auto', bus, stores });
  undo(invoker);
  // Kafka feeds can read a user's brokers; alarms run on an in-process scheduler (their schedules
  // live as long as the process, like everything else standalone keeps). The controller closes it.
  const kafkaBus = await kafkaBusFactory(kafkaClient);
  const feedBus = (brokers: string[]): MessageBus => kafkaBus({ brokers, clientId: 'standalone.feeds' });
  const alarms = new InProcessAlarmScheduler();
  const controller = await startController({ bus, stores, feedBus, alarms }, overrides);
  undo(controller);
  // Functions reach this controller (and nothing else of the host) through the egress policy;
  // PHOTON_API_HOST_FOR_ACTIONS names another URL for it (a proxy in front, say).
  // An explicit PHOTON_API_HOST_FOR_ACTIONS that cannot be used stops the start; the controller's
  // own URL that cannot (an IPv6 listen address) only costs the call-back, said once.
  if (settings.apiHost) await invoker.exposeApi(settings.apiHost);
  else await invoker.exposeApi(controller.url).catch((err: unknown) => console.error(`photon: actions cannot call the API back: ${err instanceof Error ? err.message : String(err)}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (controller.balancer.usableInvokers() === 0) {
    if (Date.now() > deadline) throw new StartupError(`the controller did not see the invoker within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { controller, invoker, bus, stores, telemetry };
});

const { controller, invoker } = parts;
const auth = `${GUEST_UUID}:${GUEST_KEY}`;
const api = controller.url;

console.log(`photon standalone is up.
  API host:  ${api}   (network isolation ${invoker.namespaces.isolation}, ${invoker.namespaces.stats().free} namespaces cached)
  guest key: ${auth}

Try it (another terminal):
  curl -s -u ${auth} -X PUT -H 'Content-Type: application/json' \\
    '${api}/api/v1/namespaces/_/actions/hello' \\
    -d '{"exec":{"kind":"nodejs:20","code":"function main(p) { return { greeting: \\"Hello, \\" + (p.name || \\"world\\") }; }"}}'
  curl -s -u ${auth} -X POST -H 'Content-Type: application/json' \\
    '${api}/api/v1/namespaces/_/actions/hello?blocking=true&result=true' -d '{"name":"photon"}'

or with the openwhisk npm client: apihost ${api}, api_key ${auth}.
Ctrl-C stops it.`);

stopOnSignals('photon standalone', 'stopping', [controller, invoker, parts.bus, parts.stores, parts.telemetry]);
