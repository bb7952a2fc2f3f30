// Standalone photon (OpenWhisk's standalone/lean mode): controller and invoker in one process on
// the in-process bus and in-memory stores, behind the same interfaces as the cluster. Nothing to
// install but node_modules; state lives only as long as the process.
// First: stops a process started by the wrong Node before isolated-vm's addon loads.
import './require-node.js';
import { startTelemetry } from './telemetry.js';
import { stopOnSignals } from './stop-on-signals.js';
import { startController } from '../controller/controller.js';
import { configFromEnv } from '../controller/config.js';
import { InProcessAlarmScheduler } from '../controller/alarms/in-process-alarm-scheduler.js';
import { startInvoker } from '../invoker/start-invoker.js';
import { InProcessBus } from '../shared/bus/in-process-bus.js';
import { KafkaBus } from '../shared/bus/kafka-bus.js';
import { createMemoryStores } from '../shared/store/memory-stores.js';
import { serviceEnv } from '../shared/config/service-env.js';
import { GUEST_KEY, GUEST_UUID } from '../shared/store/guest.js';
import { invokerEnv } from './invoker-env.js';

const telemetry = await startTelemetry('photon-standalone');
const bus = new InProcessBus();
// Records are kept for the retention and within a size bound (PHOTON_ACTIVATION_MAX_BYTES).
const { activationRetentionMs, activationMaxBytes } = serviceEnv(process.env);
const stores = createMemoryStores({ activationRetentionMs, activationMaxBytes });
const settings = invokerEnv({ PHOTON_INVOKER_ID: 'standalone0', PHOTON_NETNS_FLOOR: '8', ...process.env });
const invoker = await startInvoker({
  ...settings,
  isolation: settings.isolation ?? 'auto',
  bus,
  stores,
});
// Kafka feeds can read a user's brokers; alarms run on an in-process scheduler (their schedules
// live as long as the process, like everything else standalone keeps).
const feedBus = (brokers: string[]): KafkaBus => new KafkaBus({ brokers, clientId: 'standalone.feeds' });
const alarms = new InProcessAlarmScheduler();
const controller = await startController({ bus, stores, feedBus, alarms }, { controllerId: 'standalone', ...configFromEnv(process.env) });
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

stopOnSignals('photon standalone', 'stopping', [controller, invoker, bus, stores, telemetry]);
