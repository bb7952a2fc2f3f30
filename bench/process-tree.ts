// What a process and every process below it costs, from /proc: CPU time (user + system) and
// resident memory. A photon invoker in sandbox mode runs its isolates in child processes
// (invoker/sandbox/), so its own /proc/<pid>/stat leaves them out; the benchmarks sum the tree.
import { readFileSync, readdirSync } from 'node:fs';

const safeList = (dir: string): string[] => { try { return readdirSync(dir); } catch { return []; } };
const safeRead = (file: string): string => { try { return readFileSync(file, 'utf8'); } catch { return ''; } };

/** The pids of a process's children (of all its threads), from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const task of safeList(`/proc/${pid}/task`)) {
    for (const child of safeRead(`/proc/${pid}/task/${task}/children`).split(' ').filter(Boolean)) out.push(Number(child));
  }
  return out;
}

/** CPU time (user + system, ms) of a process and every process below it: sandbox processes count. */
export function treeCpuMs(pid: number): number {
  const stat = safeRead(`/proc/${pid}/stat`);
  if (stat === '') return 0;
  const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  let sum = (Number(f[11]) + Number(f[12])) * 10;
  for (const child of childrenOf(pid)) sum += treeCpuMs(child);
  return sum;
}

/**
 * Resident memory (MB) of the processes below `pid` (itself excluded) whose command line matches
 * `only` (e.g. an invoker's sandbox processes, not tsx's esbuild service beside them).
 */
export function descendantsRssMb(pid: number, only: RegExp = /./): number {
  let sum = 0;
  for (const child of childrenOf(pid)) {
    if (only.test(safeRead(`/proc/${child}/cmdline`).replaceAll('\0', ' '))) sum += Number(/VmRSS:\s+(\d+)/.exec(safeRead(`/proc/${child}/status`))?.[1] ?? 0) / 1024;
    sum += descendantsRssMb(child, only);
  }
  return sum;
}

/**
 * CPU time (user + system, ms) of a process's own threads, summed by thread name (`main` is the
 * main thread, `V8 DefaultWorke` V8's GC and compiler helpers, `libuv-worker` the thread pool):
 * what a main-thread CPU profile leaves out.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const task of safeList(`/proc/${pid}/task`)) {
    const stat = safeRead(`/proc/${pid}/task/${task}/stat`);
    if (stat === '') continue;
    // Threads inherit their creator's name unless they set their own: the main thread is the
    // one whose id is the pid, whatever its name says.
    const name = task === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
  }
  return out;
}

/**
 * CPU time (ms, ns resolution) of a process's live threads: the first field of each thread's
 * schedstat. /proc/<pid>/stat counts in 10 ms ticks, too coarse for a window of a few hundred
 * requests at c=1; a thread that exits takes its time with it (none does on a warm path).
 */
function schedCpuMs(pid: number): number {
  let ns = 0;
  for (const task of safeList(`/proc/${pid}/task`)) ns += Number(safeRead(`/proc/${pid}/task/${task}/schedstat`).split(' ')[0] || 0);
  return ns / 1e6;
}

/** CPU time (ms, from every thread's schedstat) of a process and every process below it. */
export function treeSchedCpuMs(pid: number): number {
  return childrenOf(pid).reduce((sum, child) => sum + treeSchedCpuMs(child), schedCpuMs(pid));
}

/**
 * CPU time (ms, from every thread's schedstat) of a process's tree in three parts: the process
 * itself (all its threads), the trees below it whose command line matches `part` (an invoker's
 * sandbox processes: /sandbox-main/), and every other process below it (tsx's esbuild service,
 * the shell a sandbox is started from until it execs): CPU per request by process (issue 18).
 */
export function splitTreeCpuMs(pid: number, part: RegExp): { own: number; part: number; rest: number } {
  const out = { own: schedCpuMs(pid), part: 0, rest: 0 };
  const walk = (p: number): void => {
    for (const child of childrenOf(p)) {
      if (part.test(safeRead(`/proc/${child}/cmdline`).replaceAll('\0', ' '))) {
        out.part += treeSchedCpuMs(child);
      } else {
        out.rest += schedCpuMs(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}
