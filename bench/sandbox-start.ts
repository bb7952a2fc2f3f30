// How long a sandbox process takes from spawn to 'ready' (its pool started), started from source
// with tsx, from the bundled entry (build-builtins.ts bundleSandboxEntry) with the supervisor's
// layer snapshot (the default), and bundled building its own snapshot, interleaved in the same run. Part of `npm run bench:isolates -- --hop` (root: real cgroups, setpriv, unshare).
import type { NamespaceCache } from '../native/contracts.js';
import { SANDBOX_ENTRIES, SandboxProcess, prepareSandboxEntry } from '../invoker/sandbox/sandbox-process.js';

async function startOnce(cache: NamespaceCache, entry: string, n: number, ownSnapshot = false): Promise<number> {
  const t0 = performance.now();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => { ready = r; });
  const proc = new SandboxProcess({
    config: { id: `tibs-${n}`, userMemoryMb: 256, isolation: cache.isolation, prewarm: { count: 0, memoryMb: 128 } },
    cgroupName: `photon-tibs-sb-${process.pid}-${n}`,
    namespaces: cache,
    memoryLimitMb: 768,
    pidsLimit: 256,
    entry,
    ...(ownSnapshot ? { layerSnapshotEnv: {} } : {}),
    onMessage: (m) => { if (m.t === 'ready') ready(); },
    onExit: () => undefined,
  });
  await isReady;
  const ms = performance.now() - t0;
  proc.send({ t: 'close' });
  await proc.exitedPromise;
  return ms;
}

/** `source`: with tsx (its own snapshot); `bundled`: with the supervisor's snapshot; `bundledOwn`: bundled, building its own. */
export async function sandboxStartTimes(cache: NamespaceCache, rounds = 3, withSource = true): Promise<{ source: number[]; bundled: number[]; bundledOwn: number[] }> {
  await prepareSandboxEntry((l) => { throw new Error(l); });
  const source: number[] = [];
  const bundled: number[] = [];
  const bundledOwn: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (withSource) source.push(await startOnce(cache, SANDBOX_ENTRIES.source, 3 * i, true));
    bundled.push(await startOnce(cache, SANDBOX_ENTRIES.bundled, 3 * i + 1));
    bundledOwn.push(await startOnce(cache, SANDBOX_ENTRIES.bundled, 3 * i + 2, true));
  }
  return { source, bundled, bundledOwn };
}
