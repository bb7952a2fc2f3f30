// What an IsolatePool is configured with and what it reports (invoker/README.md, "Isolate pool").
import type { NamespaceCache } from '../../native/index.js';
import type { NamespaceNetwork } from '../host-apis/namespace-network.js';
import type { ActionPackages } from '../code/action-packages.js';
import type { LayerSnapshotMode } from './layer-choice.js';

export interface IsolatePoolOptions {
  namespaces: NamespaceCache;
  /** Where host APIs get their sockets (a sandbox process: from its supervisor). Default: `namespaces.sockets` in this process. */
  network?: NamespaceNetwork;
  /** MB of isolate memory limits the pool may hold, prewarms included (OpenWhisk's userMemory). Default 2048. */
  userMemoryMb?: number;
  /**
   * Blank isolates kept ready, each bound to a namespace (OpenWhisk's stem cells). Default 2 × 256 MB, up to 4.
   * With `max` above `count` the pool is reactive (OpenWhisk's reactive prewarm): each cold start
   * of that memory size raises the target by one, up to `max`; a sweep without such cold starts
   * lowers it by one, down to `count`, disposing a surplus prewarm.
   */
  prewarm?: { count: number; memoryMb: number; max?: number };
  /** An idle warm isolate is disposed after this long unused. Default 10 min. */
  keepAliveMs?: number;
  /** How often keep-alive and memory pressure are checked. Default min(keepAlive / 10, 30 s), at least 50 ms. */
  sweepIntervalMs?: number;
  /** When process RSS is above this many MB, each sweep evicts idle isolates in greedy-dual order. */
  rssHighWaterMb?: number;
  /** Result size limit in bytes (OpenWhisk whisk.activation.payload.max). Default 1 MB. */
  resultLimitBytes?: number;
  /** Activations waiting for capacity beyond this answer a whisk internal error. Default unbounded. */
  maxQueued?: number;
  /** Benchmark baseline only: a namespace per activation instead of per isolate (see PooledIsolate). */
  namespacePerActivation?: boolean;
  /**
   * Which isolates start from the built-in layer's startup snapshot (when the process has one):
   * 'auto' (default) those of actions that use the layer and half the prewarms (layer-choice.ts);
   * 'always' / 'never': benchmark and test baselines.
   */
  layerSnapshot?: LayerSnapshotMode;
  /** Prefix of isolate ids, e.g. the invoker id. */
  idPrefix?: string;
  /** An illegal lifecycle transition throws (tests) instead of being reported as an `error` event. */
  strictLifecycle?: boolean;
  /** Where archive actions are unpacked (once per revision); default one of the pool's own, with V8 code cache. */
  packages?: ActionPackages;
  /**
   * A sandbox's pool (its supervisor decides): when an activation runs to its time limit while more
   * of its tenant's are queued, that tenant's queue is held (nothing of it placed) until resume()
   * (tenant-holds.ts). Default false: nobody would lift the hold.
   */
  holdAfterTimeout?: boolean;
}

export interface PoolStats {
  isolates: number;
  warm: number;
  prewarm: number;
  starting: number;
  inFlight: number;
  queued: number;
  usedMemoryMb: number;
  userMemoryMb: number;
}

/** An idle-or-busy warm isolate as the warm-isolate registry needs it. */
export interface WarmIsolateInfo {
  isolateId: string;
  actionKey: string;
  /** The warm registry's key (shared/store/warm-registry.ts warmKey): actionKey without the revision. */
  warmKey: string;
  /** The action's owner namespace, name and revision. */
  action: { namespace: string; name: string; revision: string };
  namespaceId: number | null;
  inFlight: number;
  concurrency: number;
}
