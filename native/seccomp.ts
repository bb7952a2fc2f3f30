// A seccomp-BPF filter for sandbox processes (issue 13): the system calls a guest would need to
// attack the kernel or leave the sandbox fail with EPERM, whatever code runs in the process.
// Installed by the sandbox on itself (invoker/sandbox/sandbox-main.ts) before it takes any work,
// with SECCOMP_FILTER_FLAG_TSYNC so that every thread Node, V8 and isolated-vm already started
// gets it too (a filter is per thread otherwise), and it cannot be removed: later threads and
// children inherit it. It sets no_new_privs itself (setpriv already has, in a confined sandbox).
//
// What is denied and why (beyond what setpriv's empty capability sets already refuse):
//   socket()/socketpair() of any family but AF_UNIX — the sandbox gets its sockets by fd passing
//     (the IPC channel is AF_UNIX); raw, netlink, packet, vsock, … sockets are kernel surface;
//   ptrace, process_vm_readv/writev, kcmp — no reading or writing another process;
//   mount family, pivot_root, chroot, unshare, setns, and clone() with a namespace flag — no new
//     namespaces (an unprivileged user namespace would hand back capabilities inside it);
//   bpf, perf_event_open, userfaultfd, io_uring_* — large kernel attack surfaces;
//   keyctl, add_key, request_key — the kernel keyring;
//   kexec_*, init/finit/delete_module, reboot, syslog, acct, swapon/off, iopl, ioperm;
//   personality() other than a query — no READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE;
//   sched_getaffinity answers ENOSYS: not for safety but for memory. glibc's pthread_getattr_np()
//     copies the thread's CPU set into the attr it fills (two mallocs, ~184 B), freed only by
//     pthread_attr_destroy(), which isolated-vm 7.0.1 never calls (GetStackBase(), environment.cc,
//     once per thread); and isolated-vm runs a task on a new thread of its own whenever its pool
//     (hardware_concurrency + 1 threads) is busy, so a busy sandbox leaked that much per such
//     thread, for as long as it ran (invoker/README.md "What grows in a busy sandbox"). On ENOSYS
//     glibc leaves the CPU set out and allocates nothing; Node, libuv and glibc fall back to the
//     online CPU count where they ask (os.availableParallelism(), malloc's arena limit).
//   clone3 answers ENOSYS (its flags are behind a pointer a filter cannot read; glibc then uses
//     clone, whose flags are checked); io_uring_setup answers ENOSYS too. libuv sets its ring up
//     at start, before any filter, unless told not to: sandbox-spawn.ts passes UV_USE_IO_URING=0
//     (a ring made before the filter would bypass it, and io_uring_enter cannot then be denied).
// A system call of another ABI (x32, i386 on x86-64) kills the process: the numbers differ.
import koffi from 'koffi';

interface Libc {
  syscall(nr: number, op: number, flags: number, prog: { len: number; filter: Insn[] }): number;
  prctl(o: number, a: number, b: number, c: number, d: number): number;
  errnoLocation(): unknown;
}

// Bound on first use only (every importer of native/index.ts loads this file), with anonymous
// struct types: koffi's named types are process-wide, and a test runner may evaluate this module twice.
let libc: Libc | undefined;
function bind(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  const SockFilter = koffi.struct({ code: 'uint16_t', jt: 'uint8_t', jf: 'uint8_t', k: 'uint32_t' });
  const SockFprog = koffi.struct({ len: 'uint16_t', filter: koffi.pointer(SockFilter) });
  libc = {
    syscall: lib.func('syscall', 'long', ['long', 'unsigned int', 'unsigned int', koffi.pointer(SockFprog)]) as Libc['syscall'],
    prctl: lib.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)') as Libc['prctl'],
    errnoLocation: lib.func('int *__errno_location()') as Libc['errnoLocation'],
  };
  return libc;
}

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// Per architecture: the AUDIT_ARCH value, the seccomp(2) number, and the numbers of what is denied.
interface ArchTable {
  audit: number;
  seccomp: number;
  /** Numbers at or above this are another ABI on the same audit arch (x32); 0 for none. */
  otherAbi: number;
  socket: number;
  socketpair: number;
  clone: number;
  clone3: number;
  personality: number | null;
  enosys: number[];
  eperm: number[];
}

const ARCH: Record<string, ArchTable> = {
  x64: {
    audit: 0xc000003e,
    seccomp: 317,
    otherAbi: 0x40000000,
    socket: 41,
    socketpair: 53,
    clone: 56,
    clone3: 435,
    personality: 135,
    // io_uring_setup (enter and register need a ring: none can be made); sched_getaffinity (below)
    enosys: [425, 204],
    eperm: [
      101, // ptrace
      310, 311, 312, // process_vm_readv, process_vm_writev, kcmp
      165, 166, 155, 161, // mount, umount2, pivot_root, chroot
      428, 429, 430, 431, 432, 433, 442, // open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr
      272, 308, // unshare, setns
      321, 298, 323, // bpf, perf_event_open, userfaultfd
      248, 249, 250, // add_key, request_key, keyctl
      246, 320, 175, 313, 176, // kexec_load, kexec_file_load, init_module, finit_module, delete_module
      169, 103, 163, 167, 168, 172, 173, // reboot, syslog, acct, swapon, swapoff, iopl, ioperm
      304, // open_by_handle_at
    ],
  },
  arm64: {
    audit: 0xc00000b7,
    seccomp: 277,
    otherAbi: 0,
    socket: 198,
    socketpair: 199,
    clone: 220,
    clone3: 435,
    personality: 92,
    enosys: [425, 123], // io_uring_setup, sched_getaffinity
    eperm: [
      117, // ptrace
      270, 271, 272, // process_vm_readv, process_vm_writev, kcmp
      40, 39, 41, 51, // mount, umount2, pivot_root, chroot
      428, 429, 430, 431, 432, 433, 442,
      97, 268, // unshare, setns
      280, 241, 282, // bpf, perf_event_open, userfaultfd
      217, 218, 219, // add_key, request_key, keyctl
      104, 294, 105, 273, 106, // kexec_load, kexec_file_load, init_module, finit_module, delete_module
      142, 116, 89, 224, 225, // reboot, syslog, acct, swapon, swapoff
      265, // open_by_handle_at
    ],
  },
};

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_JSET_K = 0x45;
const BPF_RET_K = 0x06;
const RET_KILL_PROCESS = 0x80000000;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
const AF_UNIX = 1;
const PERSONALITY_QUERY = 0xffffffff;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME. */
const CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;
const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;
// struct seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8 i (low 32 bits first on little-endian).
const NR = 0;
const ARCH_OFFSET = 4;
const ARG0 = 16;

const ins = (code: number, k: number, jt = 0, jf = 0): Insn => ({ code, jt, jf, k: k >>> 0 });

/** The filter program for `arch` (exported for the unit test of its shape). */
export function seccompProgram(a: ArchTable): Insn[] {
  const p: Insn[] = [];
  const ret = (k: number): void => void p.push(ins(BPF_RET_K, k));
  p.push(ins(BPF_LD_W_ABS, ARCH_OFFSET), ins(BPF_JEQ_K, a.audit, 1, 0));
  ret(RET_KILL_PROCESS);
  p.push(ins(BPF_LD_W_ABS, NR));
  if (a.otherAbi) {
    p.push(ins(BPF_JGE_K, a.otherAbi, 0, 1));
    ret(RET_KILL_PROCESS);
  }
  // Each denied number: if equal, jump to the matching return after the list.
  const denyAll = [...a.eperm.map((nr) => [nr, EPERM] as const), ...a.enosys.map((nr) => [nr, ENOSYS] as const), [a.clone3, ENOSYS] as const];
  for (const [nr, errno] of denyAll) {
    p.push(ins(BPF_JEQ_K, nr, 0, 1));
    ret(RET_ERRNO | errno);
  }
  // socket/socketpair: only AF_UNIX.
  for (const nr of [a.socket, a.socketpair]) {
    p.push(ins(BPF_JEQ_K, nr, 0, 4), ins(BPF_LD_W_ABS, ARG0), ins(BPF_JEQ_K, AF_UNIX, 0, 1));
    ret(RET_ALLOW);
    ret(RET_ERRNO | EPERM);
  }
  // clone: no namespace flag (x86-64 and arm64 both pass flags first).
  p.push(ins(BPF_JEQ_K, a.clone, 0, 4), ins(BPF_LD_W_ABS, ARG0), ins(BPF_JSET_K, CLONE_NAMESPACES, 0, 1));
  ret(RET_ERRNO | EPERM);
  ret(RET_ALLOW);
  // personality: a query only.
  if (a.personality !== null) {
    p.push(ins(BPF_JEQ_K, a.personality, 0, 4), ins(BPF_LD_W_ABS, ARG0), ins(BPF_JEQ_K, PERSONALITY_QUERY, 0, 1));
    ret(RET_ALLOW);
    ret(RET_ERRNO | EPERM);
  }
  ret(RET_ALLOW);
  return p;
}

/**
 * Installs the sandbox filter on every thread of this process, for good. Returns null when
 * installed, or why not (an architecture without a table, a kernel without seccomp filters):
 * the caller says so loudly.
 */
export function installSandboxSeccomp(): string | null {
  const a = ARCH[process.arch];
  if (!a) return `no seccomp table for ${process.arch}`;
  const c = bind();
  if (c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) return `prctl(PR_SET_NO_NEW_PRIVS) failed (errno ${errno()})`;
  const filter = seccompProgram(a);
  const rc = c.syscall(a.seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, { len: filter.length, filter });
  if (rc !== 0) return `seccomp(SECCOMP_SET_MODE_FILTER, TSYNC) failed (rc ${rc}, errno ${errno()})`;
  return null;
}

function errno(): number {
  return koffi.decode(bind().errnoLocation(), 'int') as number;
}
