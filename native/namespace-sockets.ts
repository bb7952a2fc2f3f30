// Sockets for functions, opened inside their namespaces. Only socket(2) itself runs with the
// thread moved (setns there and back, a few µs); bind/listen happen after the thread is back,
// because a socket keeps the namespace it was created in for the rest of its life.
import type { NamespaceSockets, NetworkNamespace } from './contracts.js';
import {
  AF_INET,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_REUSEADDR,
  bind,
  close,
  listen,
  setsockoptInt,
  sockaddrIn,
  socket,
} from './libc.js';
import type { KernelNamespace, NamespaceKernel } from './namespace-kernel.js';

const TCP_TYPE = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
export const UDP_TYPE = SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC;

/**
 * The sockets are AF_INET (namespaces are addressed over IPv4 only), so the usual spellings of
 * "all interfaces" and "loopback" map to their IPv4 forms; anything else must be a dotted quad.
 */
export function ipv4ListenAddress(host: string): string {
  if (host === '' || host === '::' || host === '0.0.0.0') return '0.0.0.0';
  if (host === 'localhost') return '127.0.0.1';
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) throw new TypeError(`listen address must be IPv4 (namespaces have no IPv6 addresses): ${host}`);
  return host;
}

/** Binds a fresh TCP socket to host:port and listens; closes it if either fails. */
export function bindAndListen(fd: number, host: string, port: number, backlog: number): number {
  try {
    setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    bind(fd, sockaddrIn(ipv4ListenAddress(host), port));
    listen(fd, backlog);
    return fd;
  } catch (err) {
    close(fd);
    throw err;
  }
}

/** Binds a fresh UDP socket to host:port (no SO_REUSEADDR: a second bind of a port fails, EADDRINUSE, as Node's does); closes it on failure. */
export function bindUdp(fd: number, host: string, port: number): number {
  try {
    bind(fd, sockaddrIn(ipv4ListenAddress(host), port));
    return fd;
  } catch (err) {
    close(fd);
    throw err;
  }
}

/** Finds the kernel namespace behind a lease, or undefined with isolation off. */
export type NamespaceResolver = (ns: NetworkNamespace) => KernelNamespace | undefined;

export class KernelNamespaceSockets implements NamespaceSockets {
  constructor(
    private readonly kernel: () => NamespaceKernel | undefined,
    private readonly resolve: NamespaceResolver,
  ) {}

  tcpSocket(ns: NetworkNamespace): number {
    const kns = this.resolve(ns);
    const kernel = this.kernel();
    return kns && kernel ? kernel.socketIn(kns, AF_INET, TCP_TYPE) : socket(AF_INET, TCP_TYPE, 0);
  }

  tcpListen(ns: NetworkNamespace, host: string, port: number, backlog = 511): number {
    return bindAndListen(this.tcpSocket(ns), host, port, backlog);
  }

  udpBind(ns: NetworkNamespace, host: string, port: number): number {
    const kns = this.resolve(ns);
    const kernel = this.kernel();
    return bindUdp(kns && kernel ? kernel.socketIn(kns, AF_INET, UDP_TYPE) : socket(AF_INET, UDP_TYPE, 0), host, port);
  }

  within<T>(ns: NetworkNamespace, fn: () => T): T {
    const kns = this.resolve(ns);
    const kernel = this.kernel();
    const result = kns && kernel ? kernel.within(kns, fn) : fn();
    if (result instanceof Promise) {
      // Only the synchronous part ran inside; whatever the promise does later runs outside.
      throw new TypeError('within() runs fn synchronously: an async fn would continue outside the namespace');
    }
    return result;
  }
}
