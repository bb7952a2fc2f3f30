// The host side of what a function may do beyond computing: timers, fetch and TCP listen/connect.
// One HostApis per isolate, bound to the isolate's network namespace for its whole life: every
// socket is opened in that namespace (`new net.Socket({fd}).connect()` for outgoing connections,
// `server.listen({fd})` for listeners), so a function only ever sees its own namespace's network.
// Where the sockets come from is a NamespaceNetwork: made here (inline), or made by the supervisor
// and handed over (sandbox processes). Resources are owned per context and released by endScope()
// when the context has no activation in flight: nothing a function starts outlives its activations.
import type net from 'node:net';
import type http from 'node:http';
import type { NetworkNamespace } from '../../native/index.js';
import type { GuestMessage, HostMessage } from '../isolate/guest-protocol.js';
import { namespaceFetch } from './namespace-fetch.js';
import type { NamespaceNetwork } from './namespace-network.js';

export interface HostApisOptions {
  namespace: NetworkNamespace;
  network: NamespaceNetwork;
  /** Sends a message into one context of the isolate (fire-and-forget). */
  deliver(contextId: number, msg: HostMessage): void;
  /** Largest fetch response body, bytes (default 16 MB). */
  maxResponseBytes?: number;
  /** Bytes of responses the isolate's fetches may buffer on the host at once (default 64 MB). */
  maxBufferedBytes?: number;
}

/** Everything one context holds on the host side, so that it can all be dropped at once. */
interface ContextResources {
  timers: Map<number, NodeJS.Timeout>;
  servers: Map<number, net.Server>;
  conns: Map<number, net.Socket>;
  requests: Set<http.ClientRequest>;
  /** Aborted by endScope(): stops connects still waiting for their socket. */
  scope: AbortController;
}

/**
 * Executes guest requests (all but logs) for the contexts of one isolate. Contract: never throws
 * into the caller; every failure is answered to the guest as an error message; after endScope(id)
 * no message is delivered to that context for resources it held before; close() ends every scope.
 */
export class HostApis {
  private readonly contexts = new Map<number, ContextResources>();
  private connSeq = 0;
  private closed = false;
  private readonly maxResponseBytes: number;
  private readonly budget: { used: number; max: number };

  constructor(private readonly options: HostApisOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.budget = { used: 0, max: options.maxBufferedBytes ?? 64 * 1024 * 1024 };
  }

  receive(contextId: number, msg: GuestMessage): void {
    if (this.closed) return;
    const r = this.resources(contextId);
    const deliver = (m: HostMessage): void => {
      if (this.contexts.get(contextId) === r) this.options.deliver(contextId, m);
    };
    switch (msg.op) {
      case 'timer': {
        const fire = (): void => {
          if (!msg.repeat) r.timers.delete(msg.id);
          deliver({ op: 'timer', id: msg.id });
        };
        const t = msg.repeat ? setInterval(fire, Math.max(1, msg.ms)) : setTimeout(fire, msg.ms);
        t.unref();
        r.timers.set(msg.id, t);
        break;
      }
      case 'clear-timer': {
        const t = r.timers.get(msg.id);
        if (t) clearTimeout(t);
        r.timers.delete(msg.id);
        break;
      }
      case 'fetch':
        namespaceFetch(msg, (host, port) => this.options.network.connect(this.options.namespace, host, port, r.scope.signal), {
          maxBodyBytes: this.maxResponseBytes,
          maxRedirects: 20,
          budget: this.budget,
          track: (req) => {
            r.requests.add(req);
            req.on('close', () => r.requests.delete(req));
          },
        }).then(
          (res) => deliver({ op: 'fetch-response', id: msg.id, ...res }),
          (e: unknown) => deliver({ op: 'fetch-error', id: msg.id, message: errorText(e) }),
        );
        break;
      case 'listen':
        this.listen(r, msg.id, msg.host, msg.port, deliver);
        break;
      case 'close-server':
        r.servers.get(msg.id)?.close();
        r.servers.delete(msg.id);
        break;
      case 'connect':
        this.connect(r, msg.id, msg.host, msg.port, deliver);
        break;
      case 'write': {
        const sock = r.conns.get(msg.conn);
        if (!sock) break;
        if (msg.end) sock.end(Buffer.from(msg.data));
        else sock.write(Buffer.from(msg.data));
        break;
      }
      case 'destroy':
        r.conns.get(msg.conn)?.destroy();
        break;
      case 'log':
      case 'log-truncated':
        // Logs belong to activations, which the pool tracks; they never reach here.
        break;
    }
  }

  /** Drops every timer, request, listener and connection the context holds. */
  endScope(contextId: number): void {
    const r = this.contexts.get(contextId);
    if (!r) return;
    this.contexts.delete(contextId);
    r.scope.abort();
    for (const t of r.timers.values()) clearTimeout(t);
    for (const req of r.requests) req.destroy();
    for (const s of r.servers.values()) s.close();
    for (const c of r.conns.values()) c.destroy();
  }

  close(): void {
    for (const id of [...this.contexts.keys()]) this.endScope(id);
    this.closed = true;
  }

  private resources(contextId: number): ContextResources {
    let r = this.contexts.get(contextId);
    if (!r) {
      r = { timers: new Map(), servers: new Map(), conns: new Map(), requests: new Set(), scope: new AbortController() };
      this.contexts.set(contextId, r);
    }
    return r;
  }

  private adopt(r: ContextResources, sock: net.Socket, deliver: (m: HostMessage) => void): number {
    const conn = ++this.connSeq;
    r.conns.set(conn, sock);
    sock.on('data', (d: Buffer) => deliver({ op: 'data', conn, data: d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer }));
    sock.on('end', () => deliver({ op: 'end', conn }));
    sock.on('error', (e) => deliver({ op: 'conn-error', conn, message: errorText(e) }));
    sock.on('close', () => {
      r.conns.delete(conn);
      deliver({ op: 'close', conn });
    });
    return conn;
  }

  private listen(r: ContextResources, id: number, host: string, port: number, deliver: (m: HostMessage) => void): void {
    this.options.network.listen(this.options.namespace, host, port, 511).then(
      (server) => {
        if (r.scope.signal.aborted) {
          server.close(); // the scope ended while the listener was being made
          return;
        }
        server.on('connection', (sock: net.Socket) => {
          const conn = this.adopt(r, sock, deliver);
          deliver({
            op: 'accept', id, conn,
            remoteAddress: sock.remoteAddress ?? '', remotePort: sock.remotePort ?? 0, localAddress: sock.localAddress ?? '', localPort: sock.localPort ?? 0,
          });
        });
        r.servers.set(id, server);
        server.once('error', (e) => {
          r.servers.delete(id);
          deliver({ op: 'listen-error', id, message: errorText(e) });
        });
        const a = server.address();
        const bound = typeof a === 'object' && a !== null ? a : { address: host, port };
        deliver({ op: 'listening', id, host: bound.address, port: bound.port });
      },
      (e: unknown) => deliver({ op: 'listen-error', id, message: errorText(e) }),
    );
  }

  private connect(r: ContextResources, id: number, host: string, port: number, deliver: (m: HostMessage) => void): void {
    // Until connected the socket is owned by the network, which endScope() stops through r.scope.
    this.options.network.connect(this.options.namespace, host, port, r.scope.signal).then(
      (sock) => {
        if (r.scope.signal.aborted) {
          sock.destroy();
          return;
        }
        const conn = this.adopt(r, sock, deliver);
        deliver({ op: 'connected', id, conn, localAddress: sock.localAddress ?? '', localPort: sock.localPort ?? 0 });
      },
      (e: unknown) => deliver({ op: 'connect-error', id, message: errorText(e) }),
    );
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
