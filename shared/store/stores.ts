// Every store photon keeps, as one bundle: what a controller or invoker is given at construction.
import type { ActionStore } from './action-store.js';
import type { ActivationStore } from './activation-store.js';
import type { AuthStore } from './auth-store.js';
import type { EntityStore } from './entity-store.js';
import type { FeedStore } from './feed-store.js';
import type { GatewayApi } from '../model/gateway-api.js';
import type { Package } from '../model/package.js';
import type { ProgressStore } from './progress-store.js';
import type { Rule, Trigger } from '../model/trigger.js';
import type { ThrottleStore } from './throttle-store.js';
import type { WarmRegistry } from './warm-registry.js';

export interface Stores {
  auth: AuthStore;
  actions: ActionStore;
  activations: ActivationStore;
  warm: WarmRegistry;
  throttles: ThrottleStore;
  triggers: EntityStore<Trigger>;
  rules: EntityStore<Rule>;
  /** Packages and bindings; the actions of package `p` are stored under the namespace `ns/p`. */
  packages: EntityStore<Package>;
  feeds: FeedStore;
  /** Progress of sequences and conductor actions in flight (controller only). */
  progress: ProgressStore;
  /** API gateway routes (`wsk api`): one swagger document per namespace and base path (the entity's name). */
  apis: EntityStore<GatewayApi>;
  /** Releases connections; the stores must not be used afterwards. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** How long activation records are kept; OpenWhisk keeps them until an operator purges. */
  activationRetentionMs?: number;
  /**
   * In-memory stores only: the most bytes of activation records kept (estimated as their JSON
   * size); the oldest go first past it. Redis is bounded by the retention's TTLs instead.
   */
  activationMaxBytes?: number;
}

/** 256 MiB of records in a standalone process: at full speed a week's retention alone is unbounded. */
export const DEFAULT_ACTIVATION_MAX_BYTES = 256 * 1024 * 1024;

/** A week: long enough to debug, short enough that Redis does not grow without bound. */
export const DEFAULT_ACTIVATION_RETENTION_MS = 7 * 24 * 3600 * 1000;
