// How long a sandbox process takes from spawn to 'ready' (its pool started), started from source
// with tsx and from the bundled entry (build-builtins.ts bundleSandboxEntry), interleaved in the
// same run. Part of `npm run bench:isolates -- --hop` (root: real cgroups, setpriv, unshare).
import type { NamespaceCache } from '../native/contracts.js';
import { SANDBOX_ENTRIES, SandboxProcess, prepareSandboxEntry } from '../invoker/sandbox/sandbox-process.js';

async function startOnce(cache: NamespaceCache, entry: string, n: number): Promise<number> {
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
    onMessage: (m) => { if (m.t === 'ready') ready(); },
    onExit: () => undefined,
  });
  await isReady;
  const ms = performance.now() - t0;
  proc.send({ t: 'close' });
  await proc.exitedPromise;
  return ms;
}

export async function sandboxStartTimes(cache: NamespaceCache, rounds = 3): Promise<{ source: number[]; bundled: number[] }> {
  await prepareSandboxEntry((l) => { throw new Error(l); });
  const source: number[] = [];
  const bundled: number[] = [];
  for (let i = 0; i < rounds; i++) {
    source.push(await startOnce(cache, SANDBOX_ENTRIES.source, 2 * i));
    bundled.push(await startOnce(cache, SANDBOX_ENTRIES.bundled, 2 * i + 1));
  }
  return { source, bundled };
}
