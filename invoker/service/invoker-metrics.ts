// The invoker's OpenTelemetry metrics: activations by status, wait/init/run latency, isolate
// starts by kind, and gauges for warm isolates, free namespaces and the bus lag (photon.kafka.lag on Kafka). Instruments come
// from @opentelemetry/api, so without a metrics SDK (the default) they cost a no-op call.
import { createNoopMeter, metrics, type Counter, type Histogram } from '@opentelemetry/api';
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import { ATTR } from '../../shared/tracing/attributes.js';
import type { ActionRunner } from './action-runner.js';

export class InvokerMetrics {
  readonly #activations: Counter;
  readonly #starts: Counter;
  readonly #wait: Histogram;
  readonly #init: Histogram;
  readonly #run: Histogram;
  readonly #invoker: string;
  /** Whether a metrics SDK was registered first: without one every instrument is the API's shared no-op. */
  readonly #counting: boolean;

  /** busSystem names the lag gauge after the bus: photon.kafka.lag on Kafka. */
  constructor(invokerId: string, runner: ActionRunner, lag: () => Promise<number>, busSystem: string) {
    this.#invoker = invokerId;
    const meter = metrics.getMeter('photon');
    const attrs = { [ATTR.invoker]: invokerId };
    this.#activations = meter.createCounter('photon.activations', { description: 'Activations recorded, by status' });
    this.#starts = meter.createCounter('photon.isolate.starts', { description: 'Activations by how their isolate was had: warm, prewarm or cold' });
    this.#wait = meter.createHistogram('photon.activation.wait', { unit: 'ms', description: 'From the controller accepting the activation to its init or run starting' });
    this.#init = meter.createHistogram('photon.activation.init', { unit: 'ms', description: 'Isolate init (compile and top level) for non-warm starts' });
    this.#run = meter.createHistogram('photon.activation.run', { unit: 'ms', description: 'The function run itself' });
    this.#counting = this.#activations !== createNoopMeter().createCounter('photon.activations');
    meter.createObservableGauge('photon.isolates.warm', { description: 'Warm isolates held by the invoker' }).addCallback((r) => {
      let warm = 0;
      for (const c of Object.values(runner.warmSnapshot())) warm += c.warm;
      r.observe(warm, attrs);
    });
    meter.createObservableGauge('photon.netns.free', { description: 'Free network namespaces in the invoker cache' }).addCallback((r) => {
      r.observe(runner.stats().freeNamespaces, attrs);
    });
    meter.createObservableGauge(`photon.${busSystem}.lag`, { description: "Activations on the invoker's topic not yet acknowledged" }).addCallback(async (r) => {
      try {
        r.observe(await lag(), attrs);
      } catch {
        // A broker that does not answer now reports nothing rather than a wrong 0.
      }
    });
  }

  recorded(record: ActivationRecord): void {
    // No-op instruments: skip the annotation lookups, attribute objects and closure of every activation.
    if (!this.#counting) return;
    const note = (key: string): unknown => record.annotations.find((a) => a.key === key)?.value;
    const attrs = { [ATTR.invoker]: this.#invoker, [ATTR.status]: record.response.status };
    this.#activations.add(1, attrs);
    const start = note('isolateStart');
    if (typeof start === 'string') this.#starts.add(1, { [ATTR.invoker]: this.#invoker, [ATTR.isolateStart]: start });
    const wait = note('waitTime');
    if (typeof wait === 'number') this.#wait.record(wait, { [ATTR.invoker]: this.#invoker });
    const init = note('initTime');
    if (typeof init === 'number') this.#init.record(init, { [ATTR.invoker]: this.#invoker });
    this.#run.record(Math.max(0, record.duration - (typeof init === 'number' ? init : 0)), attrs);
  }
}
