// bench:peers' printout: every column's figures, its CPU per request by process, the goals of
// issue 18 for photon standalone and photon cluster as met or by how much not, and every photon
// column's figures as a ratio to each peer and floor.

/** A figure at each of the three client concurrencies. */
export interface ByConcurrency { c1: number; c16: number; c64: number }

export interface PeerRow {
  label: string;
  /** Median requests per second over the rounds' windows. */
  rate: ByConcurrency;
  /** CPU (µs) per request of all the target's processes, over all the windows at that concurrency. */
  cpuUs: ByConcurrency;
  /** The same by process (controller, invoker, sandboxes...). */
  byProcess: Map<string, ByConcurrency>;
  /** Median of the rounds' p50 at c=1, and the p99 of every c=1 request (ms). */
  p50: number;
  p99: number;
  /** µs per request at c=16 by process/thread name (BENCH_THREADS=1). */
  threads: Map<string, number>;
}

export interface PeerReportContext {
  standalone: string;
  /** The cluster's label, when it ran. */
  cluster?: string;
  /** Traced columns' label prefix (the traced standalone, its alt, traced baselines). */
  traced: string;
  /** Baseline columns: checkout dir → label. */
  baselines: Array<[string, string]>;
  /** "N OTLP batches received over M connections". */
  sinkNote: string;
  threads: boolean;
}

const CS = ['c1', 'c16', 'c64'] as const;
const n0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–');
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');
const verdict = (ok: boolean, by: string): string => (ok ? 'met' : `not met, ${by}`);
const over = (x: number, goal: number): string => verdict(x <= goal, `${(x / goal).toFixed(2)}× the goal`);
const under = (x: number, goal: number): string => verdict(x >= goal, `${(x / goal * 100).toFixed(0)}% of the goal`);

export function printPeerReport(rows: PeerRow[], ctx: PeerReportContext): void {
  const by = new Map(rows.map((r) => [r.label, r]));
  const w = Math.max(28, ...rows.map((r) => r.label.length));
  console.log(`\n  ${'target'.padEnd(w)} ${'c=1 /s'.padStart(7)} ${'c=16 /s'.padStart(8)} ${'c=64 /s'.padStart(8)}   CPU µs/req c=1 ${'c=16'.padStart(5)} ${'c=64'.padStart(5)}   ${'p50 c=1'.padStart(9)} ${'p99 c=1'.padStart(9)}`);
  for (const r of rows) {
    console.log(`  ${r.label.padEnd(w)} ${n0(r.rate.c1).padStart(7)} ${n0(r.rate.c16).padStart(8)} ${n0(r.rate.c64).padStart(8)}   ${' '.repeat(10)}${n0(r.cpuUs.c1).padStart(5)} ${n0(r.cpuUs.c16).padStart(5)} ${n0(r.cpuUs.c64).padStart(5)}   ${r.p50.toFixed(3).padStart(6)} ms ${r.p99.toFixed(3).padStart(6)} ms`);
  }
  console.log('  (c=1: the latency runs, one request after the other. CPU: time on CPU of every thread of the target\'s processes (schedstat) over that concurrency\'s windows, per request, background work in them included (a cluster\'s heartbeats and idle Kafka fetches weigh most at c=1); the client\'s own CPU is not counted)');

  console.log('\n  CPU per request by process (µs at c=1 / c=16 / c=64):');
  for (const r of rows) {
    const parts = [...r.byProcess].filter(([, v]) => v.c16 > 0.5 || v.c1 > 0.5 || v.c64 > 0.5).map(([name, v]) => `${name} ${CS.map((c) => n0(v[c])).join(' / ')}`);
    console.log(`    ${r.label.padEnd(w)} ${parts.join('   ')}`);
  }
  if (ctx.threads) {
    console.log('\n  µs per request at c=16 by thread, from /proc/<pid>/stat (a main-thread --cpu-prof sees only `main`; V8\'s GC and compiler helpers run on `V8Worker` in Node, `V8 DefaultWorke` in workerd):');
    for (const r of rows) {
      const parts = [...r.threads].filter(([, us]) => us >= 0.5).sort((a, b) => b[1] - a[1]).map(([name, us]) => `${name} ${us.toFixed(0)}`);
      console.log(`    ${r.label.padEnd(w)} ${parts.join(', ')}`);
    }
  }

  const p = by.get(ctx.standalone)!;
  console.log('\n  goals for photon standalone (issue #18):');
  console.log(`    CPU per warm activation at c=16 ≤ 200 µs: ${n0(p.cpuUs.c16)} µs — ${over(p.cpuUs.c16, 200)}`);
  console.log(`    warm p50 at c=1 ≤ 0.45 ms: ${p.p50.toFixed(3)} ms — ${over(p.p50, 0.45)}`);
  console.log(`    throughput at c=16 ≥ 5,000/s: ${n0(p.rate.c16)}/s — ${under(p.rate.c16, 5000)}`);
  const cost = (r: PeerRow): string => `throughput ${((1 - r.rate.c16 / p.rate.c16) * 100).toFixed(1)}%, CPU ${((r.cpuUs.c16 / p.cpuUs.c16 - 1) * 100).toFixed(1)}%`;
  const traced = by.get(ctx.traced);
  if (traced) {
    const rateCost = (1 - traced.rate.c16 / p.rate.c16) * 100;
    const cpuCost = (traced.cpuUs.c16 / p.cpuUs.c16 - 1) * 100;
    console.log(`    tracing at 100% sampling costs ≤ 5% throughput and CPU: ${cost(traced)} — ${verdict(rateCost <= 5 && cpuCost <= 5, 'see the figures')}   (${ctx.sinkNote})`);
  }
  const alt = by.get(`${ctx.traced} alt`);
  if (alt) console.log(`    tracing alt: ${cost(alt)}`);
  for (const r of rows) {
    if (!r.label.startsWith(`${ctx.traced} @ `)) continue;
    console.log(`    ${r.label.slice(ctx.traced.length + 1)} traced against this untraced: ${cost(r)}${traced ? `; this checkout traced against it: CPU ${n0(r.cpuUs.c16)} → ${n0(traced.cpuUs.c16)} µs/req, c=16 ${n0(r.rate.c16)} → ${n0(traced.rate.c16)}/s` : ''}`);
  }
  for (const [dir, label] of ctx.baselines) {
    const base = by.get(label);
    if (base) console.log(`    against ${dir}: CPU ${n0(base.cpuUs.c16)} → ${n0(p.cpuUs.c16)} µs/req, c=16 ${n0(base.rate.c16)} → ${n0(p.rate.c16)}/s, p50 ${base.p50.toFixed(3)} → ${p.p50.toFixed(3)} ms`);
  }

  const c = ctx.cluster === undefined ? undefined : by.get(ctx.cluster);
  if (c) {
    const ci = ['controller', 'invoker'].reduce((s, k) => s + (c.byProcess.get(k)?.c16 ?? 0), 0);
    console.log('\n  goals for photon cluster (issue #18):');
    console.log(`    warm p50 at c=1 ≤ 2.5 ms: ${c.p50.toFixed(3)} ms — ${over(c.p50, 2.5)}`);
    console.log(`    warm p99 at c=1 ≤ 8 ms: ${c.p99.toFixed(3)} ms — ${over(c.p99, 8)}`);
    console.log(`    throughput at c=64 ≥ 3,000/s: ${n0(c.rate.c64)}/s — ${under(c.rate.c64, 3000)}`);
    const sandboxes = (c.byProcess.get('sandboxes')?.c16 ?? 0) >= 0.5;
    console.log(`    controller + invoker CPU per activation at c=16 ≤ 500 µs${sandboxes ? ', its sandbox processes counted (as bench:pipeline counts)' : ''}: ${n0(c.cpuUs.c16)} µs — ${over(c.cpuUs.c16, 500)}${sandboxes ? `; the controller and invoker processes alone ${n0(ci)} µs — ${over(ci, 500)}` : ''}`);
  }

  for (const photon of [p, c]) {
    if (!photon) continue;
    console.log(`\n  ${photon.label} against each peer and floor (photon ÷ other for latency and CPU; other ÷ photon for throughput: > 1 means photon is behind):`);
    for (const r of rows) {
      if (r === photon) continue;
      const cpu = CS.map((k) => ratio(photon.cpuUs[k] / r.cpuUs[k])).join(' / ');
      const rate = CS.map((k) => ratio(r.rate[k] / photon.rate[k])).join(' / ');
      console.log(`    ${r.label.padEnd(w)} p50 ${ratio(photon.p50 / r.p50).padStart(6)}  p99 ${ratio(photon.p99 / r.p99).padStart(6)}  throughput c=1/16/64 ${rate}  CPU c=1/16/64 ${cpu}`);
    }
  }
}
