// What a process retains between two heap snapshots of it (Node's --heapsnapshot-signal, taken by
// bench:soak's BENCH_SOAK_SNAPSHOT_AT): live objects by kind (V8's node type and constructor or
// name) in each, the growth, and for the kinds that grow most, the retainer paths of objects born
// after the first snapshot (V8 keeps an object's id across the snapshots of one process, so "new"
// is "id not in the first"). A full GC runs before each snapshot: only live objects count.
//
//   node --max-old-space-size=8000 --import tsx bench/heap-snapshot-diff.ts a.heapsnapshot b.heapsnapshot [activations between]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }; node_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Parsed {
  s: Snapshot;
  nf: number;
  ef: number;
  type: string[];
  edgeType: string[];
  firstEdge: Uint32Array;
  ids: Set<number>;
}

function parse(file: string): Parsed {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields.length;
  const ef = s.snapshot.meta.edge_fields.length;
  const n = s.nodes.length / nf;
  const firstEdge = new Uint32Array(n + 1);
  const ec = s.snapshot.meta.node_fields.indexOf('edge_count');
  for (let i = 0, e = 0; i < n; i++) { firstEdge[i] = e; e += s.nodes[i * nf + ec]! * ef; firstEdge[i + 1] = e; }
  const ids = new Set<number>();
  for (let i = 0; i < n; i++) ids.add(s.nodes[i * nf + 2]!);
  return { s, nf, ef, type: s.snapshot.meta.node_types[0], edgeType: s.snapshot.meta.edge_types[0], firstEdge, ids };
}

const kindOf = (p: Parsed, i: number): string => {
  const t = p.type[p.s.nodes[i * p.nf]!]!;
  const name = p.s.strings[p.s.nodes[i * p.nf + 1]!]!;
  // Strings and numbers by type only: their "name" is their value.
  if (t === 'string' || t === 'concatenated string' || t === 'sliced string' || t === 'number' || t === 'heap number') return t;
  return `${t}:${name.length > 60 ? `${name.slice(0, 60)}…` : name}`;
};

function census(p: Parsed): Map<string, { count: number; bytes: number }> {
  const out = new Map<string, { count: number; bytes: number }>();
  const n = p.s.nodes.length / p.nf;
  for (let i = 0; i < n; i++) {
    const k = kindOf(p, i);
    const c = out.get(k) ?? { count: 0, bytes: 0 };
    c.count++;
    c.bytes += p.s.nodes[i * p.nf + 3]!;
    out.set(k, c);
  }
  return out;
}

/** Each node's first strong retainer and the edge from it (-1: none), for naming paths. */
function retainersOf(p: Parsed): { retainer: Int32Array; via: Int32Array } {
  const n = p.s.nodes.length / p.nf;
  // Reverse edges: for each node, one strong retainer is enough to name a path.
  const retainer = new Int32Array(n).fill(-1);
  const via = new Int32Array(n).fill(-1);
  for (let from = 0; from < n; from++) {
    for (let e = p.firstEdge[from]!; e < p.firstEdge[from + 1]!; e += p.ef) {
      const et = p.edgeType[p.s.edges[e]!]!;
      if (et === 'weak' || et === 'shortcut') continue;
      const to = p.s.edges[e + 2]! / p.nf;
      if (retainer[to] === -1) { retainer[to] = from; via[to] = e; }
    }
  }
  return { retainer, via };
}

/** Retainer paths (kinds and edge names, up to `depth` steps, weak edges skipped) of `targets`, counted. */
function retainerPaths(p: Parsed, r: { retainer: Int32Array; via: Int32Array }, targets: number[], depth: number): Map<string, number> {
  const { retainer, via } = r;
  const edgeName = (e: number): string => {
    const et = p.edgeType[p.s.edges[e]!]!;
    const v = p.s.edges[e + 1]!;
    // Indices say which slot, not which path: left out, so paths through one table count together.
    const name = et === 'element' || et === 'hidden' ? '[]' : String(p.s.strings[v]);
    return /^\d+$/.test(name) ? '[]' : name;
  };
  const out = new Map<string, number>();
  for (const t of targets) {
    const steps: string[] = [kindOf(p, t)];
    let at = t;
    for (let d = 0; d < depth && retainer[at]! >= 0; d++) {
      steps.push(`.${edgeName(via[at]!)} ← ${kindOf(p, retainer[at]!)}`);
      at = retainer[at]!;
    }
    const key = steps.join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

const [fa, fb, between] = process.argv.slice(2);
if (!fa || !fb) throw new Error('usage: heap-snapshot-diff.ts a.heapsnapshot b.heapsnapshot [activations between]');
const per = between ? Number(between) : undefined;
const a = parse(fa);
const ca = census(a);
const idsA = a.ids;
// The first snapshot's arrays are not needed past its census and ids.
(a as Partial<Parsed>).s = undefined;
const b = parse(fb);
const cb = census(b);
const total = (c: Map<string, { count: number; bytes: number }>): number => [...c.values()].reduce((s, v) => s + v.bytes, 0);
console.log(`live heap: ${(total(ca) / 1048576).toFixed(1)} MB → ${(total(cb) / 1048576).toFixed(1)} MB, nodes ${a.ids.size} → ${b.ids.size}${per ? `, ${per} activations between` : ''}`);
const rows = [...cb].map(([k, v]) => ({ k, dc: v.count - (ca.get(k)?.count ?? 0), db: v.bytes - (ca.get(k)?.bytes ?? 0), count: v.count }));
for (const [k, v] of ca) if (!cb.has(k)) rows.push({ k, dc: -v.count, db: -v.bytes, count: 0 });
rows.sort((x, y) => y.db - x.db);
console.log('growth by kind (bytes):');
for (const r of rows.slice(0, 25)) console.log(`  ${String(r.db).padStart(10)} B  ${String(r.dc).padStart(8)} objects${per ? ` (${(r.dc / per).toFixed(3)}/activation)` : ''}  now ${r.count}  ${r.k}`);
// Objects of the second snapshot born after the first: a sample of each growing kind, by retainer path.
const n = b.s.nodes.length / b.nf;
const born = new Map<string, number[]>();
for (let i = 0; i < n; i++) {
  if (idsA.has(b.s.nodes[i * b.nf + 2]!)) continue;
  const k = kindOf(b, i);
  const list = born.get(k) ?? [];
  list.push(i);
  born.set(k, list);
}
const rets = retainersOf(b);
const grown = rows.filter((r) => r.dc > 0).slice(0, 8);
for (const r of grown) {
  const list = born.get(r.k) ?? [];
  // Every 1 in (list.length / 400): the paths of a few hundred, spread over the interval.
  const step = Math.max(1, Math.floor(list.length / 400));
  const sample = list.filter((_, i) => i % step === 0);
  console.log(`\n${r.k}: ${list.length} born since the first snapshot (${r.dc} more in all); retainers of ${sample.length}:`);
  const paths = [...retainerPaths(b, rets, sample, 8)].sort((x, y) => y[1] - x[1]).slice(0, 6);
  for (const [path, count] of paths) console.log(`  ${String(count).padStart(5)}  ${path}`);
}
