// Topic names, one place: controllers and invokers must agree on them. A prefix (entry points
// read PHOTON_TOPIC_PREFIX, shared/config/service-env.ts) lets several photon clusters, or
// parallel tests, share one broker; it is passed in, never read here.

export interface Topics {
  /** Activations for one invoker (OpenWhisk: invoker{N}); its consumer group has the same name. */
  invoker(invokerId: string): string;
  /** Completions for one controller (OpenWhisk: completed{N}). */
  completed(controllerId: string): string;
  /** Heartbeats of every invoker, read by every controller (OpenWhisk: health). */
  readonly health: string;
  /** The prefix every name starts with: consumer groups of the cluster (e.g. Kafka feeds) carry it too. */
  readonly prefix: string;
}

/** OpenWhisk's retention per topic (application.conf): activations 48 h, completions and health 1 h. */
export const TOPIC_RETENTION_MS = Object.freeze({ invoker: 48 * 3600_000, completed: 3600_000, health: 3600_000 });

export function topics(prefix: string): Topics {
  return {
    prefix,
    invoker: (id) => `${prefix}photon.invoker.${id}`,
    completed: (id) => `${prefix}photon.completed.${id}`,
    health: `${prefix}photon.health`,
  };
}
