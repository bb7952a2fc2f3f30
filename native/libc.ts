// The few libc entry points native/ needs, bound once with koffi. Every call is synchronous on the
// calling thread: that is the point, because setns(2) and unshare(CLONE_NEWNET) move only the
// calling thread, and a synchronous call guarantees no other JavaScript runs while it is moved.
import koffi from 'koffi';
import { constants as osConstants } from 'node:os';

const lib = koffi.load('libc.so.6');

type Fn<A extends unknown[]> = (...args: A) => number;

const cOpen = lib.func('int open(const char *path, int flags, ...)') as (path: string, flags: number, ...rest: unknown[]) => number;
const cClose = lib.func('int close(int fd)') as Fn<[number]>;
const cUnshare = lib.func('int unshare(int flags)') as Fn<[number]>;
const cSetns = lib.func('int setns(int fd, int nstype)') as Fn<[number, number]>;
const cSocket = lib.func('int socket(int domain, int type, int protocol)') as Fn<[number, number, number]>;
const cBind = lib.func('int bind(int fd, const void *addr, uint32_t len)') as Fn<[number, Buffer, number]>;
const cListen = lib.func('int listen(int fd, int backlog)') as Fn<[number, number]>;
const cSetsockopt = lib.func('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)') as Fn<
  [number, number, number, Buffer, number]
>;
const cSend = lib.func('intptr_t send(int fd, const void *buf, size_t len, int flags)') as Fn<[number, Buffer, number, number]>;
const cRecv = lib.func('intptr_t recv(int fd, _Out_ void *buf, size_t len, int flags)') as Fn<[number, Buffer, number, number]>;
const cMount = lib.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const void *data)') as Fn<
  [string, string, string, number, null]
>;
const cUmount2 = lib.func('int umount2(const char *target, int flags)') as Fn<[string, number]>;
const cIfNameToIndex = lib.func('unsigned int if_nametoindex(const char *name)') as Fn<[string]>;
const cFlock = lib.func('int flock(int fd, int operation)') as Fn<[number, number]>;
const cIoctl = lib.func('int ioctl(int fd, unsigned long request, ...)') as (fd: number, request: number, ...rest: unknown[]) => number;

export const O_RDONLY = 0;
export const O_CLOEXEC = 0o2000000;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
const LOCK_EX = 2;
const LOCK_NB = 4;
export const CLONE_NEWNET = 0x40000000;
export const AF_INET = 2;
export const AF_NETLINK = 16;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SOL_NETLINK = 270;
export const NETLINK_ROUTE = 0;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;
export const MS_BIND = 4096;
export const MS_REC = 16384;
export const MS_SHARED = 1 << 20;
export const MNT_DETACH = 2;
const SIOCGSKNS = 0x894c;

/** A failed system call, carrying errno's symbolic code the way Node's own errors do. */
export class SyscallError extends Error {
  constructor(
    readonly syscall: string,
    readonly errno: number,
    detail = '',
  ) {
    super(`${syscall}${detail ? ` (${detail})` : ''} failed: ${errnoName(errno)}`);
    this.name = 'SyscallError';
  }
  get code(): string {
    return errnoName(this.errno);
  }
}

const errnoNames = new Map<number, string>(Object.entries(osConstants.errno).map(([name, value]) => [value, name]));
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

function check(result: number, syscall: string, detail?: string): number {
  if (result < 0) throw new SyscallError(syscall, koffi.errno(), detail);
  return result;
}

export function openPath(path: string, flags = O_RDONLY | O_CLOEXEC, mode = 0): number {
  return check(cOpen(path, flags, 'int', mode), 'open', path);
}
/** flock(LOCK_EX | LOCK_NB): false when another open file description holds the lock. */
export function tryLockExclusive(fd: number): boolean {
  if (cFlock(fd, LOCK_EX | LOCK_NB) === 0) return true;
  const errno = koffi.errno();
  if (errno === osConstants.errno.EWOULDBLOCK) return false;
  throw new SyscallError('flock', errno);
}
export function close(fd: number): void {
  check(cClose(fd), 'close');
}
export function unshare(flags: number): void {
  check(cUnshare(flags), 'unshare');
}
export function setns(fd: number, nstype: number): void {
  check(cSetns(fd, nstype), 'setns');
}
export function socket(domain: number, type: number, protocol: number): number {
  return check(cSocket(domain, type, protocol), 'socket');
}
export function bind(fd: number, addr: Buffer): void {
  check(cBind(fd, addr, addr.length), 'bind');
}
export function listen(fd: number, backlog: number): void {
  check(cListen(fd, backlog), 'listen');
}
export function setsockoptInt(fd: number, level: number, name: number, value: number): void {
  const buf = Buffer.alloc(4);
  buf.writeInt32LE(value, 0);
  check(cSetsockopt(fd, level, name, buf, 4), 'setsockopt');
}
export function send(fd: number, buf: Buffer): number {
  return check(cSend(fd, buf, buf.length, 0), 'send');
}
export function recv(fd: number, buf: Buffer): number {
  return check(cRecv(fd, buf, buf.length, 0), 'recv');
}
export function mount(src: string, target: string, fstype: string, flags: number): void {
  check(cMount(src, target, fstype, flags, null), 'mount', target);
}
/** Returns errno instead of throwing: callers tell EINVAL (not a mount point) apart. */
export function tryMount(src: string, target: string, fstype: string, flags: number): number {
  return cMount(src, target, fstype, flags, null) < 0 ? koffi.errno() : 0;
}
export function umount2(target: string, flags: number): number {
  return cUmount2(target, flags) < 0 ? koffi.errno() : 0;
}
export function ifNameToIndex(name: string): number {
  const index = cIfNameToIndex(name);
  if (index === 0) throw new SyscallError('if_nametoindex', koffi.errno(), name);
  return index;
}
/** SIOCGSKNS: an fd for the network namespace a socket belongs to (diagnostics and tests). */
export function socketNamespaceFd(fd: number): number {
  return check(cIoctl(fd, SIOCGSKNS, 'int', 0), 'ioctl(SIOCGSKNS)');
}

/** struct sockaddr_in for an IPv4 dotted quad, in network byte order. */
export function sockaddrIn(host: string, port: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeUInt16LE(AF_INET, 0);
  buf.writeUInt16BE(port, 2);
  ipv4Bytes(host).copy(buf, 4);
  return buf;
}

export function ipv4Bytes(address: string): Buffer {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new TypeError(`not an IPv4 address: ${address}`);
  }
  return Buffer.from(parts);
}
