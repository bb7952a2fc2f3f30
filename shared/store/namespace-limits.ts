// Per-namespace throttles (OpenWhisk's invocationsPerMinute / concurrentInvocations, §2.4).

export interface NamespaceLimits {
  invocationsPerMinute?: number;
  concurrentInvocations?: number;
  /** Trigger fires per minute (OpenWhisk's firesPerMinute). */
  firesPerMinute?: number;
}

/** docs/reference.md's defaults; the ansible deployment uses 60 / 30. */
export const DEFAULT_NAMESPACE_LIMITS: Readonly<Required<NamespaceLimits>> = Object.freeze({
  invocationsPerMinute: 120,
  concurrentInvocations: 100,
  firesPerMinute: 60,
});
