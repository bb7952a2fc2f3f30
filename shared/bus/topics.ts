// Topic names, one place: controllers and invokers must agree on them. A prefix
// (PHOTON_TOPIC_PREFIX) lets several photon clusters, or parallel tests, share one broker.

export interface Topics {
  /** Activations for one invoker (OpenWhisk: invoker{N}); its consumer group has the same name. */
  invoker(invokerId: string): string;
  /** Completions for one controller (OpenWhisk: completed{N}). */
  completed(controllerId: string): string;
  /** Heartbeats of every invoker, read by every controller (OpenWhisk: health). */
  readonly health: string;
}

/** OpenWhisk's retention per topic (application.conf): activations 48 h, completions and health 1 h. */
export const TOPIC_RETENTION_MS = Object.freeze({ invoker: 48 * 3600_000, completed: 3600_000, health: 3600_000 });

export function topics(prefix = process.env.PHOTON_TOPIC_PREFIX ?? ''): Topics {
  return {
    invoker: (id) => `${prefix}photon.invoker.${id}`,
    completed: (id) => `${prefix}photon.completed.${id}`,
    health: `${prefix}photon.health`,
  };
}
