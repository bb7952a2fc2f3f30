// One invoker, assembled: a namespace cache filled to its floor, an isolate pool over it, and the
// service that feeds it from the bus. Used by the cluster entry point and standalone mode alike.
import { DEFAULT_ID_COUNT, createNamespaceCache, defaultIdBase, effectiveCapabilities, invokerTag, missingCapabilities, uncachedNamespaces, type NamespaceCache } from '../native/index.js';
import type { MessageBus } from '../shared/bus/message-bus.js';
import { topics as defaultTopics, type Topics } from '../shared/bus/topics.js';
import type { Stores } from '../shared/store/stores.js';
import { IsolatePool } from './pool/isolate-pool.js';
import { PoolActionRunner } from './pool/pool-action-runner.js';
import { startInvokerService, type InvokerService } from './service/invoker-service.js';
import type { ActionRunner } from './service/action-runner.js';
import { SandboxRunner } from './sandbox/sandbox-runner.js';
import { ApiHost } from './api-host.js';

export interface InvokerOptions {
  invokerId: string;
  bus: MessageBus;
  /** throttles: where the controllers hold concurrency slots; given, the invoker releases each with its record. */
  stores: Pick<Stores, 'actions' | 'activations' | 'warm'> & Partial<Pick<Stores, 'throttles'>>;
  topics?: Topics;
  /**
   * 'on' fails at start without CAP_SYS_ADMIN/CAP_NET_ADMIN; 'off' runs functions without network
   * isolation (said loudly); 'auto' (standalone mode) is 'on' where the privileges allow it and
   * 'off', said loudly, where they do not. Default 'on' (entry points parse PHOTON_NETWORK_ISOLATION).
   */
  isolation?: 'on' | 'off' | 'auto';
  /** MB of isolate memory (OpenWhisk's userMemory). Default 2048. */
  userMemoryMb?: number;
  /** Namespace cache floor and ceiling (thesis: 40 / 800). */
  namespaceFloor?: number;
  namespaceCeiling?: number;
  /** Masquerade function traffic to the outside (off by default). */
  nat?: boolean;
  /** First address id and size of this invoker's block (default: derived from its id). */
  namespaceIdBase?: number;
  namespaceIdCount?: number;
  /** Benchmark baseline only (the thesis's "no cache"): a new namespace for every activation. */
  namespacePerActivation?: boolean;
  heartbeatMs?: number;
  /**
   * Where isolates run: 'inline' in this process, or 'process': this invoker becomes a supervisor
   * of `sandboxes` unprivileged sandbox processes that it can kill (invoker/sandbox/). Entry points
   * parse PHOTON_SANDBOX, whose default is 'process'; unset here (programmatic callers, in-process
   * tests) it is 'inline'.
   */
  sandbox?: 'inline' | 'process';
  /** Sandbox processes for ordinary placement (default 2). */
  sandboxes?: number;
  /**
   * Where the controller's API is, as this host reaches it (e.g. http://127.0.0.1:3233): exposed
   * to functions before the invoker takes work (__OW_API_HOST). Standalone calls exposeApi() once
   * its controller listens instead. Entry points parse PHOTON_API_HOST_FOR_ACTIONS.
   */
  apiHost?: string;
  /** Largest result an activation may return, in bytes (inline mode; default 1 MiB, OpenWhisk's). */
  resultLimitBytes?: number;
}

export interface RunningInvoker {
  readonly service: InvokerService;
  /** The isolate pool of this process; null when isolates run in sandbox processes. */
  readonly pool: IsolatePool | null;
  readonly runner: ActionRunner;
  /** MB of isolate memory this invoker offers (OpenWhisk's userMemory). */
  readonly userMemoryMb: number;
  readonly namespaces: NamespaceCache;
  /** Opens the controller's API at `url` to functions and gives them __OW_API_HOST from then on; answers the URL they see. */
  exposeApi(url: string): Promise<string>;
  /** The URL functions see as __OW_API_HOST; undefined until the API is exposed. */
  readonly apiHost: string | undefined;
  /** Graceful: stop taking work, finish running activations, commit, leave the registry, delete namespaces. */
  close(): Promise<void>;
}

/** The thesis's "no cache" baseline: a namespace created and deleted around every activation. */
function uncached(options: InvokerOptions): NamespaceCache {
  const tag = invokerTag(options.invokerId);
  const count = options.namespaceIdCount ?? DEFAULT_ID_COUNT;
  console.error(`photon: invoker ${options.invokerId} creates a network namespace per activation (benchmark baseline, no egress policy)`);
  return uncachedNamespaces(tag, options.namespaceIdBase ?? defaultIdBase(tag, count), count);
}

export async function startInvoker(options: InvokerOptions): Promise<RunningInvoker> {
  let isolation = options.isolation;
  if (isolation === 'auto') {
    const missing = missingCapabilities(effectiveCapabilities());
    isolation = missing.length === 0 ? 'on' : 'off';
    if (isolation === 'off') console.error(`photon: WARNING: this process lacks ${missing.join(' and ')}, so functions run WITHOUT network isolation (run as root for isolation).`);
  }
  const namespaces = options.namespacePerActivation && isolation !== 'off' ? uncached(options) : createNamespaceCache({
    invokerId: options.invokerId,
    ...(isolation ? { isolation } : {}),
    ...(options.namespaceFloor !== undefined ? { floor: options.namespaceFloor } : {}),
    ...(options.namespaceCeiling !== undefined ? { ceiling: options.namespaceCeiling } : {}),
    ...(options.nat !== undefined ? { nat: options.nat } : {}),
    ...(options.namespaceIdBase !== undefined ? { idBase: options.namespaceIdBase } : {}),
    ...(options.namespaceIdCount !== undefined ? { idCount: options.namespaceIdCount } : {}),
    // No exit hooks: they would delete namespaces under running activations on SIGTERM, which
    // close() below does only after the drain.
    exitHooks: false,
  });
  // The floor is filled before the invoker takes any work (thesis Algorithm 4.3).
  await namespaces.start();
  const execution = options.sandbox === 'process' ? supervised(options, namespaces) : inline(options, namespaces);
  const api = new ApiHost(namespaces);
  try {
    await execution.start();
    if (options.apiHost !== undefined) await api.expose(options.apiHost);
    const service = await startInvokerService({
      invokerId: options.invokerId,
      bus: options.bus,
      topics: options.topics ?? defaultTopics(''),
      stores: options.stores,
      runner: execution.runner,
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      apiHost: () => api.url,
    });
    return {
      service,
      pool: execution.pool,
      runner: execution.runner,
      userMemoryMb: execution.userMemoryMb(),
      namespaces,
      exposeApi: (url) => api.expose(url),
      get apiHost() {
        return api.url;
      },
      async close() {
        // In process mode this is bounded even with a wedged sandbox: every activation settles by
        // its time limit + grace (its sandbox is killed then), and the runner kills a sandbox that
        // does not exit in 5 s.
        await service.drain();
        await execution.close();
        await namespaces.close();
      },
    };
  } catch (err) {
    await execution.close().catch(() => undefined);
    await namespaces.close().catch(() => undefined);
    throw err;
  }
}

/** Where the isolates run, behind the one ActionRunner the service feeds. */
interface Execution {
  readonly runner: ActionRunner;
  readonly pool: IsolatePool | null;
  start(): Promise<void>;
  userMemoryMb(): number;
  close(): Promise<void>;
}

/** Inline mode: the isolate pool lives in this process. */
function inline(options: InvokerOptions, namespaces: NamespaceCache): Execution {
  const pool = new IsolatePool({
    namespaces,
    idPrefix: options.invokerId,
    ...(options.userMemoryMb !== undefined ? { userMemoryMb: options.userMemoryMb } : {}),
    ...(options.namespacePerActivation ? { namespacePerActivation: true } : {}),
    ...(options.resultLimitBytes !== undefined ? { resultLimitBytes: options.resultLimitBytes } : {}),
  });
  return {
    runner: new PoolActionRunner(pool, namespaces),
    pool,
    start: () => pool.start(),
    userMemoryMb: () => pool.stats().userMemoryMb,
    close: () => pool.close(),
  };
}

/** Process mode: this invoker supervises sandbox processes that run the isolates (invoker/sandbox/). */
function supervised(options: InvokerOptions, namespaces: NamespaceCache): Execution {
  const runner = new SandboxRunner({
    invokerId: options.invokerId,
    namespaces,
    ...(options.sandboxes !== undefined ? { count: options.sandboxes } : {}),
    ...(options.userMemoryMb !== undefined ? { userMemoryMb: options.userMemoryMb } : {}),
  });
  return {
    runner,
    pool: null,
    start: () => runner.start(),
    userMemoryMb: () => runner.stats().userMemory,
    close: () => runner.close(),
  };
}
