// A cgroup (v1: memory, pids and cpu controllers, as on this machine) per sandbox process, so that
// the kernel bounds what one sandbox can take: its memory (the OOM killer ends that sandbox only,
// and the supervisor sees it die), its tasks (a thread or fork bomb stops at pids.max) and its CPU
// weight (cpu.shares: sandboxes share contended cores by weight, whatever their thread counts).
// Controllers that are missing or not writable are reported, so the caller can say so loudly.
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const CONTROLLERS = ['memory', 'pids', 'cpu'] as const;

export interface CgroupLimits {
  memoryMb: number;
  pids: number;
  /** cpu.shares (v1 weight, kernel default 1024): the sandbox's CPU weight against its siblings when cores are contended. */
  cpuShares?: number;
}

/**
 * Contract: `procs` lists the cgroup.procs files a process must be written into (the spawner does
 * it before the sandbox runs anything); `missing` names controllers that could not be set up (the
 * sandbox runs without that bound); remove() deletes the cgroups once their process has exited,
 * retrying while the kernel still counts the dead process; it never throws.
 */
export interface SandboxCgroup {
  readonly name: string;
  readonly procs: string[];
  readonly missing: string[];
  remove(): Promise<void>;
}

export function createSandboxCgroup(name: string, limits: CgroupLimits): SandboxCgroup {
  const dirs: string[] = [];
  const missing: string[] = [];
  for (const c of CONTROLLERS) {
    const dir = join(ROOT, c, name);
    try {
      if (!existsSync(join(ROOT, c))) throw new Error('not mounted');
      mkdirSync(dir, { recursive: false });
      dirs.push(dir);
      if (c === 'memory') {
        writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limits.memoryMb * 1024 * 1024));
        // No swap for sandboxes where the kernel accounts it: a memory bomb is killed, not paged out.
        try { writeFileSync(join(dir, 'memory.swappiness'), '0'); } catch { /* not on every kernel */ }
      }
      if (c === 'pids') writeFileSync(join(dir, 'pids.max'), String(limits.pids));
      if (c === 'cpu') writeFileSync(join(dir, 'cpu.shares'), String(limits.cpuShares ?? 1024));
    } catch (e) {
      missing.push(`${c} (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return {
    name,
    procs: dirs.map((d) => join(d, 'cgroup.procs')),
    missing,
    async remove() {
      for (const dir of dirs) {
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            rmdirSync(dir);
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
            await new Promise((r) => setTimeout(r, 50)); // EBUSY while the exiting process is still counted
          }
        }
      }
    },
  };
}

/** Removes empty cgroups left under `prefix` by an earlier supervisor that was killed. */
export function removeStaleCgroups(prefix: string): number {
  let removed = 0;
  for (const c of CONTROLLERS) {
    let names: string[];
    try {
      names = readdirSync(join(ROOT, c));
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.startsWith(prefix)) continue;
      try {
        rmdirSync(join(ROOT, c, n));
        removed++;
      } catch { /* still has tasks (another live supervisor's), or gone */ }
    }
  }
  return removed;
}
