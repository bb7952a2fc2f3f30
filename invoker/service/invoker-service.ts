// An invoker as a service: consumes its own topic into the execution layer with back-pressure,
// heartbeats its capacity to every controller, keeps its warm-isolate registry entry current (pool
// events between heartbeats, a full replace with each), and
// drains on shutdown (stop taking work, finish what runs, commit, leave the registry).
import type { MessageBus, Subscription } from '../../shared/bus/message-bus.js';
import { TOPIC_RETENTION_MS, type Topics } from '../../shared/bus/topics.js';
import { HEARTBEAT_VERSION, encodeHeartbeat, type InvokerHeartbeat } from '../../shared/model/invoker-health.js';
import type { Stores } from '../../shared/store/stores.js';
import { ActivationHandler, type HandlerCounters } from './activation-handler.js';
import type { ActionRunner } from './action-runner.js';
import { InvokerMetrics } from './invoker-metrics.js';

export interface InvokerServiceOptions {
  invokerId: string;
  bus: MessageBus;
  topics: Topics;
  /** throttles: where the controllers hold concurrency slots; given, the invoker releases each with its record. */
  stores: Pick<Stores, 'actions' | 'activations' | 'warm'> & Partial<Pick<Stores, 'throttles'>>;
  runner: ActionRunner;
  /** Activations taken off the topic at once; beyond the runner's capacity they wait in its FIFO. */
  maxInFlight?: number;
  heartbeatMs?: number;
  /** See ActivationHandlerOptions.apiHost. */
  apiHost?: () => string | undefined;
}

export interface InvokerService {
  readonly invokerId: string;
  readonly counters: HandlerCounters;
  /** Stops taking work, waits for running activations, commits, and leaves the registry. */
  drain(): Promise<void>;
}

export async function startInvokerService(options: InvokerServiceOptions): Promise<InvokerService> {
  const { invokerId, bus, topics, stores, runner } = options;
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  // Entries outlive three missed heartbeats, then vanish without anyone deleting them.
  const registryTtlMs = heartbeatMs * 3;
  const topic = topics.invoker(invokerId);
  const metrics = new InvokerMetrics(invokerId, runner, () => bus.lag(topic, topic), bus.system);
  const handler = new ActivationHandler({ invokerId, bus, topics, actions: stores.actions, activations: stores.activations, ...(stores.throttles ? { throttles: stores.throttles } : {}), runner, metrics,
    ...(options.apiHost ? { apiHost: options.apiHost } : {}),
  });
  await bus.ensureTopics([topic], { retentionMs: TOPIC_RETENTION_MS.invoker });
  await bus.ensureTopics([topics.health], { retentionMs: TOPIC_RETENTION_MS.health });

  let accepting = true;
  const beat = async (): Promise<void> => {
    const stats = runner.stats();
    const heartbeat: InvokerHeartbeat = {
      v: HEARTBEAT_VERSION,
      invoker: invokerId,
      userMemory: stats.userMemory,
      busyMemory: stats.busyMemory,
      freeNamespaces: stats.freeNamespaces,
      at: Date.now(),
      accepting,
    };
    await Promise.all([
      bus.publish(topics.health, [{ key: invokerId, value: encodeHeartbeat(heartbeat) }]),
      accepting ? stores.warm.replace(invokerId, runner.warmSnapshot(), registryTtlMs) : Promise.resolve(),
    ]);
  };
  // Between heartbeats the registry follows the pool's events (coalesced by the runner), so a
  // controller sees a new warm isolate, or one going away, without waiting for the next beat.
  const stopWarm = runner.onWarmChange((changed) => {
    if (!accepting) return;
    for (const [key, counts] of Object.entries(changed)) {
      stores.warm.set(invokerId, key, counts ?? { revision: '', warm: 0, idle: 0, busy: 0 }, registryTtlMs)
        .catch((err: unknown) => console.error(`invoker ${invokerId}: warm registry update failed:`, err));
    }
  });
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    beat().catch((err: unknown) => console.error(`invoker ${invokerId}: heartbeat failed:`, err)).finally(() => { beating = false; });
  }, heartbeatMs);
  timer.unref();

  // OpenWhisk peeks 2 x its slots; photon does the same so the next activation is already
  // fetched when a slot frees, and the runner's FIFO absorbs the rest.
  const slots = Math.max(1, Math.floor(runner.stats().userMemory / 128));
  const subscription: Subscription = await bus.subscribe({
    topic,
    group: topic,
    maxInFlight: options.maxInFlight ?? slots * 2,
    fromBeginning: true,
    handle: (message) => handler.handle(message),
  });
  await beat();

  return {
    invokerId,
    counters: handler.counters,
    async drain() {
      accepting = false;
      stopWarm();
      await beat().catch(() => undefined);
      await subscription.close();
      clearInterval(timer);
      await stores.warm.remove(invokerId).catch(() => undefined);
    },
  };
}
