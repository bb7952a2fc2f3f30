// The controller service: REST API + load balancer over an injected MessageBus and Stores. The
// same function serves standalone mode (InProcessBus, memory stores) and cluster mode (Kafka,
// Redis); entry points (deploy/) decide which.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { MessageBus } from '../shared/bus/message-bus.js';
import { topics as defaultTopics, type Topics } from '../shared/bus/topics.js';
import { ensureGuest } from '../shared/store/guest.js';
import type { Stores } from '../shared/store/stores.js';
import { cachedWarmReads } from './warm-read-cache.js';
import { resolveConfig, type ControllerConfig } from './config.js';
import { ActionApiKeys } from './activation/action-api-key.js';
import { ActivationService } from './activation/activation-service.js';
import { CompositionEngine } from './compositions/composition-engine.js';
import { Entitlement } from './entitlement.js';
import { installSystemPackages } from './packages/system-installer.js';
import { ControllerMetrics } from './controller-metrics.js';
import { createApiServer } from './http-server.js';
import { IdentityCache } from './identity-cache.js';
import { LoadBalancer } from './load-balancer.js';
import { Throttler } from './throttler.js';
import type { AlarmScheduler } from './alarms/alarm-scheduler.js';
import { FeedService } from './triggers/feed-service.js';
import { KafkaFeedManager } from './triggers/kafka-feed-manager.js';
import { TriggerFirer } from './triggers/trigger-firer.js';
import { ApiGateway } from './web/api-gateway.js';
import { WebActions } from './web/web-actions.js';

export interface ControllerDeps {
  bus: MessageBus;
  stores: Stores;
  /** Topic names; default topics('') (entry points pass the cluster's prefix, PHOTON_TOPIC_PREFIX). */
  topics?: Topics;
  /** Schedules of the alarms feeds (BullMQ in cluster mode, in-process standalone); absent: alarms answer 503. */
  alarms?: AlarmScheduler;
  /** A bus on a user's Kafka brokers for Kafka feeds that name brokers; absent: only photon's own. */
  feedBus?: (brokers: string[]) => MessageBus;
}

export interface ControllerOptions extends Partial<ControllerConfig> {
  /** Create the guest namespace with OpenWhisk's well-known key at start (default true). */
  createGuest?: boolean;
  /** Install /whisk.system's packages (utils, samples, alarms, messaging) at start, idempotently (default true). */
  installSystemPackages?: boolean;
}

export interface RunningController {
  /** e.g. http://127.0.0.1:3233 — the openwhisk client's apihost. */
  url: string;
  port: number;
  config: ControllerConfig;
  balancer: LoadBalancer;
  /** Runs sequences and conductor actions; its counters say how many it took over. */
  compositions: CompositionEngine;
  /** Stops the HTTP server and the bus subscriptions; the bus and stores stay open (their owner closes them). */
  close(): Promise<void>;
}

export async function startController(deps: ControllerDeps, options: ControllerOptions = {}): Promise<RunningController> {
  const { createGuest = true, installSystemPackages: install = true, ...overrides } = options;
  const config = resolveConfig(overrides);
  if (createGuest) await ensureGuest(deps.stores.auth);
  if (install) await installSystemPackages(deps.stores);
  const metrics = new ControllerMetrics(config.controllerId, { accessLog: config.accessLog });
  // Consumer groups of Kafka feeds carry the cluster's topic prefix, like every other group.
  const topicNames = deps.topics ?? defaultTopics('');
  // Placement's reads of the warm registry (activation service and balancer) share one cache.
  const stores: Stores = { ...deps.stores, warm: cachedWarmReads(deps.stores.warm, config.warmCacheMs) };
  const balancer = new LoadBalancer({
    bus: metrics.metered(deps.bus, topicNames),
    activations: deps.stores.activations,
    warm: stores.warm,
    controllerId: config.controllerId,
    ...(deps.topics ? { topics: deps.topics } : {}),
    heartbeatStaleMs: config.heartbeatStaleMs,
    invokerForgetMs: config.invokerForgetMs,
    invokerProbationMs: config.invokerProbationMs,
    controllerShare: config.controllerShare,
    completionGraceMs: config.completionGraceMs,
    sweepIntervalMs: config.sweepIntervalMs,
  });
  await balancer.start();
  const throttler = new Throttler(deps.stores.throttles, config.namespaceLimits);
  const entitlement = new Entitlement(deps.stores.packages);
  const activations = new ActivationService({
    stores, balancer, throttler, entitlement, slotTtlMs: ActivationService.slotTtlMs(config.completionGraceMs, config.sweepIntervalMs),
    apiKeys: new ActionApiKeys(deps.stores.auth, config.actionKeyGraceMs ?? config.completionGraceMs),
  });
  const compositions = new CompositionEngine({
    stores: deps.stores, activations, controllerId: config.controllerId, maxLength: config.sequenceMaxLength,
    leaseMs: config.compositionLeaseMs, stepGraceMs: config.completionGraceMs,
  });
  activations.useCompositions(compositions);
  const identities = new IdentityCache(deps.stores.auth, config.authCacheMs);
  const firer = new TriggerFirer({ stores: deps.stores, activations, throttler });
  const kafka = new KafkaFeedManager({
    stores: deps.stores, firer, ownBus: deps.bus, ...(deps.feedBus ? { busFor: deps.feedBus } : {}),
    groupPrefix: topicNames.prefix,
    batch: { maxBytes: config.feedBatchMaxBytes, maxMessages: config.feedBatchMaxMessages, maxWaitMs: config.feedBatchMaxWaitMs },
    reconcileMs: config.feedReconcileMs,
  });
  const feeds = new FeedService({
    stores: deps.stores, firer, kafka, ...(deps.alarms ? { alarms: deps.alarms } : {}),
    usableInvokers: () => balancer.usableInvokers(),
    authenticate: async (apiKey) => {
      const cut = apiKey.indexOf(':');
      return cut > 0 ? identities.authenticate(apiKey.slice(0, cut), apiKey.slice(cut + 1)) : undefined;
    },
  });
  const gateway = new ApiGateway(deps.stores.apis);
  const web = new WebActions({
    stores: deps.stores, activations, identities, entitlement, payloadLimitBytes: config.payloadLimitBytes, blockingWaitMs: config.blockingWaitMs,
    ownerCacheMs: config.authCacheMs, native: gateway.actions(),
  });
  const server = createApiServer({ stores: deps.stores, balancer, activations, identities, entitlement, config, firer, feeds, web, gateway }, metrics);
  try {
    await compositions.startTakeover();
    await feeds.start();
    await listen(server, config.port, config.host);
  } catch (err) {
    compositions.close();
    firer.close();
    await feeds.close().catch(() => undefined);
    await balancer.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    config: { ...config, port },
    balancer,
    compositions,
    async close() {
      compositions.close();
      firer.close();
      await feeds.close();
      // No new connections from here (a proxy in front fails over); requests already in progress
      // go on. Then the balancer answers every waiting blocking call with 202, and those answers
      // must reach the client before the connections are cut: cutting at once answered none.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await balancer.close();
      const deadline = Date.now() + CLOSE_GRACE_MS;
      let done = false;
      void closed.then(() => { done = true; });
      while (!done && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 20));
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** How long a closing controller lets answered requests flush before it cuts their connections. */
const CLOSE_GRACE_MS = 2_000;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
