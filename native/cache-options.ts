// Options of createNamespaceCache and their defaults (thesis: floor 40, ceiling 800, 60 s idle).
import { DEFAULT_ID_COUNT, defaultIdBase, invokerTag } from './naming.js';
import type { Clock } from './namespace-pool.js';
import { systemClock } from './namespace-pool.js';

export interface NamespaceCacheOptions {
  /** Owner of the namespaces; its tag (<= 6 chars, see invokerTag) is in every name. */
  invokerId: string;
  /** Free namespaces kept ready and created by start() before it resolves. Default 40. */
  floor?: number;
  /** Most namespaces kept (free + leased). Default 800. */
  ceiling?: number;
  /** Free namespaces idle longer than this are deleted, down to the floor. Default 60 s. */
  keepAliveMs?: number;
  /** How often the janitor runs. Default min(keepAliveMs, 10 s). */
  janitorIntervalMs?: number;
  /** Default: PHOTON_NETWORK_ISOLATION, else 'on'. */
  isolation?: 'on' | 'off';
  /** Masquerade function traffic to the outside. Default false: no way out. */
  nat?: boolean;
  /** First address id of this invoker's block. Default: derived from the tag (see defaultIdBase). */
  idBase?: number;
  /** Size of the address id block. Default 1024; must be >= ceiling. */
  idCount?: number;
  /**
   * The thesis's disable/enable: veths down while a namespace sits free, up when acquired.
   * Default false, measured in bench/netns.ts: it adds a netlink round trip to every acquire.
   */
  disableIdle?: boolean;
  /**
   * Where namespaces are created: 'worker' (default) keeps the ~2 ms creations off the event
   * loop; 'main' creates them synchronously on the calling thread (also the fallback when the
   * worker cannot start).
   */
  creationThread?: 'worker' | 'main';
  /**
   * Install SIGTERM/SIGINT/exit handlers that delete everything this cache owns. Default false.
   * A process with its own graceful SIGTERM drain should leave this off and call close() last:
   * the signal hooks delete namespaces at once, even under running activations.
   */
  exitHooks?: boolean;
  /** Where diagnostics go. Default console.error. */
  log?: (line: string) => void;
  /** For tests of the janitor. */
  clock?: Clock;
}

export interface ResolvedCacheOptions {
  invokerId: string;
  tag: string;
  floor: number;
  ceiling: number;
  keepAliveMs: number;
  janitorIntervalMs: number;
  isolation: 'on' | 'off';
  nat: boolean;
  idBase: number;
  idCount: number;
  disableIdle: boolean;
  creationThread: 'worker' | 'main';
  exitHooks: boolean;
  log: (line: string) => void;
  clock: Clock;
}

/** Library code reads no environment: PHOTON_NETWORK_ISOLATION is parsed by the entry points (shared/config/network-isolation.ts) and arrives as `isolation`. */
export function resolveCacheOptions(o: NamespaceCacheOptions): ResolvedCacheOptions {
  if (!o.invokerId) throw new Error('invokerId is required');
  const tag = invokerTag(o.invokerId);
  const floor = o.floor ?? 40;
  const ceiling = o.ceiling ?? 800;
  const keepAliveMs = o.keepAliveMs ?? 60_000;
  const idCount = o.idCount ?? Math.max(DEFAULT_ID_COUNT, ceiling);
  const idBase = o.idBase ?? defaultIdBase(tag, idCount);
  if (ceiling > idCount) throw new RangeError(`ceiling ${ceiling} exceeds the address id block (${idCount})`);
  return {
    invokerId: o.invokerId,
    tag,
    floor,
    ceiling,
    keepAliveMs,
    janitorIntervalMs: o.janitorIntervalMs ?? Math.min(keepAliveMs, 10_000),
    isolation: o.isolation ?? 'on',
    nat: o.nat ?? false,
    idBase,
    idCount,
    disableIdle: o.disableIdle ?? false,
    creationThread: o.creationThread ?? 'worker',
    exitHooks: o.exitHooks ?? false,
    log: o.log ?? ((line) => console.error(line)),
    clock: o.clock ?? systemClock,
  };
}
