// bench:isolates rows for archive actions: a zip of real npm packages (test/harness/npm-zip.ts:
// dayjs + validator + lodash + zod, about 1 MB of JavaScript actually required, npm-installed at
// bench time) — cold start of a new isolate with and without V8's code cache (samples interleaved,
// so load on the shared machine hits both alike), beside Node itself loading the same project in a
// fresh process with its compile cache (the peer: what running these packages' top-level code
// costs natively), the warm call, and RSS per warm isolate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { IsolatePool } from '../invoker/pool/isolate-pool.js';
import { ActionPackages, packageKey } from '../invoker/code/action-packages.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../shared/archive/action-archive.js';
import type { ActivationOutcome } from '../invoker/pool/activation-outcome.js';
import type { NamespaceCache } from '../native/contracts.js';
import type { Action } from '../shared/model/action.js';
import { NPM_MAIN, npmProject, zipFolder } from '../test/harness/npm-zip.js';
import { benchAction } from './isolate-workloads.js';

export interface ZipRows {
  zipBytes: number;
  modules: number;
  coldCached: number[];
  coldUncached: number[];
  initCached: number[];
  initUncached: number[];
  warm: number[];
  /** The peer: Node itself requiring the same project and calling main once, in a fresh process with its compile cache. */
  nodeFresh: number[];
  rssPerIsolateMb: number;
  isolates: number;
}

const PARAMS = { name: 'Ada', email: 'ada@example.com' };
let seq = 0;
const activation = (a: Action, ns = 'bench'): { activationId: string; namespace: string; actionName: string } => ({
  activationId: (++seq).toString(16).padStart(32, '0'),
  namespace: ns,
  actionName: `/bench/${a.name}`,
});
function check(o: ActivationOutcome, what: string): void {
  if (o.response.status !== 'success') throw new Error(`${what}: ${o.response.status} ${JSON.stringify(o.response.result)}`);
}

/** One cold start in a fresh pool over `packages` (which a holder keeps unpacked between samples). */
async function coldOnce(cache: NamespaceCache, packages: ActionPackages, action: Action, tag: string, before?: () => Promise<void>): Promise<{ total: number; init: number }> {
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, userMemoryMb: 1 << 30, idPrefix: tag, packages });
  try {
    const t = performance.now();
    const o = await pool.run(action, PARAMS, activation(action));
    const total = performance.now() - t;
    check(o, 'zip cold start');
    if (o.startKind !== 'cold') throw new Error(`expected a cold start, got ${o.startKind}`);
    // The first isolate produces the cache data after its load: keep it until that is done.
    await before?.();
    return { total, init: o.initTime ?? 0 };
  } finally {
    await pool.close();
  }
}

export async function zipRows(cache: NamespaceCache, samples: number, settle: () => Promise<void>, rssMb: () => number): Promise<ZipRows> {
  const project = npmProject(NPM_MAIN);
  const zip = zipFolder(project);
  const compileCache = mkdtempSync(`${tmpdir()}/photon-node-cc-`);
  // Timed inside the child from before the require to after main: what a cold start has to do
  // beyond starting the runtime, done by Node itself (its process start is not counted).
  const nodeProbe = `const t = performance.now(); require(${JSON.stringify(`${project}/index.js`)}).main(${JSON.stringify(PARAMS)}); console.log(performance.now() - t)`;
  const nodeOnce = (): number => Number(execFileSync(process.execPath, ['-e', nodeProbe], { env: { ...process.env, NODE_COMPILE_CACHE: compileCache } }).toString());
  nodeOnce(); // fills Node's compile cache, as the first isolate fills photon's
  const action: Action = { ...benchAction('zipdeps', zip.toString('base64')), exec: { kind: 'nodejs:20', code: zip.toString('base64'), binary: true } };
  const withCache = new ActionPackages(DEFAULT_ARCHIVE_LIMITS, true);
  const without = new ActionPackages(DEFAULT_ARCHIVE_LIMITS, false);
  // Holders: the revision stays unpacked (and its code cache kept) across the per-sample pools.
  const key = packageKey(action);
  const held = [await withCache.acquire(key, action.exec.code), await without.acquire(key, action.exec.code)];
  if (!held.every((p) => p.ok)) throw new Error('the benchmark zip could not be unpacked');
  const primed = held[0]!;
  await coldOnce(cache, withCache, action, 'tzc-prime', async () => {
    if (primed.ok) await primed.files.codeCacheWork;
  }); // produces the code cache
  const modules = (await withCache.compiles()).uncached;
  const rows: ZipRows = { zipBytes: zip.length, modules, coldCached: [], coldUncached: [], initCached: [], initUncached: [], warm: [], nodeFresh: [], rssPerIsolateMb: 0, isolates: 0 };
  for (let i = 0; i < samples; i++) {
    const order: [ActionPackages, number[], number[]][] = [[withCache, rows.coldCached, rows.initCached], [without, rows.coldUncached, rows.initUncached]];
    if (i % 2 === 1) order.reverse();
    for (const [packages, total, init] of order) {
      const s = await coldOnce(cache, packages, action, `tzc${i}`);
      total.push(s.total);
      init.push(s.init);
    }
    rows.nodeFresh.push(nodeOnce());
  }
  if ((await withCache.compiles()).rejected > 0) throw new Error('V8 rejected photon-produced code cache data');
  // Warm calls and RSS per warm isolate: one pool, an isolate per invoking namespace.
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, userMemoryMb: 1 << 30, idPrefix: 'tzw', packages: withCache });
  try {
    for (let i = 0; i < 200; i++) check(await pool.run(action, PARAMS, activation(action)), 'zip warm-up');
    for (let i = 0; i < samples * 20; i++) {
      const t = performance.now();
      const o = await pool.run(action, PARAMS, activation(action));
      rows.warm.push(performance.now() - t);
      if (o.startKind !== 'warm') throw new Error('expected a warm start');
    }
    const n = Math.min(50, samples);
    await settle();
    const before = rssMb();
    for (let i = 0; i < n; i++) check(await pool.run(action, PARAMS, activation(action, `dense${i}`)), 'zip density');
    await settle();
    rows.rssPerIsolateMb = (rssMb() - before) / n;
    rows.isolates = n;
  } finally {
    await pool.close();
    withCache.release(key);
    without.release(key);
  }
  return rows;
}
