// node:http (and node:https through `_request(…, 'https:')`) — Node's own HTTP client and server
// running on the host in the function's namespace (host/http-host.ts), seen here as Node's
// objects: ClientRequest and ServerResponse are Writables, IncomingMessage a Readable, bodies
// streamed both ways with flow control (internal/host-stream). Headers arrive as Node parsed them
// (`headers`, `rawHeaders`, `trailers`). An Agent here names a host Agent (keep-alive, maxSockets);
// the global one keeps connections alive as Node 20's does, until the activations end.
const { Writable, Readable } = require('stream');
const EventEmitter = require('events');
const { Buffer } = require('buffer');
const net = require('net');
const { URL } = require('url');
const { setTimeout, clearTimeout } = require('timers');
const { METHODS, STATUS_CODES } = require('internal/http-codes');
const host = require('photon:host');
const hub = require('internal/host-stream')(host);

function coded(code, message, Ctor) { const e = new (Ctor || Error)(message); e.code = code; return e; }
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
function checkHeader(name, value) {
  if (typeof name !== 'string' || !TOKEN.test(name)) throw coded('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`, TypeError);
  if (value === undefined) throw coded('ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "undefined" for header "${name}"`, TypeError);
  if ((Array.isArray(value) ? value : [value]).some((v) => BAD_VALUE.test(String(v)))) throw coded('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`, TypeError);
}

// ---- Agent ----------------------------------------------------------------------------------------
let agentSeq = 0;
class Agent extends EventEmitter {
  constructor(options = {}) {
    super();
    this.options = { path: null, ...options };
    this.keepAlive = Boolean(options.keepAlive);
    this.keepAliveMsecs = options.keepAliveMsecs || 1000;
    this.maxSockets = options.maxSockets || Infinity;
    this.maxFreeSockets = options.maxFreeSockets || 256;
    this.maxTotalSockets = options.maxTotalSockets || Infinity;
    this.defaultPort = 80;
    this.protocol = 'http:';
    this.requests = {}; this.sockets = {}; this.freeSockets = {};
    this._id = ++agentSeq;
  }
  _spec() { return { id: this._id, keepAlive: this.keepAlive, keepAliveMsecs: this.keepAliveMsecs, maxSockets: Number.isFinite(this.maxSockets) ? this.maxSockets : 0, maxFreeSockets: this.maxFreeSockets }; }
  getName(o = {}) { return `${o.host || 'localhost'}:${o.port || ''}:${o.localAddress || ''}${o.family ? ':' + o.family : ''}`; }
  destroy() { host.request('destroy-agent', this._id).catch(() => {}); }
}
const globalAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });

// ---- headers shared by ClientRequest and ServerResponse -------------------------------------------
class Outgoing extends Writable {
  constructor(autoDestroy = true) {
    super({ decodeStrings: true, emitClose: true, autoDestroy });
    this._headers = new Map();
    this.headersSent = false;
    this.sendDate = true;
  }
  setHeader(name, value) {
    if (this.headersSent) throw coded('ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client');
    checkHeader(name, value);
    this._headers.set(name.toLowerCase(), [name, Array.isArray(value) ? value.map(String) : typeof value === 'number' ? value : String(value)]);
    return this;
  }
  appendHeader(name, value) {
    const old = this.getHeader(name);
    return this.setHeader(name, old === undefined ? value : [].concat(old, value));
  }
  getHeader(name) { const h = this._headers.get(String(name).toLowerCase()); return h && h[1]; }
  getHeaders() { const o = Object.create(null); for (const [k, [, v]] of this._headers) o[k] = v; return o; }
  getHeaderNames() { return [...this._headers.keys()]; }
  getRawHeaderNames() { return [...this._headers.values()].map(([n]) => n); }
  hasHeader(name) { return this._headers.has(String(name).toLowerCase()); }
  removeHeader(name) {
    if (this.headersSent) throw coded('ERR_HTTP_HEADERS_SENT', 'Cannot remove headers after they are sent to the client');
    this._headers.delete(String(name).toLowerCase());
  }
  _pairs() { return [...this._headers.values()].map(([n, v]) => [n, Array.isArray(v) ? v : String(v)]); }
  /** Node sets Content-Length when the whole body is given to end() before the headers went out. */
  end(chunk, encoding, cb) {
    if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
    if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
    if (!this.headersSent && !this._started && !this.hasHeader('content-length') && !this.hasHeader('transfer-encoding') && this._wantsLength()) {
      const n = chunk === undefined || chunk === null ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.byteLength;
      if (n > 0 || this._lengthForEmpty()) this.setHeader('Content-Length', n);
    }
    return chunk === undefined || chunk === null ? super.end(cb) : super.end(chunk, encoding, cb);
  }
  flushHeaders() { this._start(); }
  setTimeout(ms, cb) { if (cb) this.once('timeout', cb); this._timeoutMs = ms; return this; }
}

// ---- IncomingMessage ------------------------------------------------------------------------------
class IncomingMessage extends Readable {
  constructor(socket) {
    super({ emitClose: true, autoDestroy: true });
    this.socket = socket; this.connection = socket;
    this.httpVersionMajor = 1; this.httpVersionMinor = 1; this.httpVersion = '1.1';
    this.complete = false; this.aborted = false;
    this.headers = {}; this.rawHeaders = []; this.trailers = {}; this.rawTrailers = [];
    this.headersDistinct = {}; this.trailersDistinct = {};
    this.method = null; this.url = ''; this.statusCode = null; this.statusMessage = null;
    this._pull = () => {};
  }
  _info(d) {
    Object.assign(this, { headers: d.headers, rawHeaders: d.rawHeaders, httpVersion: d.httpVersion });
    const [ma, mi] = String(d.httpVersion).split('.');
    this.httpVersionMajor = Number(ma); this.httpVersionMinor = Number(mi);
    const distinct = {};
    for (let i = 0; i + 1 < d.rawHeaders.length; i += 2) (distinct[d.rawHeaders[i].toLowerCase()] ||= []).push(d.rawHeaders[i + 1]);
    this.headersDistinct = distinct;
  }
  _feed(id, onEnd, onData) {
    this._hid = id;
    // No 'data' listener of our own: it would switch the stream to flowing mode under the user.
    this._pull = hub.feed(id, this, {
      data: onData,
      end: () => { this.complete = true; if (onEnd) onEnd(); },
      error: (e) => { this.aborted = !this.complete; if (!this.destroyed) this.destroy(this.aborted ? coded('ECONNRESET', 'aborted') : e); },
    });
  }
  _read() { this._pull(); }
  _destroy(err, cb) { if (this._hid !== undefined && !this.complete) hub.destroy(this._hid); cb(err); }
  setTimeout(ms, cb) { if (this.socket) this.socket.setTimeout(ms, cb); return this; }
}
hub.on('trailers', (d) => { const m = incoming.get(d.id); if (m) { m.trailers = d.trailers; m.rawTrailers = d.rawTrailers; } });
const incoming = new Map();

/** What `req.socket` / `res.socket` is here: the connection's addresses and Node's no-op knobs. */
class SocketView extends EventEmitter {
  constructor(owner, info = {}) {
    super();
    this._owner = owner;
    Object.assign(this, { remoteAddress: info.remoteAddress, remotePort: info.remotePort, localAddress: info.localAddress, localPort: info.localPort, remoteFamily: 'IPv4', encrypted: info.encrypted });
    this.readable = true; this.writable = true; this.destroyed = false;
  }
  setKeepAlive() { return this; }
  setNoDelay() { return this; }
  setTimeout(ms, cb) { this._owner.setTimeout(ms, cb); return this; }
  ref() { return this; }
  unref() { return this; }
  address() { return { address: this.localAddress, family: 'IPv4', port: this.localPort }; }
  destroy(e) { this.destroyed = true; this._owner.destroy(e); return this; }
  end() { return this; }
}

// ---- ClientRequest --------------------------------------------------------------------------------
function urlToOptions(u) {
  return { protocol: u.protocol, hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'), hash: u.hash, search: u.search, pathname: u.pathname, path: `${u.pathname || ''}${u.search || ''}`, href: u.href, port: u.port === '' ? undefined : Number(u.port), ...(u.username || u.password ? { auth: `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` } : {}) };
}
const requests = new Map();

class ClientRequest extends Outgoing {
  constructor(input, options, cb, defaultProtocol = 'http:') {
    // Not destroyed when the body is finished: the exchange goes on until the response ends.
    super(false);
    if (typeof input === 'string') input = urlToOptions(new URL(input));
    else if (input && typeof input === 'object' && typeof input.href === 'string' && typeof input.searchParams === 'object') input = urlToOptions(input);
    if (typeof options === 'function') { cb = options; options = undefined; }
    const o = { ...(input || {}), ...(options || {}) };
    const protocol = o.protocol || defaultProtocol;
    if (protocol !== 'http:' && protocol !== 'https:') throw coded('ERR_INVALID_PROTOCOL', `Protocol "${protocol}" not supported. Expected "${defaultProtocol}"`, TypeError);
    if (protocol !== defaultProtocol) throw coded('ERR_INVALID_PROTOCOL', `Protocol "${protocol}" not supported. Expected "${defaultProtocol}"`, TypeError);
    this.protocol = protocol;
    this.method = String(o.method || 'GET').toUpperCase();
    if (!TOKEN.test(this.method)) throw coded('ERR_INVALID_HTTP_TOKEN', `Method must be a valid HTTP token ["${o.method}"]`, TypeError);
    this.host = o.hostname || (o.host ? String(o.host).replace(/:\d+$/, '') : 'localhost');
    this.port = Number(o.port || o.defaultPort || (o.agent && o.agent.defaultPort) || (protocol === 'https:' ? 443 : 80));
    this.path = o.path || '/';
    if (/[\u0000-\u0020]/.test(this.path)) throw coded('ERR_UNESCAPED_CHARACTERS', 'Request path contains unescaped characters', TypeError);
    this.agent = o.agent === undefined ? (protocol === 'https:' ? module.exports._httpsAgent() : globalAgent) : o.agent;
    this.reusedSocket = false;
    this.aborted = false;
    this.res = null;
    this.socket = null;
    this.timeout = o.timeout;
    this._o = o;
    this._id = null;
    this._ready = null;
    this._started = false;
    if (o.headers) {
      if (Array.isArray(o.headers)) for (let i = 0; i + 1 < o.headers.length; i += 2) this.appendHeader(o.headers[i], o.headers[i + 1]);
      else for (const k of Object.keys(o.headers)) if (o.headers[k] !== undefined) this.setHeader(k, o.headers[k]);
    }
    if (o.auth && !this.hasHeader('authorization')) this.setHeader('Authorization', 'Basic ' + Buffer.from(o.auth).toString('base64'));
    if (cb) this.once('response', cb);
    if (o.signal) {
      const abort = () => this.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
      if (o.signal.aborted) Promise.resolve().then(abort); else o.signal.addEventListener('abort', abort, { once: true });
    }
    if (typeof o.timeout === 'number') this.setTimeout(o.timeout);
  }
  get writableEnded() { return super.writableEnded; }
  _wantsLength() { return true; }
  _lengthForEmpty() { return !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'].includes(this.method); }
  _start() {
    if (this._started) return this._ready;
    this._started = true;
    this.headersSent = true;
    const a = this.agent;
    const spec = a && typeof a._spec === 'function' ? a._spec() : null;
    const o = this._o;
    const ca = o.ca === undefined ? undefined : [].concat(o.ca).map((c) => (Buffer.isBuffer(c) ? c.toString('utf8') : String(c)));
    this._ready = host.request('request', {
      protocol: this.protocol, method: this.method, host: this.host, port: this.port, path: this.path, headers: this._pairs(), agent: spec,
      setHost: o.setHost !== false, rejectUnauthorized: o.rejectUnauthorized !== false && !(a && a.options && a.options.rejectUnauthorized === false),
      ...(o.servername ? { servername: String(o.servername) } : {}), ...(ca ? { ca } : {}),
    }).then((r) => {
      this._id = r.id;
      requests.set(r.id, this);
      if (this.destroyed) hub.destroy(r.id);
      else hub.route(r.id, { error: (d) => this._fail(hub.hostError(d)), close: () => { requests.delete(r.id); } });
      return true;
    }, (e) => { this.destroy(e); return false; });
    return this._ready;
  }
  _fail(e) { if (this.res && !this.res.complete) this.res.destroy(coded('ECONNRESET', 'aborted')); if (!this.destroyed) this.destroy(e); }
  _write(chunk, _enc, cb) { this._start().then((ok) => (ok ? hub.write(this._id, chunk).then(() => cb(), cb) : cb())); }
  _final(cb) { this._start().then((ok) => (ok ? hub.end(this._id).then(() => cb(), cb) : cb())); }
  _destroy(err, cb) {
    if (this._timer) clearTimeout(this._timer);
    if (this._id !== null && !(this.res && this.res.complete)) hub.destroy(this._id);
    if (this.res && !this.res.complete && !this.res.destroyed) { this.res.aborted = true; this.res.destroy(coded('ECONNRESET', 'aborted')); }
    cb(err && !this._emittedResponseError ? err : null);
  }
  abort() { if (!this.aborted) { this.aborted = true; Promise.resolve().then(() => this.emit('abort')); this.destroy(); } }
  setTimeout(ms, cb) {
    if (cb) this.once('timeout', cb);
    if (this._timer) clearTimeout(this._timer);
    this._timeoutMs = ms;
    if (ms > 0) this._timer = setTimeout(() => { this._timer = null; if (!(this.res && this.res.complete)) this.emit('timeout'); }, ms);
    return this;
  }
  _touch() { if (this._timeoutMs > 0 && this._timer) this.setTimeout(this._timeoutMs); }
  setNoDelay() {}
  setSocketKeepAlive() {}
  get finished() { return this.writableEnded; }
}

hub.on('socket', (d) => {
  const req = requests.get(d.id);
  if (!req) return;
  req.reusedSocket = d.reused;
  req.socket = req.connection = new SocketView(req, d);
  req.emit('socket', req.socket);
});
hub.on('information', (d) => { const req = requests.get(d.id); if (req) req.emit('information', d); });
hub.on('timeout', (d) => { const req = requests.get(d.id); if (req) req.emit('timeout'); });
hub.on('response', (d) => {
  const req = requests.get(d.id);
  if (!req) return void hub.destroy(d.resId);
  const res = new IncomingMessage(req.socket || new SocketView(req));
  res._info(d);
  res.statusCode = d.statusCode; res.statusMessage = d.statusMessage;
  res.req = req;
  req.res = res;
  incoming.set(d.resId, res);
  res._feed(d.resId, () => {
    incoming.delete(d.resId);
    if (req._timer) { clearTimeout(req._timer); req._timer = null; }
    // Node's ClientRequest closes once its response is complete (node-fetch relies on the order).
    Promise.resolve().then(() => { if (!req.destroyed) req.destroy(); });
  }, () => req._touch());
  if (!req.emit('response', res)) res.resume();
});

// ---- Server ---------------------------------------------------------------------------------------
const httpServers = new Map();
class ServerResponse extends Outgoing {
  constructor(req, id) {
    super();
    this.req = req;
    this.socket = this.connection = req.socket;
    this.statusCode = 200;
    this.statusMessage = undefined;
    this._id = id;
    this._started = false;
    this.sendDate = true;
    this.chunkedEncoding = false;
    hub.route(id, { error: () => {}, close: () => { if (!this.writableFinished && !this.destroyed) this.destroy(); } });
  }
  _wantsLength() { return true; }
  _lengthForEmpty() { return this.statusCode !== 204 && this.statusCode !== 304 && !(this.statusCode >= 100 && this.statusCode < 200); }
  writeHead(status, message, headers) {
    if (this.headersSent) throw coded('ERR_HTTP_HEADERS_SENT', 'Cannot write headers after they are sent to the client');
    if (typeof message !== 'string') { headers = message; message = undefined; }
    status = Number(status);
    if (!(status >= 100 && status <= 999)) throw coded('ERR_HTTP_INVALID_STATUS_CODE', `Invalid status code: ${status}`, RangeError);
    this.statusCode = status;
    if (message !== undefined) this.statusMessage = message;
    if (Array.isArray(headers)) { for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(headers[i], headers[i + 1]); }
    else if (headers) for (const k of Object.keys(headers)) if (headers[k] !== undefined) this.setHeader(k, headers[k]);
    this._start();
    return this;
  }
  writeContinue() {}
  writeProcessing() {}
  _start() {
    if (this._started) return;
    this._started = true;
    const pairs = this._pairs();
    this.headersSent = true;
    this._ready = host.request('write-head', this._id, this.statusCode, this.statusMessage || STATUS_CODES[this.statusCode] || 'unknown', pairs).catch((e) => this.destroy(e));
  }
  _write(chunk, _enc, cb) { this._start(); this._ready.then(() => hub.write(this._id, chunk)).then(() => cb(), cb); }
  _final(cb) { this._start(); this._ready.then(() => hub.end(this._id)).then(() => cb(), cb); }
  _destroy(err, cb) { if (!this.writableFinished) hub.destroy(this._id); cb(err); }
  get finished() { return this.writableEnded; }
  assignSocket() {}
  detachSocket() {}
}

hub.on('request', (d) => {
  const server = httpServers.get(d.server);
  if (!server) { hub.destroy(d.reqId); hub.destroy(d.resId); return; }
  const req = new IncomingMessage(null);
  req.socket = req.connection = new SocketView(req, d);
  req._info(d);
  req.method = d.method; req.url = d.url;
  req._feed(d.reqId);
  const res = new ServerResponse(req, d.resId);
  server.emit('request', req, res);
});
hub.on('server-close', (d) => { const s = httpServers.get(d.server); if (s) { httpServers.delete(d.server); s._closed(); } });

class Server extends net.Server {
  constructor(options, listener) {
    if (typeof options === 'function') { listener = options; options = {}; }
    super(options || {});
    if (listener) this.on('request', listener);
    this.timeout = 0; this.keepAliveTimeout = 5000; this.headersTimeout = 60000; this.requestTimeout = 300000; this.maxHeadersCount = null;
  }
  _listenOn(o) { return host.request('listen', o); }
  _register(info) { httpServers.set(info.id, this); }
  close(cb) {
    if (cb) { if (!this.listening) Promise.resolve().then(() => cb(coded('ERR_SERVER_NOT_RUNNING', 'Server is not running.'))); else this.once('close', cb); }
    if (this._id) host.request('close-server', this._id).catch(() => {});
    this.listening = false;
    return this;
  }
  setTimeout(ms, cb) { this.timeout = ms; if (cb) this.on('timeout', cb); return this; }
  closeAllConnections() {}
  closeIdleConnections() {}
}

function request(input, options, cb) { return new ClientRequest(input, options, cb, 'http:'); }
function get(input, options, cb) { const r = request(input, options, cb); r.end(); return r; }

module.exports = {
  METHODS, STATUS_CODES, Agent, globalAgent, ClientRequest, IncomingMessage, OutgoingMessage: Outgoing, ServerResponse, Server,
  createServer: (options, listener) => new Server(options, listener),
  request, get,
  validateHeaderName: (n) => checkHeader(n, ''), validateHeaderValue: (n, v) => checkHeader(n, v),
  maxHeaderSize: 16384,
  setMaxIdleHTTPParsers() {},
  _httpsAgent: () => { throw coded('ERR_INVALID_PROTOCOL', 'Protocol "https:" not supported. Expected "http:"', TypeError); },
};
