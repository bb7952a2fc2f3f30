// The host side of node:net and node:tls: TCP connections and listeners in the function's own
// network namespace (scope.network, the same NamespaceNetwork that fetch and tcp use), and TLS
// clients whose handshake and certificate check are Node's own, over such a connection. Bytes cross
// through HostStreams (flow-controlled both ways); everything is closed when the scope ends.
import type net from 'node:net';
import tls from 'node:tls';
import type { HostBuiltin, HostBuiltinScope } from '../host-builtin.js';
import { coded, streamOp, streamsOf } from './host-streams.js';

interface NetState {
  servers?: Map<number, net.Server>;
  serverSeq?: number;
}

export function hostAndPort(o: unknown): { host: string; port: number } {
  const r = (o ?? {}) as { host?: unknown; port?: unknown };
  const host = typeof r.host === 'string' && r.host !== '' ? r.host : 'localhost';
  const port = Number(r.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw coded('ERR_SOCKET_BAD_PORT', `Port should be >= 0 and < 65536. Received ${String(r.port)}.`, RangeError);
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
}

function addresses(s: net.Socket): Record<string, unknown> {
  return { localAddress: s.localAddress ?? '', localPort: s.localPort ?? 0, remoteAddress: s.remoteAddress ?? '', remotePort: s.remotePort ?? 0, remoteFamily: s.remoteFamily ?? 'IPv4' };
}

/** Opens a TCP connection from inside the namespace (aborted with the scope). */
export async function connectIn(scope: HostBuiltinScope, host: string, port: number): Promise<net.Socket> {
  if (port === 0) throw coded('ERR_SOCKET_BAD_PORT', 'Port should be > 0 and < 65536. Received 0.', RangeError);
  let sock: net.Socket;
  try {
    sock = await scope.network.connect(scope.namespace, host, port, scope.signal);
  } catch (e) {
    // A sandbox's sockets come from its supervisor, whose errors arrive as messages only: give
    // the guest Node's code back (ECONNREFUSED, EHOSTUNREACH, …) from the message.
    const err: NodeJS.ErrnoException = e instanceof Error ? e : new Error(String(e));
    const code = /\b(E[A-Z]{3,})\b/.exec(err.message)?.[1];
    if (err.code === undefined && code !== undefined) err.code = code;
    throw err;
  }
  if (scope.signal.aborted) {
    sock.destroy();
    throw coded('ECONNABORTED', 'the activation ended');
  }
  return sock;
}

/** Wraps a namespace socket in a TLS client (Node's verification with its CAs unless told not to). */
export function tlsOver(raw: net.Socket, o: Record<string, unknown>, host: string): tls.TLSSocket {
  const servername = typeof o.servername === 'string' ? o.servername : host;
  const options: tls.ConnectionOptions = {
    socket: raw,
    ...(/^[\d.]+$|:/.test(servername) ? {} : { servername }),
    rejectUnauthorized: o.rejectUnauthorized !== false,
  };
  if (typeof o.ca === 'string' || Array.isArray(o.ca)) options.ca = o.ca as string | string[];
  if (Array.isArray(o.ALPNProtocols)) options.ALPNProtocols = (o.ALPNProtocols as unknown[]).filter((p): p is string => typeof p === 'string');
  // Node checks the certificate against the name the caller meant (host), not the address.
  options.checkServerIdentity = (_name, cert) => tls.checkServerIdentity(servername, cert) ?? undefined;
  return tls.connect(options);
}

async function tlsConnect(scope: HostBuiltinScope, o: Record<string, unknown>): Promise<unknown> {
  const { host, port } = hostAndPort(o);
  const raw = await connectIn(scope, host, port);
  const sock = tlsOver(raw, o, host);
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      sock.destroy(coded('ECONNABORTED', 'the activation ended'));
    };
    scope.signal.addEventListener('abort', onAbort, { once: true });
    sock.once('secureConnect', () => {
      scope.signal.removeEventListener('abort', onAbort);
      resolve();
    });
    sock.once('error', (e) => {
      scope.signal.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(e);
    });
  });
  const cert = sock.getPeerCertificate();
  const id = streamsOf(scope).add(sock, sock);
  return {
    id, ...addresses(raw),
    authorized: sock.authorized, authorizationError: sock.authorizationError === undefined ? null : String(sock.authorizationError),
    alpnProtocol: sock.alpnProtocol, protocol: sock.getProtocol(),
    cert: cert && Object.keys(cert).length > 0
      ? { subject: { ...cert.subject }, issuer: { ...cert.issuer }, valid_from: cert.valid_from, valid_to: cert.valid_to, fingerprint256: cert.fingerprint256, serialNumber: cert.serialNumber, subjectaltname: cert.subjectaltname }
      : {},
  };
}

async function listen(scope: HostBuiltinScope, o: Record<string, unknown>): Promise<unknown> {
  const port = Number(o.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw coded('ERR_SOCKET_BAD_PORT', `options.port should be >= 0 and < 65536. Received ${String(o.port)}.`, RangeError);
  const host = typeof o.host === 'string' && o.host !== '' && o.host !== '::' ? o.host : '0.0.0.0';
  const backlog = typeof o.backlog === 'number' && o.backlog > 0 ? Math.min(o.backlog, 511) : 511;
  const server = await scope.network.listen(scope.namespace, host, port, backlog);
  const st = scope.state as NetState;
  st.servers ??= new Map();
  const id = (st.serverSeq = (st.serverSeq ?? 0) + 1);
  if (scope.signal.aborted) {
    server.close();
    throw coded('ECONNABORTED', 'the activation ended');
  }
  st.servers.set(id, server);
  const streams = streamsOf(scope);
  server.on('connection', (sock: net.Socket) => {
    if (scope.signal.aborted) return void sock.destroy();
    // Without it, Nagle's algorithm and the peer's delayed ACK stall each flow-controlled piece.
    sock.setNoDelay(true);
    let conn: number;
    try {
      conn = streams.add(sock, sock);
    } catch {
      return; // EMFILE: the connection is refused (add destroyed it)
    }
    scope.emit('connection', { server: id, id: conn, ...addresses(sock) });
  });
  server.on('error', (e) => scope.emit('server-error', { server: id, message: e.message }));
  server.on('close', () => {
    st.servers?.delete(id);
    scope.emit('server-close', { server: id });
  });
  if (st.servers.size === 1) scope.signal.addEventListener('abort', () => { for (const s of st.servers?.values() ?? []) s.close(); }, { once: true });
  const a = server.address();
  const bound = typeof a === 'object' && a !== null ? a : { address: host, port, family: 'IPv4' };
  return { id, address: bound.address, port: bound.port, family: 'IPv4' };
}

export const netHost: HostBuiltin = {
  async call(op, args, scope) {
    const common = streamOp(op, args, scope);
    if (common) return common.value;
    const o = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Record<string, unknown>;
    switch (op) {
      case 'connect': {
        const { host, port } = hostAndPort(o);
        const sock = await connectIn(scope, host, port);
        sock.setNoDelay(o.noDelay !== false);
        return { id: streamsOf(scope).add(sock, sock), ...addresses(sock) };
      }
      case 'tls-connect':
        return tlsConnect(scope, o);
      case 'listen':
        return listen(scope, o);
      case 'close-server': {
        const s = (scope.state as NetState).servers?.get(Number(args[0]));
        s?.close();
        return null;
      }
      case 'set-no-delay': {
        const sock = streamsOf(scope).get(args[0]).readable as net.Socket | null;
        sock?.setNoDelay?.(args[1] !== false);
        return null;
      }
      default:
        throw new TypeError(`net: no host operation ${op}`);
    }
  },
};
