// The REST API's edge against slow, oversized and unauthenticated clients: request and header
// timeouts (OpenWhisk's controller: akka-http request-timeout 90 s), a 408 with OpenWhisk's body
// when a client is too slow, a lingering close after a refused body so the client reads its 413
// instead of a TCP reset, and the headers RFC 9110 asks for on 401, 429 and 503.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface EdgeTimeouts {
  /** The whole request (headers and body) must arrive within this; 408 after. */
  requestTimeoutMs: number;
  /** The headers must arrive within this (≤ requestTimeoutMs); 408 after. */
  headersTimeoutMs: number;
}

/**
 * How long an idle kept-alive connection stays open. Longer than the idle timeouts of the clients
 * and proxies in front (undici 4 s, nginx's upstream keepalive 60 s), so that the client always
 * closes an idle connection first. With node's default of 5 s, a client reusing a connection just
 * as the server closed it saw its request reset (a 48 MB PUT from a loaded client did, in tests).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** createServer options for the timeouts: node checks them every connectionsCheckingInterval. */
export function serverTimeoutOptions(t: EdgeTimeouts): { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number } {
  const requestTimeout = Math.max(1, t.requestTimeoutMs);
  const headersTimeout = Math.max(1, Math.min(t.headersTimeoutMs, requestTimeout));
  // node's default check is every 30 s: a 90 s limit would hold a slow client up to 120 s.
  return { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))) };
}

/**
 * Answers errors node raises before a request reaches the handler (or while its body is still
 * arriving): a timeout is 408 with an OpenWhisk `{error, code}` body, a malformed request 400;
 * then the connection closes.
 */
export function installClientErrorHandler(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || socket.destroyed) {
      socket.destroy();
      return;
    }
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT';
    // A response already started on this socket cannot be followed by another one.
    const started = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
    if (started) {
      socket.destroy();
      return;
    }
    const status = timeout ? '408 Request Timeout' : '400 Bad Request';
    const body = JSON.stringify({ error: timeout ? 'The request was not received in time.' : 'The request content was malformed.', code: 'edge' });
    answered.add(socket);
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    lingerThenDestroy(socket);
  });
}

/** Sockets the edge already answered (408/400): a handler still running must not write to them. */
const answered = new WeakSet<Socket>();

export function answeredByEdge(socket: Socket): boolean {
  return answered.has(socket) || socket.destroyed;
}

/**
 * How long a closing connection keeps reading (and dropping) what the client still sends: while
 * data keeps arriving (at most this long without any), and never longer than the total. An idle
 * bound alone would let a client that dribbles a byte a second hold the socket; a total alone cut
 * off an honest client sending a large refused body from a loaded machine, which then saw a reset
 * instead of the 413.
 */
const LINGER_IDLE_MS = 2_000;
const LINGER_TOTAL_MS = 30_000;
/** …and how much of it, so a refused 1 GB upload costs at most this much reading. */
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * For an answer sent while the request body is still arriving (413, 401 before the body, …): the
 * response is written, then the write side closes and the rest of the body is read and dropped for
 * a bounded time, then the socket closes. Closing at once (node's default for `connection: close`)
 * leaves unread data in the kernel, which answers with a TCP reset that makes the client drop the
 * response it has not read yet (RFC 9112 §9.6, nginx's lingering_close).
 */
export function prepareLingeringClose(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  // node closes a `connection: close` response's socket with destroySoon() once it is written.
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    lingerThenDestroy(socket);
  };
  // The body the handler stopped reading: keep it flowing so the socket keeps being read.
  req.on('error', () => undefined);
  req.resume();
  res.on('error', () => undefined);
}

function lingerThenDestroy(socket: Socket): void {
  let read = 0;
  const done = (): void => {
    clearTimeout(idle);
    clearTimeout(total);
    socket.destroy();
  };
  const idle = setTimeout(done, LINGER_IDLE_MS);
  const total = setTimeout(done, LINGER_TOTAL_MS);
  idle.unref();
  total.unref();
  socket.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER_BYTES) done();
    else idle.refresh();
  });
  socket.once('end', done);
  socket.once('close', () => {
    clearTimeout(idle);
    clearTimeout(total);
  });
  socket.on('error', () => undefined);
  socket.resume();
}

/** The headers an error status must carry (RFC 9110 §11.6.1 WWW-Authenticate; Retry-After on 429/503). */
export function statusHeaders(status: number, given: Record<string, string>): Record<string, string> {
  // Every other status (a warm invoke's 200 among them) adds nothing: no closure, no key scan.
  if (status !== 401 && status !== 429 && status !== 503) return {};
  const has = (name: string): boolean => Object.keys(given).some((k) => k.toLowerCase() === name);
  const out: Record<string, string> = {};
  // OpenWhisk's controller realm (akka-http authenticateBasicAsync).
  if (status === 401 && !has('www-authenticate')) out['www-authenticate'] = 'Basic realm="whisk rest service"';
  // A throttle counts per minute; no invoker or a store outage is usually seconds.
  if (status === 429 && !has('retry-after')) out['retry-after'] = '60';
  if (status === 503 && !has('retry-after')) out['retry-after'] = '5';
  return out;
}
