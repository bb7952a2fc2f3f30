// Throttle counters shared by every controller: invocations per minute and activations in flight,
// per namespace (OpenWhisk's RateThrottler and ActivationThrottler, §2.4).

export interface ThrottleDecision {
  allowed: boolean;
  /** The count the decision was made on, including this request when it was allowed. */
  count: number;
}

// Contract:
// - countInvocation() counts one invocation in the namespace's current minute (a fixed window
//   aligned to the wall-clock minute) and allows it if the count, this one included, is within
//   limit. Rejected invocations are not counted.
// - acquireConcurrent() adds activationId to the namespace's in-flight set if the set is smaller
//   than limit; re-acquiring an id already held is allowed and does not count twice. Every entry
//   expires after ttlMs even if never released, so a controller that dies leaks nothing for long.
// - releaseConcurrent() removes the id; releasing an unknown id is a no-op answering false.
// - Both are atomic across controllers sharing the store.
export interface ThrottleStore {
  countInvocation(namespace: string, limit: number): Promise<ThrottleDecision>;
  acquireConcurrent(namespace: string, activationId: string, limit: number, ttlMs: number): Promise<ThrottleDecision>;
  releaseConcurrent(namespace: string, activationId: string): Promise<boolean>;
  concurrent(namespace: string): Promise<number>;
}
