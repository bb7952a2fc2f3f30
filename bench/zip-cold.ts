// The zip rows of bench:isolates alone (cold start of the npm zip with and without V8's code
// cache, warm call, RSS), network isolation off, so that a change to how archive modules are
// compiled can be measured in a minute: node --no-node-snapshot --expose-gc --import tsx bench/zip-cold.ts [samples]
import { createNamespaceCache } from '../native/namespace-cache.js';
import { builtinCodeCache } from '../invoker/isolate/builtin-code-cache.js';
import { zipRows } from './zip-actions.js';

declare const gc: () => void;
const samples = Number(process.argv[2] ?? 40);
const quiet = (): void => {};
const cache = createNamespaceCache({ invokerId: 'tzb', idBase: 60352, idCount: 64, floor: 4, ceiling: 32, isolation: 'off', log: quiet });
await cache.start();
const rssMb = (): number => process.memoryUsage.rss() / 1048576;
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
};
const pct = (xs: number[], p: number): string => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);
try {
  const r = await zipRows(cache, samples, settle, rssMb);
  console.log(`npm zip (${(r.zipBytes / 1048576).toFixed(1)} MB, ${r.modules} modules), ${samples} interleaved samples, isolation off`);
  console.log(`  cold, code cache:    p50 ${pct(r.coldCached, 50)} ms  p99 ${pct(r.coldCached, 99)} ms  init p50 ${pct(r.initCached, 50)} ms   goal ≤ 10 ms p50 (issue 19)`);
  console.log(`  cold, no code cache: p50 ${pct(r.coldUncached, 50)} ms  p99 ${pct(r.coldUncached, 99)} ms  init p50 ${pct(r.initUncached, 50)} ms`);
  console.log(`  Node ${process.version} itself, fresh process, NODE_COMPILE_CACHE: require + first main p50 ${pct(r.nodeFresh, 50)} ms (photon's cached cold start ×${(Number(pct(r.coldCached, 50)) / Number(pct(r.nodeFresh, 50))).toFixed(2)} of it, isolate creation included)`);
  console.log(`  warm p50 ${pct(r.warm, 50)} ms; RSS per warm isolate ${r.rssPerIsolateMb.toFixed(2)} MB; built-ins precompiled with code cache: ${builtinCodeCache.compiles.cached}`);
} finally {
  await cache.close();
}
