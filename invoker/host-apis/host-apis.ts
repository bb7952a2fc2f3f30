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
import type { BuiltinAnswer, GuestMessage, HostMessage } from '../isolate/guest-protocol.js';
import { HOST_BUILTINS } from '../builtins/host-builtins.js';
import type { HostBuiltinScope } from '../builtins/host-builtin.js';
import { namespaceFetch } from './namespace-fetch.js';
import type { NamespaceNetwork } from './namespace-network.js';

export interface HostApisOptions {
  namespace: NetworkNamespace;
  network: NamespaceNetwork;
  /** Sends a message into one context of the isolate (fire-and-forget). */
  deliver(contextId: number, msg: HostMessage): void;
  /** The isolate's heap figures and limit, for built-ins (process.memoryUsage). */
  memory?(): Promise<{ limit: number; used: number; total: number; external: number }>;
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
  immediate: NodeJS.Immediate | null;
  /** Built-in modules' host scopes, by module name (created at their first call). */
  builtins: Map<string, HostBuiltinScope>;
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
      case 'immediate':
        r.immediate ??= setImmediate(() => {
          r.immediate = null;
          deliver({ op: 'immediate' });
        });
        break;
      case 'builtin':
        void this.call(contextId, msg.module, msg.call, msg.args).then((answer) => deliver({ op: 'builtin-result', id: msg.id, ...answer }));
        break;
      case 'log':
      case 'log-truncated':
        // Logs belong to activations, which the pool tracks; they never reach here.
        break;
    }
  }

  /**
   * A built-in module's host call (sync or async in the guest), answered as plain data: its
   * handler's value, or its failure as {name, message, code}. Never rejects.
   */
  async call(contextId: number, module: string, op: string, args: unknown[]): Promise<BuiltinAnswer> {
    const handler = HOST_BUILTINS[module];
    if (this.closed || handler === undefined) return { ok: false, error: { name: 'Error', message: `${module}: no host operation ${op}` } };
    const r = this.resources(contextId);
    let scope = r.builtins.get(module);
    if (!scope) {
      const signal = r.scope.signal;
      scope = {
        contextId, signal, namespace: this.options.namespace, network: this.options.network, state: {},
        memory: () => this.options.memory?.() ?? Promise.resolve({ limit: 0, used: 0, total: 0, external: 0 }),
        emit: (event, data) => {
          if (!signal.aborted && this.contexts.get(contextId) === r) this.options.deliver(contextId, { op: 'builtin-event', module, event, data });
        },
      };
      r.builtins.set(module, scope);
    }
    try {
      return { ok: true, value: await handler.call(op, args, scope) };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const code = (err as NodeJS.ErrnoException).code;
      return { ok: false, error: { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) } };
    }
  }

  /** Drops every timer, request, listener and connection the context holds. */
  endScope(contextId: number): void {
    const r = this.contexts.get(contextId);
    if (!r) return;
    this.contexts.delete(contextId);
    r.scope.abort();
    for (const t of r.timers.values()) clearTimeout(t);
    if (r.immediate) clearImmediate(r.immediate);
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
      r = { timers: new Map(), servers: new Map(), conns: new Map(), requests: new Set(), immediate: null, builtins: new Map(), scope: new AbortController() };
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
