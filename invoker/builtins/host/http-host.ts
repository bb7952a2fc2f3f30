// The host side of node:http and node:https: Node's own HTTP client (its parser, chunked coding,
// keep-alive Agent, and for https its TLS with certificate verification against Node's CAs) and
// Node's own HTTP server, with every socket in the function's namespace (net-host.ts connectIn and
// scope.network.listen). Request and response bodies cross as HostStreams, flow-controlled both
// ways, so a huge or slow response is paused on the host, not buffered. Everything is closed when
// the scope ends: agents with their idle sockets, requests, servers and their connections.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { HostBuiltin, HostBuiltinScope } from '../host-builtin.js';
import { coded, streamOp, streamsOf } from './host-streams.js';
import { connectIn, hostAndPort, tlsOver } from './net-host.js';

interface HttpState {
  agents?: Map<string, http.Agent>;
  servers?: Map<number, { http: http.Server; net: net.Server | null }>;
  serverSeq?: number;
  watching?: boolean;
}

type Oncreate = (err: Error | null, socket: Duplex) => void;

function state(scope: HostBuiltinScope): HttpState {
  const st = scope.state as HttpState;
  if (!st.watching) {
    st.watching = true;
    scope.signal.addEventListener('abort', () => {
      for (const a of st.agents?.values() ?? []) a.destroy();
      for (const s of st.servers?.values() ?? []) {
        s.net?.close();
        s.http.closeAllConnections();
        s.http.close();
      }
    }, { once: true });
  }
  return st;
}

/** A connector in the namespace with Node's asynchronous createConnection(options, oncreate). */
function connector(scope: HostBuiltinScope, secure: boolean, tlsOptions: Record<string, unknown>) {
  return (opts: { host?: string | null; hostname?: string | null; port?: number | string | null; servername?: string }, oncreate: Oncreate): undefined => {
    const host = opts.hostname ?? opts.host ?? 'localhost';
    const port = Number(opts.port ?? (secure ? 443 : 80));
    connectIn(scope, host, port).then(
      (raw) => oncreate(null, secure ? tlsOver(raw, { ...tlsOptions, servername: opts.servername ?? tlsOptions.servername, ALPNProtocols: ['http/1.1'] }, host) : raw),
      // Node's contract: on error the socket argument is not used.
      (e: unknown) => oncreate(e instanceof Error ? e : new Error(String(e)), undefined as unknown as Duplex),
    );
    return undefined;
  };
}

/** The host Agent standing for a guest Agent (by its id), made on first use, destroyed with the scope. */
function agentFor(scope: HostBuiltinScope, secure: boolean, a: Record<string, unknown>, tlsOptions: Record<string, unknown>): http.Agent {
  const st = state(scope);
  st.agents ??= new Map();
  // As Node's Agent names its pools: connections with other TLS options are not shared.
  const key = `${secure ? 's' : 'p'}${String(a.id)}${secure ? `:${createHash('sha256').update(JSON.stringify(tlsOptions)).digest('hex')}` : ''}`;
  let agent = st.agents.get(key);
  if (!agent) {
    const num = (v: unknown, d: number): number => (typeof v === 'number' && v > 0 ? Math.min(v, 256) : d);
    const options = { keepAlive: a.keepAlive === true, keepAliveMsecs: num(a.keepAliveMsecs, 1000), maxSockets: num(a.maxSockets, 256), maxFreeSockets: num(a.maxFreeSockets, 256) };
    agent = secure ? new https.Agent(options) : new http.Agent(options);
    Object.assign(agent, { createConnection: connector(scope, secure, tlsOptions) });
    st.agents.set(key, agent);
  }
  return agent;
}

function headerPairs(h: unknown): [string, string | string[]][] {
  if (!Array.isArray(h)) return [];
  const out: [string, string | string[]][] = [];
  for (const p of h as unknown[]) {
    if (!Array.isArray(p) || typeof p[0] !== 'string') continue;
    const v: unknown = p[1];
    out.push([p[0], Array.isArray(v) ? v.map(String) : String(v)]);
  }
  return out;
}

function request(scope: HostBuiltinScope, o: Record<string, unknown>): unknown {
  const secure = o.protocol === 'https:';
  const { host, port } = hostAndPort({ host: o.host, port: o.port ?? (secure ? 443 : 80) });
  const tlsOptions: Record<string, unknown> = { rejectUnauthorized: o.rejectUnauthorized !== false, ...(typeof o.servername === 'string' ? { servername: o.servername } : {}), ...(o.ca !== undefined ? { ca: o.ca } : {}) };
  const agentSpec = o.agent;
  const options: http.RequestOptions & { createConnection?: unknown } = {
    method: typeof o.method === 'string' ? o.method : 'GET',
    host, port,
    path: typeof o.path === 'string' ? o.path : '/',
    setHost: o.setHost !== false,
  };
  // Only two ways to a socket, both in the namespace: the guest Agent's host Agent, or (no agent)
  // createConnection. Never `agent: false`: Node then makes a plain Agent of its own, which would
  // connect from the invoker's network, not the function's.
  if (typeof agentSpec === 'object' && agentSpec !== null) options.agent = agentFor(scope, secure, agentSpec as Record<string, unknown>, tlsOptions);
  else options.createConnection = connector(scope, secure, tlsOptions);
  const req = (secure ? https : http).request(options as http.RequestOptions);
  for (const [k, v] of headerPairs(o.headers)) req.setHeader(k, v);
  const streams = streamsOf(scope);
  const id = streams.add(null, req);
  req.on('response', (res) => {
    let resId: number;
    try {
      resId = streams.add(res, null);
    } catch (e) {
      req.destroy(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    scope.emit('response', { id, resId, statusCode: res.statusCode, statusMessage: res.statusMessage, httpVersion: res.httpVersion, headers: { ...res.headers }, rawHeaders: res.rawHeaders });
    res.on('end', () => scope.emit('trailers', { id: resId, trailers: { ...res.trailers }, rawTrailers: res.rawTrailers }));
  });
  req.on('information', (info) => scope.emit('information', { id, statusCode: info.statusCode, statusMessage: info.statusMessage, headers: { ...info.headers } }));
  req.on('socket', (s) => scope.emit('socket', { id, reused: req.reusedSocket, localAddress: s.localAddress ?? '', localPort: s.localPort ?? 0 }));
  if (typeof o.timeout === 'number' && o.timeout > 0) req.setTimeout(o.timeout, () => scope.emit('timeout', { id }));
  if (o.flushHeaders === true) req.flushHeaders();
  return { id };
}

async function listen(scope: HostBuiltinScope, o: Record<string, unknown>): Promise<unknown> {
  const st = state(scope);
  st.servers ??= new Map();
  const port = Number(o.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw coded('ERR_SOCKET_BAD_PORT', `options.port should be >= 0 and < 65536. Received ${String(o.port)}.`, RangeError);
  const host = typeof o.host === 'string' && o.host !== '' && o.host !== '::' ? o.host : '0.0.0.0';
  const netServer = await scope.network.listen(scope.namespace, host, port, 511);
  if (scope.signal.aborted) {
    netServer.close();
    throw coded('ECONNABORTED', 'the activation ended');
  }
  const id = (st.serverSeq = (st.serverSeq ?? 0) + 1);
  const server = http.createServer({ keepAliveTimeout: 5000 });
  // Node tracks a server's connections from its 'listening' event on (closeIdleConnections,
  // closeAllConnections); this one never listens itself, its connections come from netServer.
  server.emit('listening');
  st.servers.set(id, { http: server, net: netServer });
  netServer.on('connection', (sock: net.Socket) => {
    sock.setNoDelay(true); // as Node's HTTP server does by default
    server.emit('connection', sock);
  });
  netServer.on('close', () => {
    st.servers?.delete(id);
    scope.emit('server-close', { server: id });
  });
  const streams = streamsOf(scope);
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let reqId: number;
    let resId: number;
    try {
      reqId = streams.add(req, null);
      resId = streams.add(null, res);
    } catch {
      req.socket.destroy(); // EMFILE: too many requests in flight for this context
      return;
    }
    scope.emit('request', {
      server: id, reqId, resId, method: req.method, url: req.url, httpVersion: req.httpVersion, headers: { ...req.headers }, rawHeaders: req.rawHeaders,
      remoteAddress: req.socket.remoteAddress ?? '', remotePort: req.socket.remotePort ?? 0, localAddress: req.socket.localAddress ?? '', localPort: req.socket.localPort ?? 0,
    });
  });
  const a = netServer.address();
  const bound = typeof a === 'object' && a !== null ? a : { address: host, port };
  return { id, address: bound.address, port: bound.port, family: 'IPv4' };
}

function writeHead(scope: HostBuiltinScope, args: unknown[]): null {
  const res = streamsOf(scope).get(args[0]).writable as http.ServerResponse | null;
  if (!res || typeof res.writeHead !== 'function') throw coded('EBADF', 'not a response');
  if (res.headersSent) return null;
  const status = Number(args[1]);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of headerPairs(args[3])) headers[k] = v;
  res.writeHead(status, typeof args[2] === 'string' ? args[2] : undefined, headers);
  return null;
}

export const httpHost: HostBuiltin = {
  async call(op, args, scope) {
    const common = streamOp(op, args, scope);
    if (common) return common.value;
    const o = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Record<string, unknown>;
    switch (op) {
      case 'request':
        return request(scope, o);
      case 'listen':
        return listen(scope, o);
      case 'write-head':
        return writeHead(scope, args);
      case 'close-server': {
        const s = state(scope).servers?.get(Number(args[0]));
        s?.net?.close();
        s?.http.closeIdleConnections();
        return null;
      }
      case 'destroy-agent': {
        const agents = state(scope).agents ?? new Map<string, http.Agent>();
        for (const [k, agent] of agents) {
          if (k.slice(1).split(':')[0] !== String(args[0])) continue;
          agent.destroy();
          agents.delete(k);
        }
        return null;
      }
      default:
        throw new TypeError(`http: no host operation ${op}`);
    }
  },
};
