// The controller's settings: defaults that mirror OpenWhisk's, overridable per field in code and
// from PHOTON_* environment variables by the entry points.
import { DEFAULT_NAMESPACE_LIMITS, type NamespaceLimits } from '../shared/store/namespace-limits.js';

export interface ControllerConfig {
  /** Names this controller's completion topic and consumer groups; unique per controller. */
  controllerId: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Request and parameter payload limit in bytes (OpenWhisk's whisk.activation.payload.max). */
  payloadLimitBytes: number;
  /** Longest exec.code (text, or the base64 of an archive) an action may have: OpenWhisk's 48 MB. */
  codeLimitBytes: number;
  /** The whole request (headers and body) must arrive within this, else 408 (OpenWhisk: 90 s). */
  requestTimeoutMs: number;
  /** The request headers must arrive within this, else 408. */
  headersTimeoutMs: number;
  /** One JSON line per request on stdout (activation id, status, duration); off by default. */
  accessLog: boolean;
  /** Longest a blocking invoke waits before answering 202 (max-wait-for-blocking-activation). */
  blockingWaitMs: number;
  /** An invoker whose last heartbeat is older than this gets no work. */
  heartbeatStaleMs: number;
  /** Known invokers silent for this long are forgotten (and leave the hash ring). */
  invokerForgetMs: number;
  /** An invoker with more than 3 system errors or lost activations in its last 10 gets no work for this long. */
  invokerProbationMs: number;
  /** How many controllers share each invoker's memory (OpenWhisk divides userMemory by cluster size). */
  controllerShare: number;
  /** A completion missing this long past the action's timeout means the activation was lost. */
  completionGraceMs: number;
  /**
   * How long past an action's timeout its activation-scoped __OW_API_KEY keeps working (it must
   * outlive queueing at the invoker); undefined means completionGraceMs.
   */
  actionKeyGraceMs?: number;
  sweepIntervalMs: number;
  /** How long a successful key check is reused; 0 checks the store on every call. */
  authCacheMs: number;
  /** How long placement reuses a read of the warm-isolate registry per action (warm-read-cache.ts); 0 reads it per activation. */
  warmCacheMs: number;
  /** Throttles for namespaces that set none of their own. */
  namespaceLimits: Required<NamespaceLimits>;
  /** Kafka feeds: a batch fires at this many bytes, messages, or ms after its first message. */
  feedBatchMaxBytes: number;
  feedBatchMaxMessages: number;
  feedBatchMaxWaitMs: number;
  /** How often every controller re-reads the feed bindings (a feed created elsewhere starts here). */
  feedReconcileMs: number;
  /** Most atomic actions in a sequence (nested ones inlined), and the step budget of conductor actions (OpenWhisk's actionSequenceLimit, 50). */
  sequenceMaxLength: number;
  /** A controller that has not said it runs for this long is gone: other controllers take over its sequences and compositions. */
  compositionLeaseMs: number;
}

export const DEFAULT_CONTROLLER_CONFIG: Readonly<ControllerConfig> = Object.freeze({
  controllerId: 'controller0',
  host: '127.0.0.1',
  port: 3233,
  payloadLimitBytes: 1024 * 1024,
  codeLimitBytes: 48 * 1024 * 1024,
  blockingWaitMs: 60_000,
  requestTimeoutMs: 90_000,
  headersTimeoutMs: 60_000,
  accessLog: false,
  heartbeatStaleMs: 3_000,
  invokerForgetMs: 10 * 60_000,
  invokerProbationMs: 10_000,
  controllerShare: 1,
  // OpenWhisk waits timeout × 2 + 1 min before forcing a completion; photon's grace covers queueing
  // in the invoker's topic and a restarted invoker finishing the activation.
  completionGraceMs: 120_000,
  sweepIntervalMs: 1_000,
  authCacheMs: 2_000,
  warmCacheMs: 100,
  namespaceLimits: { ...DEFAULT_NAMESPACE_LIMITS },
  // OpenWhisk's Kafka provider: PAYLOAD_LIMIT 900000 bytes, about 2 s of polling per batch.
  feedBatchMaxBytes: 900_000,
  feedBatchMaxMessages: 500,
  feedBatchMaxWaitMs: 1_000,
  feedReconcileMs: 1_000,
  sequenceMaxLength: 50,
  compositionLeaseMs: 3_000,
});

export function resolveConfig(overrides: Partial<ControllerConfig> = {}): ControllerConfig {
  return {
    ...DEFAULT_CONTROLLER_CONFIG,
    ...overrides,
    namespaceLimits: { ...DEFAULT_CONTROLLER_CONFIG.namespaceLimits, ...(overrides.namespaceLimits ?? {}) },
  };
}

/** PHOTON_CONTROLLER_ID, PHOTON_CONTROLLER_HOST, PHOTON_CONTROLLER_PORT, PHOTON_BLOCKING_WAIT_MS, … */
/** Called by entry points only, with their process.env: library code reads no environment. */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<ControllerConfig> {
  const out: Partial<ControllerConfig> = {};
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
    return n;
  };
  if (env.PHOTON_CONTROLLER_ID) out.controllerId = env.PHOTON_CONTROLLER_ID;
  if (env.PHOTON_CONTROLLER_HOST) out.host = env.PHOTON_CONTROLLER_HOST;
  if (env.PHOTON_ACCESS_LOG) out.accessLog = /^(on|true|1)$/.test(env.PHOTON_ACCESS_LOG);
  const fields: Array<[keyof ControllerConfig, string]> = [
    ['port', 'PHOTON_CONTROLLER_PORT'],
    ['payloadLimitBytes', 'PHOTON_PAYLOAD_LIMIT_BYTES'],
    ['codeLimitBytes', 'PHOTON_CODE_LIMIT_BYTES'],
    ['blockingWaitMs', 'PHOTON_BLOCKING_WAIT_MS'],
    ['requestTimeoutMs', 'PHOTON_REQUEST_TIMEOUT_MS'],
    ['headersTimeoutMs', 'PHOTON_HEADERS_TIMEOUT_MS'],
    ['heartbeatStaleMs', 'PHOTON_HEARTBEAT_STALE_MS'],
    ['controllerShare', 'PHOTON_CONTROLLER_SHARE'],
    ['completionGraceMs', 'PHOTON_COMPLETION_GRACE_MS'],
    ['actionKeyGraceMs', 'PHOTON_ACTION_KEY_GRACE_MS'],
    ['authCacheMs', 'PHOTON_AUTH_CACHE_MS'],
    ['warmCacheMs', 'PHOTON_WARM_CACHE_MS'],
    ['feedBatchMaxBytes', 'PHOTON_FEED_BATCH_MAX_BYTES'],
    ['feedBatchMaxMessages', 'PHOTON_FEED_BATCH_MAX_MESSAGES'],
    ['feedBatchMaxWaitMs', 'PHOTON_FEED_BATCH_MAX_WAIT_MS'],
    ['feedReconcileMs', 'PHOTON_FEED_RECONCILE_MS'],
    ['sequenceMaxLength', 'PHOTON_SEQUENCE_MAX_LENGTH'],
    ['compositionLeaseMs', 'PHOTON_COMPOSITION_LEASE_MS'],
  ];
  for (const [field, name] of fields) {
    const n = num(name);
    if (n !== undefined) (out as Record<string, unknown>)[field] = n;
  }
  const perMinute = num('PHOTON_INVOCATIONS_PER_MINUTE');
  const concurrent = num('PHOTON_CONCURRENT_INVOCATIONS');
  const fires = num('PHOTON_FIRES_PER_MINUTE');
  if (perMinute !== undefined || concurrent !== undefined || fires !== undefined) {
    out.namespaceLimits = {
      invocationsPerMinute: perMinute ?? DEFAULT_NAMESPACE_LIMITS.invocationsPerMinute,
      concurrentInvocations: concurrent ?? DEFAULT_NAMESPACE_LIMITS.concurrentInvocations,
      firesPerMinute: fires ?? DEFAULT_NAMESPACE_LIMITS.firesPerMinute,
    };
  }
  return out;
}
