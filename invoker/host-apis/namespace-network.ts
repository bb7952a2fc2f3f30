// Where the host APIs get their sockets: a connected TCP socket or a listening server, both living
// in one function's network namespace. Inline (the invoker runs the isolates itself) they are made
// here from NamespaceSockets; in a sandbox process they come from the supervisor, which creates
// them in the namespace and hands the descriptor over (invoker/sandbox/remote-namespaces.ts), so a
// sandbox never needs to enter a namespace.
import dgram from 'node:dgram';
import net from 'node:net';
import type { NamespaceSockets, NetworkNamespace } from '../../native/index.js';

/**
 * Contract: connect() resolves with a socket whose connection to host:port (names resolved on the
 * host's resolver, IPv4) is established from inside `ns`, or rejects with the error the connection
 * failed with (its message is what the guest sees); once `signal` aborts, it rejects and nothing it
 * opened stays open. listen() resolves with a server already listening in `ns` (bind errors
 * reject); its connections arrive as the server's 'connection' events. udpBind() resolves with a
 * UDP socket (udp4) bound to host:port inside `ns` and already receiving (bind errors reject, with
 * the errno's code in the message). The caller owns what it gets.
 */
export interface NamespaceNetwork {
  connect(ns: NetworkNamespace, host: string, port: number, signal: AbortSignal): Promise<net.Socket>;
  listen(ns: NetworkNamespace, host: string, port: number, backlog: number): Promise<net.Server>;
  udpBind(ns: NetworkNamespace, host: string, port: number): Promise<dgram.Socket>;
}

/** A dgram socket over a UDP fd already bound in a namespace (Node's bind({ fd }) adopts it as is). */
export function udpOverFd(fd: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind({ fd }, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** A connecting TCP socket opened inside the namespace (the fd is created there by setns). */
export function connectingSocket(sockets: NamespaceSockets, ns: NetworkNamespace, host: string, port: number): net.Socket {
  const fd = sockets.tcpSocket(ns);
  // manualStart: a socket made from an fd starts reading at once, and reading an unconnected
  // TCP socket fails with ENOTCONN when connect() waits for a name lookup; Node starts reading
  // itself once connected (the option is Node's own, used for child_process stdio).
  const options: net.SocketConstructorOpts & { manualStart: boolean } = { fd, readable: true, writable: true, manualStart: true };
  const sock = new net.Socket(options);
  // The fd is AF_INET (namespaces are IPv4-only): names must resolve to IPv4 ('localhost' → 127.0.0.1).
  sock.connect({ port, host, family: 4 });
  return sock;
}

/** Resolves once `sock` is connected; destroys it on error or abort. */
export function whenConnected(sock: net.Socket, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      sock.destroy();
      reject(new Error('aborted'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(e);
    });
    sock.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(sock);
    });
  });
}

/** Sockets made in this process, from NamespaceSockets (the inline mode, and the supervisor's side of a sandbox). */
export function localNamespaceNetwork(sockets: NamespaceSockets): NamespaceNetwork {
  return {
    connect(ns, host, port, signal) {
      let sock: net.Socket;
      try {
        sock = connectingSocket(sockets, ns, host, port);
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return whenConnected(sock, signal);
    },
    listen(ns, host, port, backlog) {
      let fd: number;
      try {
        fd = sockets.tcpListen(ns, host, port, backlog);
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen({ fd }, () => {
          server.off('error', reject);
          resolve(server);
        });
      });
    },
    udpBind(ns, host, port) {
      try {
        return udpOverFd(sockets.udpBind(ns, host, port));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}
