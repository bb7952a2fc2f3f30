// NamespaceSockets for a thread that does not own the cache (e.g. a worker_threads Worker): it
// finds a namespace by its name under /run/netns, so it needs nothing but the NetworkNamespace
// value. It opens the namespace per call instead of caching fds, because a name is reused when
// an id is recycled and a cached fd would then point at the old, dead namespace.
import type { NamespaceSockets, NetworkNamespace } from './contracts.js';
import { AF_INET, CLONE_NEWNET, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM, close, openPath, setns, socket } from './libc.js';
import { NETNS_DIR } from './namespace-kernel.js';
import { bindAndListen, bindUdp, UDP_TYPE } from './namespace-sockets.js';

const TCP_TYPE = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;

/**
 * Create it on the thread that will use it, while that thread is in the host's namespace.
 * `isolation: 'off'` gives host-namespace sockets, like the cache does with isolation off.
 */
export function createThreadSockets(isolation: 'on' | 'off'): NamespaceSockets & { close(): void } {
  const home = isolation === 'on' ? openPath('/proc/thread-self/ns/net') : -1;
  const within = <T>(ns: NetworkNamespace, fn: () => T): T => {
    if (isolation === 'off') return fn();
    const fd = openPath(`${NETNS_DIR}/${ns.name}`);
    try {
      setns(fd, CLONE_NEWNET);
      try {
        return fn();
      } finally {
        try {
          setns(home, CLONE_NEWNET);
        } catch (err) {
          // The thread would stay in the function's namespace: nothing may go on.
          process.stderr.write(`photon native: cannot return the thread to its namespace: ${String(err)}\n`);
          process.abort();
        }
      }
    } finally {
      close(fd);
    }
  };
  const tcpSocket = (ns: NetworkNamespace): number => within(ns, () => socket(AF_INET, TCP_TYPE, 0));
  return {
    tcpSocket,
    tcpListen(ns, host, port, backlog = 511) {
      return bindAndListen(tcpSocket(ns), host, port, backlog);
    },
    udpBind(ns, host, port) {
      return bindUdp(within(ns, () => socket(AF_INET, UDP_TYPE, 0)), host, port);
    },
    within,
    close() {
      if (home >= 0) close(home);
    },
  };
}
