// The hop benches' common rig (hop-affinity.ts, hop-threads.ts): one namespace cache, an inline
// IsolatePool and one sandbox process, and the same warm hello world through each.
import type { ActivationOutcome } from '../invoker/pool/activation-outcome.js';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import { SandboxRunner } from '../invoker/sandbox/sandbox-runner.js';
import { createNamespaceCache } from '../native/namespace-cache.js';
import { HELLO, benchAction } from './isolate-workloads.js';

export interface HopRig {
  inline(): Promise<ActivationOutcome>;
  viaSandbox(): Promise<ActivationOutcome>;
  /** Throws unless `o` is a warm success: a cold or failed call would measure something else. */
  check(o: ActivationOutcome): void;
  /** The sandbox process's pid. */
  sandboxPid: number;
  close(): Promise<void>;
}

/** `invokerId` names the pools and cgroups; `idBase` is the first of 64 namespace ids the rig uses. */
export async function startHopRig(invokerId: string, idBase: number): Promise<HopRig> {
  const quiet = (): void => undefined;
  const cache = createNamespaceCache({ invokerId, idBase, idCount: 64, floor: 8, ceiling: 32, isolation: 'on', log: quiet });
  await cache.start();
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, idPrefix: `${invokerId}-i` });
  const runner = new SandboxRunner({ invokerId, namespaces: cache, count: 1, prewarm: { count: 0, memoryMb: 128 }, log: quiet });
  await runner.start();
  const a = benchAction('hop', HELLO);
  const id = (): string => Math.random().toString(16).slice(2).padEnd(32, '0');
  return {
    inline: () => pool.run(a, { name: 'x' }, { activationId: id(), namespace: 'bench', actionName: '/bench/hop' }),
    viaSandbox: () => runner.run({ action: a, params: { name: 'x' }, activationId: id(), namespace: 'guest', deadline: Date.now() + a.limits.timeout }),
    check: (o) => {
      if (o.response.status !== 'success' || o.startKind !== 'warm') throw new Error(`not a warm success: ${o.response.status} ${o.startKind}`);
    },
    sandboxPid: runner.pids()[0]!,
    close: async () => {
      await pool.close();
      await runner.close();
      await cache.close();
    },
  };
}
