// Starts one sandbox process with the strongest drop of privilege this machine allows, without
// native code in the sandbox:
//   sh (root, writes its own pid into the sandbox's cgroups, so nothing runs outside them)
//   → unshare --net (a network namespace of its own with only a downed loopback: the sandbox can
//     open no connection anywhere, Redis, Kafka and the controller included; function sockets
//     are created by the supervisor and passed over the IPC channel)
//   → setpriv (uid/gid 65534, no supplementary groups, empty capability sets and bounding set,
//     no_new_privs: no setns, no mount, no raw sockets, no setuid binaries)
//   → node --no-node-snapshot --max-semi-space-size=8 [--import tsx] --import <seccomp preload> <entry> (the same node
//     binary: process.execPath; the entry is the bundled sandbox-main.mjs, or a .ts run with tsx;
//     the preload, in the entry's form, installs a seccomp filter on every thread before the entry
//     runs: native/seccomp.ts says what it denies).
// Where a step is impossible (not root, a tool missing) the sandbox runs without it and `missing`
// says so; the caller prints it loudly, as network isolation does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandboxCgroup, type SandboxCgroup } from './sandbox-cgroup.js';

/** uid and gid of the sandbox: nobody/nogroup, which owns no file of the supervisor's. */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;
const UNSHARE = '/usr/bin/unshare';
const SETPRIV = '/usr/bin/setpriv';
/** The repository root: tsx is resolved from here, and the entry is a path under it. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * Installs the seccomp filter before the entry runs (it reports a failure itself:
 * PHOTON_SECCOMP_MISSING): from source, and bundled by prepareSandboxEntry (sandbox-process.ts).
 */
export const SECCOMP_PRELOADS = {
  source: join(dirname(fileURLToPath(import.meta.url)), 'sandbox-seccomp.ts'),
  bundled: join(dirname(fileURLToPath(import.meta.url)), '.bundle', 'sandbox-seccomp.mjs'),
} as const;

export interface SpawnSandboxOptions {
  /** cgroup name, unique on the machine, e.g. photon-<invoker>-sb-<n>-<pid>-<seq>. */
  name: string;
  /** A .js/.mjs file run by node, or a .ts file run with tsx. */
  entry: string;
  args: string[];
  memoryMb: number;
  pids: number;
  /** cpu.shares of its cgroup (default 1024). */
  cpuShares?: number;
  /** Off only for tests of the layers above: run unconfined (said in `missing`). */
  confine?: boolean;
  /** Environment variables of photon's own for the sandbox (the supervisor's layer snapshot: sandbox-process.ts). */
  env?: Record<string, string>;
}

export interface SpawnedSandbox {
  child: ChildProcess;
  cgroup: SandboxCgroup | null;
  /** Confinement steps this sandbox runs without, with why; empty when fully confined. */
  missing: string[];
}

export function spawnSandbox(o: SpawnSandboxOptions): SpawnedSandbox {
  const missing: string[] = [];
  const root = process.getuid?.() === 0;
  const confine = o.confine ?? true;
  // A bundled entry gets the bundled preload beside it (both built by prepareSandboxEntry), so the
  // sandbox starts without tsx; an entry from source gets both from source.
  const fromSource = o.entry.endsWith('.ts');
  const preload = confine ? ['--import', fromSource ? SECCOMP_PRELOADS.source : SECCOMP_PRELOADS.bundled] : [];
  // PHOTON_SANDBOX_NODE_ARGS (the supervisor's environment, operators only): extra node flags for
  // the sandbox, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it (a dir uid 65534 can write).
  const extra = (process.env.PHOTON_SANDBOX_NODE_ARGS ?? '').split(' ').filter((x) => x !== '');
  // A young generation of 8 MB semi-spaces: at V8's default the main heap of a busy sandbox commits
  // ~145 MB for ~9 MB live (its semi-spaces grown to their maximum), 33 MB with this at the same CPU
  // per activation (invoker/README.md "What grows in a busy sandbox"). Flags in `extra` come after
  // it, and V8 takes the last, so an operator can set another size.
  const node = [process.execPath, '--no-node-snapshot', '--max-semi-space-size=8', ...extra, ...(fromSource ? ['--import', 'tsx'] : []), ...preload, o.entry, ...o.args];
  let argv = node;
  let cgroup: SandboxCgroup | null = null;
  if (!confine) missing.push('all confinement (turned off)');
  else if (!root) missing.push('uid drop, capability drop, network namespace and cgroups (the supervisor is not root)');
  else {
    if (existsSync(SETPRIV)) {
      argv = [SETPRIV, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--', ...argv];
    } else missing.push(`uid and capability drop (${SETPRIV} not found)`);
    if (existsSync(UNSHARE)) argv = [UNSHARE, '--net', '--', ...argv];
    else missing.push(`own network namespace (${UNSHARE} not found): the sandbox shares the host's network`);
    cgroup = createSandboxCgroup(o.name, { memoryMb: o.memoryMb, pids: o.pids, ...(o.cpuShares !== undefined ? { cpuShares: o.cpuShares } : {}) });
    missing.push(...cgroup.missing.map((m) => `cgroup ${m}`));
  }
  // The shell runs as root only to join the cgroups, then execs the chain above (same pid).
  const script = 'for f in $PHOTON_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; unset PHOTON_CGROUP_PROCS; exec "$@"';
  const env: Record<string, string> = {
    // Nothing of the supervisor's environment (bus and store addresses, credentials) is passed on.
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    PHOTON_CGROUP_PROCS: cgroup ? cgroup.procs.join(' ') : '',
    TMPDIR: '/tmp',
    // No io_uring ring in libuv: the seccomp filter denies io_uring_setup (native/seccomp.ts).
    UV_USE_IO_URING: '0',
    ...mallocMmapThreshold(),
    // PHOTON_SANDBOX_GLIBC_TUNABLES (the supervisor's environment, operators only): glibc's malloc
    // tunables for the sandbox, e.g. 'glibc.malloc.arena_max=2', as GLIBC_TUNABLES.
    ...(process.env.PHOTON_SANDBOX_GLIBC_TUNABLES ? { GLIBC_TUNABLES: process.env.PHOTON_SANDBOX_GLIBC_TUNABLES } : {}),
    ...o.env,
  };
  const child = spawn('/bin/sh', ['-c', script, 'photon-sandbox', ...argv], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  return { child, cgroup, missing };
}

/**
 * glibc's mmap threshold for the sandbox, fixed (MALLOC_MMAP_THRESHOLD_, 128 KiB: glibc's initial
 * value). By default glibc raises the threshold each time a large mmapped block is freed, so that
 * later blocks of that size come from the heap and its thread arenas instead; V8's compilers
 * allocate their zone segments that way, on isolated-vm's and V8's background threads, and every
 * re-optimisation then left holes in the arenas that later requests did not fit: the sandbox's
 * malloc memory crept up by ~28 B per activation for as long as it ran (bench/README.md "soak").
 * Fixed, such blocks are mapped and unmapped: ~7 B per activation in the same run, the arenas a
 * third smaller. PHOTON_SANDBOX_MALLOC_MMAP_THRESHOLD (the supervisor's environment) sets another
 * value in bytes; 'off' leaves glibc's dynamic threshold.
 */
function mallocMmapThreshold(): Record<string, string> {
  const v = process.env.PHOTON_SANDBOX_MALLOC_MMAP_THRESHOLD ?? '131072';
  return /^[1-9]\d*$/.test(v) ? { MALLOC_MMAP_THRESHOLD_: v } : {};
}
