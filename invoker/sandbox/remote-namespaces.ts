// The sandbox's side of namespaces and sockets: a NamespaceCache and a NamespaceNetwork whose
// every operation is a request to the supervisor. The sandbox holds no namespace itself: a lease
// is the supervisor's, named here by its id; sockets arrive as passed file descriptors already
// connected (or listening) inside the namespace.
import type dgram from 'node:dgram';
import type net from 'node:net';
import type { NamespaceCache, NamespaceSockets, NetworkNamespace } from '../../native/index.js';
import type { NamespaceNetwork } from '../host-apis/namespace-network.js';
import type { FromSandbox, ToSandbox } from './sandbox-protocol.js';

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
}

/**
 * Contract: acquire() resolves with the supervisor's lease (or rejects with its error); release()
 * hands it back; connect()/listen() keep NamespaceNetwork's contract; receive() must get every
 * 'ns', 'sock', 'server', 'accept' and 'udp' message with its handle. A handle nobody waits for any more
 * (aborted, scope ended) is closed on arrival.
 */
export class RemoteNamespaces implements NamespaceCache, NamespaceNetwork {
  private seq = 0;
  private readonly nsWaiters = new Map<number, Waiter<NetworkNamespace>>();
  private readonly sockWaiters = new Map<number, Waiter<net.Socket>>();
  private readonly serverWaiters = new Map<number, Waiter<net.Server>>();
  private readonly udpWaiters = new Map<number, Waiter<dgram.Socket>>();
  private readonly servers = new Map<number, net.Server>();
  /**
   * Connections the supervisor accepted for a listener whose server has not been emitted yet: Node
   * hands a received server over only after listen() on it (asynchronously), while a received
   * socket is emitted at once, so an 'accept' can overtake its 'server'.
   */
  private readonly early = new Map<number, net.Socket[]>();
  private leased = 0;

  constructor(
    readonly isolation: 'on' | 'off',
    private readonly send: (m: FromSandbox) => void,
  ) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  acquire(): Promise<NetworkNamespace> {
    const req = ++this.seq;
    return new Promise((resolve, reject) => {
      this.nsWaiters.set(req, { resolve, reject });
      this.send({ t: 'acquire', req });
    });
  }

  release(ns: NetworkNamespace): void {
    this.leased--;
    this.send({ t: 'release', nsId: ns.id });
  }

  exposeApi(): Promise<{ address: string; port: number }> {
    return Promise.reject(new Error("the supervisor exposes the controller's API to functions"));
  }

  link(): Promise<void> {
    return Promise.reject(new Error('namespaces are linked by the supervisor'));
  }

  unlink(): Promise<void> {
    return Promise.reject(new Error('namespaces are linked by the supervisor'));
  }

  get sockets(): NamespaceSockets {
    throw new Error('a sandbox opens no socket itself: it asks the supervisor (NamespaceNetwork)');
  }

  stats(): { free: number; inUse: number; created: number; deleted: number } {
    return { free: 0, inUse: this.leased, created: 0, deleted: 0 };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  connect(ns: NetworkNamespace, host: string, port: number, signal: AbortSignal): Promise<net.Socket> {
    const req = ++this.seq;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error('aborted'));
      const onAbort = (): void => {
        this.sockWaiters.delete(req);
        this.send({ t: 'cancel', req });
        reject(new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.sockWaiters.set(req, {
        resolve: (s) => { signal.removeEventListener('abort', onAbort); resolve(s); },
        reject: (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
      });
      this.send({ t: 'connect', req, nsId: ns.id, host, port });
    });
  }

  listen(ns: NetworkNamespace, host: string, port: number, backlog: number): Promise<net.Server> {
    const req = ++this.seq;
    return new Promise((resolve, reject) => {
      this.serverWaiters.set(req, {
        resolve: (server) => {
          this.servers.set(req, server);
          server.once('close', () => this.servers.delete(req));
          resolve(server);
          const early = this.early.get(req);
          this.early.delete(req);
          // After the caller's continuation has attached its 'connection' listener.
          if (early) setImmediate(() => { for (const sock of early) server.emit('connection', sock); });
        },
        reject,
      });
      this.send({ t: 'listen', req, nsId: ns.id, host, port, backlog });
    });
  }

  udpBind(ns: NetworkNamespace, host: string, port: number): Promise<dgram.Socket> {
    const req = ++this.seq;
    return new Promise((resolve, reject) => {
      this.udpWaiters.set(req, { resolve, reject });
      this.send({ t: 'udp', req, nsId: ns.id, host, port });
    });
  }

  receive(msg: ToSandbox, handle: unknown): void {
    switch (msg.t) {
      case 'udp': {
        const w = this.udpWaiters.get(msg.req);
        this.udpWaiters.delete(msg.req);
        const sock = handle as dgram.Socket | undefined;
        if (msg.error !== undefined || !sock) w?.reject(new Error(msg.error ?? 'no socket'));
        else if (w) w.resolve(sock);
        else sock.close();
        break;
      }
      case 'ns': {
        const w = this.nsWaiters.get(msg.req);
        this.nsWaiters.delete(msg.req);
        if (msg.ns) {
          this.leased++;
          if (w) w.resolve(msg.ns);
          else this.release(msg.ns);
        } else w?.reject(new Error(msg.error ?? 'no namespace'));
        break;
      }
      case 'sock': {
        const w = this.sockWaiters.get(msg.req);
        this.sockWaiters.delete(msg.req);
        const sock = handle as net.Socket | undefined;
        if (msg.error !== undefined || !sock) w?.reject(new Error(msg.error ?? 'no socket'));
        else if (w) w.resolve(sock);
        else sock.destroy();
        break;
      }
      case 'server': {
        const w = this.serverWaiters.get(msg.req);
        this.serverWaiters.delete(msg.req);
        const server = handle as net.Server | undefined;
        if (msg.error !== undefined || !server) w?.reject(new Error(msg.error ?? 'no server'));
        else if (w) w.resolve(server);
        else server.close();
        if (!w || !server) {
          for (const sock of this.early.get(msg.req) ?? []) sock.destroy();
          this.early.delete(msg.req);
        }
        break;
      }
      case 'accept': {
        const sock = handle as net.Socket | undefined;
        const server = this.servers.get(msg.req);
        if (!sock) break;
        if (server) server.emit('connection', sock);
        else if (this.serverWaiters.has(msg.req)) {
          const list = this.early.get(msg.req) ?? [];
          list.push(sock);
          this.early.set(msg.req, list);
        } else sock.destroy();
        break;
      }
      default:
        break;
    }
  }
}
