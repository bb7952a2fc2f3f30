// A sandbox process's memory by part, a JSON line every 10 s to a file, for operators and the soak
// benchmark (PHOTON_SANDBOX_MEMORY_LOG=<dir>, a directory uid 65534 can write; bench/soak.ts
// BENCH_SOAK_MEMLOG): which part grows when the process's RSS does. From /proc/self/smaps, anonymous
// memory is split into glibc's malloc (the brk heap and its thread arenas, 64 MB-aligned mappings)
// and the rest (V8's heap pages and other mmaps); beside it the main thread's V8 heap, the isolates'
// heaps and the sandbox's own maps of activations in flight.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the sandbox reports besides /proc: its in-flight counts and its isolates' heap bytes. */
export interface MemoryLogSource {
  counts(): Record<string, number>;
  isolateHeapBytes(): Promise<number>;
}

/** One sample, in KiB except the counts. */
export interface MemorySample {
  t: number;
  rss: number;
  /** glibc malloc: the brk heap and the thread arenas. */
  malloc: number;
  arenas: number;
  /** Other anonymous memory: V8's heap pages (main thread and isolates), stacks, other mmaps. */
  otherAnon: number;
  /** File-backed mappings and the other named ones ([stack], [vdso]). */
  file: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  isolates: number;
  counts: Record<string, number>;
}

const ARENA_ALIGN = 64n << 20n;
const MAPPING = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/;

/** The anonymous and file-backed resident KiB of this process, malloc's part apart. */
export function residentParts(smaps: string): { malloc: number; arenas: number; otherAnon: number; file: number } {
  const out = { malloc: 0, arenas: 0, otherAnon: 0, file: 0 };
  let kind: 'malloc' | 'otherAnon' | 'file' = 'file';
  for (const line of smaps.split('\n')) {
    const m = MAPPING.exec(line);
    if (m) {
      const anon = m[2] === '0' && (m[3] === '' || m[3]!.startsWith('[anon') || m[3] === '[heap]');
      const arena = anon && m[3] !== '[heap]' && BigInt(`0x${m[1]}`) % ARENA_ALIGN === 0n;
      if (arena) out.arenas++;
      kind = !anon ? 'file' : m[3] === '[heap]' || arena ? 'malloc' : 'otherAnon';
      continue;
    }
    if (line.startsWith('Rss:')) out[kind] += Number(line.slice(4).trim().split(' ')[0]);
  }
  return out;
}

/** Starts the log (unref'd timer); a failed write ends it silently: it is diagnostics only. */
export function startMemoryLog(dir: string, id: string, source: MemoryLogSource): void {
  const file = join(dir, `${id}-${process.pid}.jsonl`);
  const timer = setInterval(() => {
    void source.isolateHeapBytes().then((isolates) => {
      const mu = process.memoryUsage();
      const kib = (b: number): number => Math.round(b / 1024);
      const sample: MemorySample = { t: Date.now(), rss: kib(mu.rss), ...residentParts(readFileSync('/proc/self/smaps', 'utf8')), heapUsed: kib(mu.heapUsed), heapTotal: kib(mu.heapTotal), external: kib(mu.external), isolates: kib(isolates), counts: source.counts() };
      appendFileSync(file, `${JSON.stringify(sample)}\n`);
    }).catch(() => clearInterval(timer));
  }, 10_000);
  timer.unref();
}
