// The host side of node:dgram: UDP sockets in the function's own network namespace, created there
// (scope.network.udpBind: the invoker's NamespaceSockets inline, the supervisor in a sandbox
// process, which passes the bound socket over IPC) and driven by Node's own dgram. Datagrams
// cross as copies. UDP has no flow control to push back with, so the bounds drop instead, as a
// full socket buffer does: a datagram that arrives while the guest holds more than RECV_WINDOW
// unacknowledged bytes of this module is dropped (and counted), a send while Node's queue for
// the socket holds more than SEND_QUEUE bytes fails with ENOBUFS, and a context opens at most
// MAX_HANDLES sockets (EMFILE). Everything is closed when the scope ends.
import type dgram from 'node:dgram';
import type { HostBuiltin, HostBuiltinScope } from '../host-builtin.js';
import { coded, MAX_HANDLES } from './host-streams.js';

/** Received bytes the guest has not acknowledged yet, per module per context, beyond which datagrams are dropped. */
export const RECV_WINDOW = 1024 * 1024;
/** Bytes queued in Node for one socket (the kernel's buffer was full), beyond which a send fails with ENOBUFS. */
export const SEND_QUEUE = 1024 * 1024;
/** The largest UDP payload over IPv4. */
export const MAX_DATAGRAM = 65507;

interface DgramState {
  sockets: Map<number, dgram.Socket>;
  seq: number;
  unacked: number;
  dropped: number;
  /** Sockets with a connect() in progress: their errors answer it. */
  connecting: Set<number>;
}

function stateOf(scope: HostBuiltinScope): DgramState {
  const holder = scope.state as { dgram?: DgramState };
  if (holder.dgram === undefined) {
    const st: DgramState = { sockets: new Map(), seq: 0, unacked: 0, dropped: 0, connecting: new Set() };
    holder.dgram = st;
    scope.signal.addEventListener('abort', () => { for (const sock of st.sockets.values()) closeQuietly(sock); st.sockets.clear(); }, { once: true });
  }
  return holder.dgram;
}

function closeQuietly(sock: dgram.Socket): void {
  try {
    sock.close();
  } catch {
    // already closed
  }
}

function portOf(v: unknown, allowZero: boolean): number {
  const port = Number(v);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) throw coded('ERR_SOCKET_BAD_PORT', `Port should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${String(v)}.`, RangeError);
  return port;
}

function addressOf(v: unknown, fallback: string): string {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string' || v.length > 255) throw coded('ERR_INVALID_ARG_TYPE', 'The "address" argument must be of type string', TypeError);
  return v;
}

/** The errno's code of a failure, from Node's error or from a supervisor's message ("EADDRINUSE: …", "bind failed: EADDRINUSE"). */
function withCode(e: unknown, syscall: string): Error {
  const err: NodeJS.ErrnoException = e instanceof Error ? e : new Error(String(e));
  const code = typeof err.code === 'string' ? err.code : /\b(E[A-Z]{3,})\b/.exec(err.message)?.[1];
  return coded(code ?? 'EINVAL', `${syscall} ${code ?? 'EINVAL'}${err.message.includes(code ?? '\0') ? '' : `: ${err.message}`}`);
}

async function bindSocket(scope: HostBuiltinScope, o: Record<string, unknown>): Promise<unknown> {
  const st = stateOf(scope);
  if (st.sockets.size >= MAX_HANDLES) throw coded('EMFILE', `too many open UDP sockets (${MAX_HANDLES} per activation context)`);
  const port = portOf(o.port ?? 0, true);
  const address = addressOf(o.address, '0.0.0.0');
  let sock: dgram.Socket;
  try {
    sock = await scope.network.udpBind(scope.namespace, address, port);
  } catch (e) {
    throw withCode(e, 'bind');
  }
  if (scope.signal.aborted || st.sockets.size >= MAX_HANDLES) {
    closeQuietly(sock);
    throw coded(scope.signal.aborted ? 'ECONNABORTED' : 'EMFILE', scope.signal.aborted ? 'the activation ended' : 'too many open UDP sockets');
  }
  const id = ++st.seq;
  st.sockets.set(id, sock);
  sock.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    if (scope.signal.aborted) return;
    if (st.unacked + msg.length > RECV_WINDOW) {
      st.dropped++;
      return;
    }
    st.unacked += msg.length;
    scope.emit('message', { id, data: msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.byteLength), address: rinfo.address, port: rinfo.port, size: rinfo.size });
  });
  sock.on('error', (e: NodeJS.ErrnoException) => st.connecting.has(id) || scope.emit('error', { id, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}), ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}) }));
  sock.on('close', () => {
    st.sockets.delete(id);
    scope.emit('close', { id });
  });
  const a = sock.address();
  return { id, address: a.address, port: a.port, family: 'IPv4' };
}

function socketOf(scope: HostBuiltinScope, id: unknown): dgram.Socket {
  const sock = stateOf(scope).sockets.get(Number(id));
  if (!sock) throw coded('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
  return sock;
}

function send(scope: HostBuiltinScope, args: unknown[]): Promise<number> {
  const sock = socketOf(scope, args[0]);
  const data = args[1];
  if (!(data instanceof Uint8Array)) throw coded('ERR_INVALID_ARG_TYPE', 'The "msg" argument must be a Buffer', TypeError);
  if (data.length > MAX_DATAGRAM) throw coded('EMSGSIZE', 'send EMSGSIZE');
  if (sock.getSendQueueSize() > SEND_QUEUE) throw coded('ENOBUFS', 'send ENOBUFS');
  const connected = args[2] === undefined || args[2] === null;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, bytes?: number): void => (err ? reject(withCode(err, 'send')) : resolve(bytes ?? data.length));
    try {
      if (connected) sock.send(data, done);
      else sock.send(data, portOf(args[2], false), addressOf(args[3], '127.0.0.1'), done);
    } catch (e) {
      reject(withCode(e, 'send'));
    }
  });
}

function connect(scope: HostBuiltinScope, args: unknown[]): Promise<unknown> {
  const st = stateOf(scope);
  const id = Number(args[0]);
  const sock = socketOf(scope, id);
  const port = portOf(args[1], false);
  const address = addressOf(args[2], '127.0.0.1');
  return new Promise((resolve, reject) => {
    // A failed connect is its answer, not also an 'error' event (Node's connect with a callback).
    st.connecting.add(id);
    const onError = (e: Error): void => {
      st.connecting.delete(id);
      reject(withCode(e, 'connect'));
    };
    sock.once('error', onError);
    try {
      sock.connect(port, address, () => {
        st.connecting.delete(id);
        sock.off('error', onError);
        const r = sock.remoteAddress();
        resolve({ address: r.address, port: r.port, family: 'IPv4' });
      });
    } catch (e) {
      sock.off('error', onError);
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

// Socket options a function may set, each Node's own method (the values are checked by Node).
const OPTIONS: Record<string, (s: dgram.Socket, v: unknown, w: unknown) => unknown> = {
  broadcast: (s, v) => s.setBroadcast(v === true),
  ttl: (s, v) => s.setTTL(Number(v)),
  multicastTTL: (s, v) => s.setMulticastTTL(Number(v)),
  multicastLoopback: (s, v) => s.setMulticastLoopback(v === true),
  multicastInterface: (s, v) => s.setMulticastInterface(String(v)),
  addMembership: (s, v, w) => s.addMembership(String(v), typeof w === 'string' ? w : undefined),
  dropMembership: (s, v, w) => s.dropMembership(String(v), typeof w === 'string' ? w : undefined),
  recvBufferSize: (s, v) => s.setRecvBufferSize(Math.min(Number(v), 4 * 1024 * 1024)),
  sendBufferSize: (s, v) => s.setSendBufferSize(Math.min(Number(v), 4 * 1024 * 1024)),
  getRecvBufferSize: (s) => s.getRecvBufferSize(),
  getSendBufferSize: (s) => s.getSendBufferSize(),
};

export const dgramHost: HostBuiltin = {
  call(op, args, scope) {
    switch (op) {
      case 'bind':
        return bindSocket(scope, (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Record<string, unknown>);
      case 'send':
        return send(scope, args);
      case 'connect':
        return connect(scope, args);
      case 'disconnect':
        socketOf(scope, args[0]).disconnect();
        return null;
      case 'close': {
        const st = stateOf(scope);
        const sock = st.sockets.get(Number(args[0]));
        if (sock) closeQuietly(sock);
        return null;
      }
      case 'ack': {
        const st = stateOf(scope);
        const n = Number(args[0]);
        if (Number.isFinite(n) && n > 0) st.unacked = Math.max(0, st.unacked - n);
        return null;
      }
      case 'option': {
        const set = typeof args[1] === 'string' && Object.hasOwn(OPTIONS, args[1]) ? OPTIONS[args[1]] : undefined;
        if (!set) throw coded('ERR_INVALID_ARG_VALUE', `dgram: no option ${String(args[1])}`, TypeError);
        try {
          const v = set(socketOf(scope, args[0]), args[2], args[3]);
          return typeof v === 'number' ? v : null;
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw coded(typeof err.code === 'string' ? err.code : 'EINVAL', err.message, e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error);
        }
      }
      case 'stats':
        return { open: stateOf(scope).sockets.size, unacked: stateOf(scope).unacked, dropped: stateOf(scope).dropped };
      default:
        throw new TypeError(`dgram: no host operation ${op}`);
    }
  },
};
