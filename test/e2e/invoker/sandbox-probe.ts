// Run as a sandbox process by sandbox.test.ts through spawnSandbox() itself (the sandbox's lowest
// layer), standing in for a guest that escaped its isolate and runs arbitrary code in the process:
// it tries what a sandbox must not be able to do and reports each result over the IPC channel
// (system calls included, through koffi: arbitrary native code, as an isolate escape would have).
import { openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import koffi from 'koffi';

const [secretFile, netnsFile, controllerPort] = process.argv.slice(2) as [string, string, string];

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve('timeout'); }, 1500);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
    s.once('error', (e) => { clearTimeout(t); resolve(`error: ${e.message}`); });
  });
}

function trySetns(): string {
  let fd: number;
  try {
    fd = openSync(netnsFile, 'r');
  } catch (e) {
    return `open failed: ${(e as Error).message}`;
  }
  const libc = koffi.load('libc.so.6');
  const setns = libc.func('int setns(int fd, int nstype)');
  const CLONE_NEWNET = 0x40000000;
  return setns(fd, CLONE_NEWNET) === 0 ? 'entered' : 'setns failed';
}

function tryRead(file: string): string {
  try {
    return `read: ${readFileSync(file, 'utf8').length} bytes`;
  } catch (e) {
    return `error: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

// System calls the seccomp filter denies (native/seccomp.ts), tried with harmless arguments: each
// reports 'ok' or its errno. Several would succeed without the filter (socket(AF_INET), ptrace
// TRACEME, keyctl, add_key, process_vm_readv/writev, personality, io_uring_setup) or fail with
// another errno (unshare: EINVAL in a threaded process; clone3: EINVAL), so EPERM/ENOSYS here is
// the filter's answer. x86-64 numbers: the probe runs where the tests run.
function trySyscalls(): Record<string, string> {
  const libc = koffi.load('libc.so.6');
  const errnoAt = libc.func('int *__errno_location()');
  const call = (f: () => number): string => {
    const rc = f();
    return rc < 0 ? `errno ${String(koffi.decode(errnoAt(), 'int'))}` : 'ok';
  };
  const sys = libc.func('long syscall(long nr, long a, long b, long c, long d, long e, long f)') as (...a: number[]) => number;
  const sysPtr = libc.func('long syscall(long nr, long a, void *b)') as (nr: number, a: number, b: Buffer) => number;
  const mount = libc.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const void *data)') as (...a: unknown[]) => number;
  const umount2 = libc.func('int umount2(const char *target, int flags)') as (t: string, f: number) => number;
  const addKey = libc.func('long syscall(long nr, const char *type, const char *desc, const char *payload, size_t len, int keyring)') as (...a: unknown[]) => number;
  return {
    arch: process.arch,
    socketInet: call(() => sys(41, 2, 1, 0, 0, 0, 0)),
    socketInet6: call(() => sys(41, 10, 2, 0, 0, 0, 0)),
    socketNetlink: call(() => sys(41, 16, 3, 0, 0, 0, 0)),
    socketPacket: call(() => sys(41, 17, 3, 0, 0, 0, 0)),
    socketpairInet: call(() => sys(53, 2, 1, 0, 0, 0, 0)),
    socketUnix: call(() => sys(41, 1, 1, 0, 0, 0, 0)),
    ptrace: call(() => sys(101, 0, 0, 0, 0, 0, 0)), // PTRACE_TRACEME
    mount: call(() => mount('none', '/tmp', 'tmpfs', 0, null)),
    umount: call(() => umount2('/proc', 2)),
    unshareUser: call(() => sys(272, 0x10000000, 0, 0, 0, 0, 0)),
    unshareNet: call(() => sys(272, 0x40000000, 0, 0, 0, 0, 0)),
    setns: call(() => sys(308, 0, 0x40000000, 0, 0, 0, 0)),
    clone3: call(() => sysPtr(435, 0, Buffer.alloc(88))),
    bpf: call(() => sysPtr(321, 0, Buffer.alloc(128))),
    keyctl: call(() => sys(250, 0, -3, 0, 0, 0, 0)), // KEYCTL_GET_KEYRING_ID of the session keyring
    addKey: call(() => addKey(248, 'user', 'photon-probe', 'x', 1, -2)),
    perfEventOpen: call(() => sysPtr(298, 0, Buffer.alloc(128))),
    kexecLoad: call(() => sys(246, 0, 0, 0, 0, 0, 0)),
    initModule: call(() => sys(175, 0, 0, 0, 0, 0, 0)),
    processVmReadv: call(() => sys(310, process.pid, 0, 0, 0, 0, 0)),
    processVmWritev: call(() => sys(311, process.pid, 0, 0, 0, 0, 0)),
    personality: call(() => sys(135, 0x0040000, 0, 0, 0, 0, 0)), // ADDR_NO_RANDOMIZE
    personalityQuery: call(() => sys(135, 0xffffffff, 0, 0, 0, 0, 0)),
    ioUringSetup: call(() => sysPtr(425, 1, Buffer.alloc(120))),
    schedGetaffinity: call(() => sysPtr(204, 0, Buffer.alloc(128))),
    // The reason for the line above (native/seccomp.ts): glibc's pthread_getattr_np, which
    // isolated-vm calls once per thread, then leaves the CPU set out and still succeeds.
    pthreadGetattr: tryPthreadGetattr(libc),
  };
}

/** pthread_getattr_np(pthread_self()) and the stack size it reports: 'ok <bytes>', or its error. */
function tryPthreadGetattr(libc: ReturnType<typeof koffi.load>): string {
  const self = libc.func('unsigned long pthread_self()') as () => number | bigint;
  const getattr = libc.func('int pthread_getattr_np(unsigned long t, void *attr)') as (t: number | bigint, attr: Buffer) => number;
  const getstack = libc.func('int pthread_attr_getstack(void *attr, void *addr, void *size)') as (attr: Buffer, addr: Buffer, size: Buffer) => number;
  const destroy = libc.func('int pthread_attr_destroy(void *attr)') as (attr: Buffer) => number;
  const attr = Buffer.alloc(64);
  const rc = getattr(self(), attr);
  if (rc !== 0) return `error ${rc}`;
  const size = Buffer.alloc(8);
  const stackRc = getstack(attr, Buffer.alloc(8), size);
  destroy(attr);
  return stackRc === 0 && size.readBigUInt64LE() > 0n ? 'ok' : `getstack ${stackRc}`;
}

const status = readFileSync('/proc/self/status', 'utf8');
const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
process.send!({
  uid: process.getuid!(),
  capEff: field('CapEff'),
  capBnd: field('CapBnd'),
  noNewPrivs: field('NoNewPrivs'),
  cgroups: readFileSync('/proc/self/cgroup', 'utf8'),
  redis: await tryConnect('127.0.0.1', 6379),
  kafka: await tryConnect('127.0.0.1', 9092),
  controller: await tryConnect('127.0.0.1', Number(controllerPort)),
  setns: trySetns(),
  secret: tryRead(secretFile),
  shadow: tryRead('/etc/shadow'),
  seccomp: field('Seccomp'),
  syscalls: trySyscalls(),
}, () => process.exit(0));
