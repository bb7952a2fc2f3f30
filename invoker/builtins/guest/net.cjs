// node:net — TCP sockets and servers that are host sockets in the function's own network
// namespace (host/net-host.ts). A Socket is a real Duplex (the layer's `stream`); its bytes cross
// as copies, flow-controlled both ways (internal/host-stream). Unix sockets and IPC do not exist
// here. Also the home of the TLS client's socket plumbing (tls.cjs calls `_photonConnect`).
const { Duplex } = require('stream');
const EventEmitter = require('events');
const { setTimeout, clearTimeout } = require('timers');
const host = require('photon:host');
const hub = require('internal/host-stream')(host);

const kOp = Symbol('connectOp');
function coded(code, message, Ctor) { const e = new (Ctor || Error)(message); e.code = code; return e; }

// ---- addresses ----------------------------------------------------------------------------------
const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function isIPv4(s) { return typeof s === 'string' && V4.test(s); }
function isIPv6(s) {
  if (typeof s !== 'string' || s.length > 64 || !s.includes(':')) return false;
  let a = s.replace(/%[0-9a-zA-Z._~-]+$/, '');
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) { if (!isIPv4(tail[1])) return false; a = a.slice(0, tail.index + 1) + '0:0'; }
  const halves = a.split('::');
  if (halves.length > 2) return false;
  const groups = (h) => (h === '' ? [] : h.split(':'));
  const parts = halves.flatMap(groups);
  if (!parts.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p))) return false;
  return halves.length === 2 ? parts.length < 8 : parts.length === 8;
}
function isIP(s) { return isIPv4(s) ? 4 : isIPv6(s) ? 6 : 0; }

/** A BlockList of IPv4/IPv6 addresses, ranges and subnets (as BigInts). */
function toBig(addr, family) {
  if (family === 'ipv4') return addr.split('.').reduce((n, p) => (n << 8n) + BigInt(p), 0n);
  let a = addr;
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) { const v = toBig(tail[1], 'ipv4'); a = a.slice(0, tail.index + 1) + (v >> 16n).toString(16) + ':' + (v & 0xffffn).toString(16); }
  const [l, r] = a.split('::');
  const lp = l ? l.split(':') : [];
  const rp = r === undefined ? [] : r ? r.split(':') : [];
  const all = r === undefined ? lp : [...lp, ...Array(8 - lp.length - rp.length).fill('0'), ...rp];
  return all.reduce((n, p) => (n << 16n) + BigInt(parseInt(p, 16)), 0n);
}
class BlockList {
  constructor() { this._rules = []; }
  addAddress(address, family = 'ipv4') { const v = toBig(address, family); this._rules.push({ family, lo: v, hi: v, text: `Address: ${family === 'ipv4' ? 'IPv4' : 'IPv6'} ${address}` }); }
  addRange(start, end, family = 'ipv4') { this._rules.push({ family, lo: toBig(start, family), hi: toBig(end, family), text: `Range: ${family === 'ipv4' ? 'IPv4' : 'IPv6'} ${start}-${end}` }); }
  addSubnet(net, prefix, family = 'ipv4') {
    const bits = family === 'ipv4' ? 32n : 128n;
    const size = bits - BigInt(prefix);
    const lo = (toBig(net, family) >> size) << size;
    this._rules.push({ family, lo, hi: lo + (1n << size) - 1n, text: `Subnet: ${family === 'ipv4' ? 'IPv4' : 'IPv6'} ${net}/${prefix}` });
  }
  check(address, family = 'ipv4') {
    const f = String(family).toLowerCase();
    const v = toBig(address, f);
    return this._rules.some((r) => r.family === f && v >= r.lo && v <= r.hi);
  }
  get rules() { return this._rules.map((r) => r.text).reverse(); }
}

// ---- Socket ---------------------------------------------------------------------------------------
function normalizeConnectArgs(args) {
  let cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null;
  let o;
  if (args[0] !== null && typeof args[0] === 'object') o = { ...args[0] };
  else if (typeof args[0] === 'string' && !/^\d+$/.test(args[0])) o = { path: args[0] };
  else o = { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
  return [o, cb];
}

class Socket extends Duplex {
  constructor(options = {}) {
    super({ allowHalfOpen: Boolean(options.allowHalfOpen), emitClose: true, autoDestroy: true, decodeStrings: true });
    this._id = null;
    this.connecting = false;
    this._ready = null;
    this._pull = () => {};
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.remoteAddress = undefined; this.remotePort = undefined; this.remoteFamily = undefined;
    this.localAddress = undefined; this.localPort = undefined;
    this._timeoutMs = 0; this._timer = null;
    this.server = null;
  }
  get pending() { return this._id === null; }
  get readyState() {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }
  get bufferSize() { return this.writableLength; }
  address() { return this.localAddress === undefined ? {} : { address: this.localAddress, family: 'IPv4', port: this.localPort }; }

  connect(...args) {
    const [o, cb] = Array.isArray(args[0]) ? args[0] : normalizeConnectArgs(args);
    if (o.path !== undefined) throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: Unix domain sockets and IPC do not exist inside a function');
    const port = Number(o.port);
    if (o.port === undefined || o.port === null || o.port === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw coded('ERR_SOCKET_BAD_PORT', `Port should be >= 0 and < 65536. Received ${typeof o.port === 'string' ? `type string ('${o.port}')` : String(o.port)}.`, RangeError);
    }
    if (cb) this.once(this[kOp] === 'tls-connect' ? 'secureConnect' : 'connect', cb);
    if (typeof o.timeout === 'number') this.setTimeout(o.timeout);
    this.connecting = true;
    // Only plain data crosses to the host: no functions, sockets or other objects.
    const req = {};
    for (const [k, v] of Object.entries({ ...o, host: o.host || 'localhost', port })) if (typeof v !== 'function' && !(v && typeof v === 'object' && !Array.isArray(v))) req[k] = v;
    this._ready = host.request(this[kOp] || 'connect', req).then(
      (info) => { this._attach(info); return true; },
      (e) => { this.connecting = false; if (e && e.code) e.syscall = e.syscall || 'connect'; this.destroy(e); return false; },
    );
    return this;
  }

  /** Binds this socket to host stream `info.id` (a connected or accepted socket). */
  _attach(info) {
    this._id = info.id;
    this.connecting = false;
    Object.assign(this, { remoteAddress: info.remoteAddress, remotePort: info.remotePort, remoteFamily: info.remoteFamily, localAddress: info.localAddress, localPort: info.localPort });
    if (this.destroyed) { hub.destroy(info.id); return; }
    this._pull = hub.feed(info.id, this, {
      data: (b) => { this.bytesRead += b.length; this._touch(); },
      close: () => { if (!this.destroyed) this.destroy(); },
    });
    if (this._onAttach) this._onAttach(info);
    this.emit('connect');
    this.emit('ready');
  }

  _read() { this._pull(); }
  _write(chunk, _enc, cb) {
    const go = () => {
      if (this._id === null) return cb(coded('EPIPE', 'This socket is closed'));
      this.bytesWritten += chunk.length;
      this._touch();
      hub.write(this._id, chunk).then(() => cb(), (e) => cb(e));
    };
    if (this._ready && this._id === null) this._ready.then((ok) => (ok ? go() : cb()));
    else go();
  }
  _final(cb) {
    const go = () => (this._id === null ? cb() : hub.end(this._id).then(() => cb(), (e) => cb(e)));
    if (this._ready && this._id === null) this._ready.then(go); else go();
  }
  _destroy(err, cb) {
    if (this._timer) { clearTimeout(this._timer); this._timer = null; }
    if (this._id !== null) hub.destroy(this._id);
    this.connecting = false;
    cb(err);
  }

  _touch() {
    if (this._timeoutMs > 0) {
      if (this._timer) clearTimeout(this._timer);
      this._timer = setTimeout(() => { this._timer = null; this.emit('timeout'); }, this._timeoutMs);
    }
  }
  setTimeout(ms, cb) {
    this._timeoutMs = Number(ms) || 0;
    if (this._timer) { clearTimeout(this._timer); this._timer = null; }
    if (cb) { if (this._timeoutMs === 0) this.off('timeout', cb); else this.once('timeout', cb); }
    this._touch();
    return this;
  }
  setNoDelay(noDelay = true) { if (this._id !== null) host.request('set-no-delay', this._id, noDelay !== false).catch(() => {}); return this; }
  setKeepAlive() { return this; }
  ref() { return this; }
  unref() { return this; }
  destroySoon() { if (this.writable) this.end(); if (this.writableFinished) this.destroy(); else this.once('finish', () => this.destroy()); }
  resetAndDestroy() { return this.destroy(); }
}

// ---- Server ---------------------------------------------------------------------------------------
const servers = new Map();
hub.on('connection', (d) => {
  const s = servers.get(d.server);
  if (!s) return void hub.destroy(d.id);
  const sock = new Socket({ allowHalfOpen: s._allowHalfOpen });
  sock.server = s;
  sock._attach(d);
  s._connections++;
  sock.once('close', () => { s._connections--; });
  s.emit('connection', sock);
});
hub.on('server-error', (d) => { const s = servers.get(d.server); if (s) s.emit('error', new Error(d.message)); });
hub.on('server-close', (d) => { const s = servers.get(d.server); if (s) { servers.delete(d.server); s._closed(); } });

function normalizeListenArgs(args) {
  const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null;
  let o = {};
  if (args[0] !== null && typeof args[0] === 'object') o = { ...args[0] };
  else if (typeof args[0] === 'string' && !/^\d+$/.test(args[0])) o = { path: args[0] };
  else if (args[0] !== undefined && typeof args[0] !== 'function') {
    o.port = args[0];
    if (typeof args[1] === 'string') o.host = args[1];
    if (typeof args[1] === 'number') o.backlog = args[1];
    if (typeof args[2] === 'number') o.backlog = args[2];
  }
  return [o, cb];
}

class Server extends EventEmitter {
  constructor(options, listener) {
    super();
    if (typeof options === 'function') { listener = options; options = {}; }
    this._allowHalfOpen = Boolean(options && options.allowHalfOpen);
    this._id = null;
    this._address = null;
    this._connections = 0;
    this.listening = false;
    this.maxConnections = undefined;
    if (listener) this.on('connection', listener);
  }
  /** The host op that makes the listener (http.Server overrides it to run Node's HTTP server on the host). */
  _listenOn(o) { return host.request('listen', o); }
  _register(info) { servers.set(info.id, this); }
  listen(...args) {
    const [o, cb] = normalizeListenArgs(args);
    if (o.path !== undefined) throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: Unix domain sockets and IPC do not exist inside a function');
    if (this.listening || this._id !== null) throw coded('ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.');
    if (o.port !== undefined && o.port !== null) {
      const p = Number(o.port);
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw coded('ERR_SOCKET_BAD_PORT', `options.port should be >= 0 and < 65536. Received ${String(o.port)}.`, RangeError);
      o.port = p;
    }
    if (cb) this.once('listening', cb);
    this._id = 0;
    this._listenOn({ port: o.port || 0, host: o.host, backlog: o.backlog }).then(
      (info) => {
        this._id = info.id;
        this._address = { address: info.address, family: info.family, port: info.port };
        this._register(info);
        this.listening = true;
        this.emit('listening');
      },
      (e) => {
        this._id = null;
        if (e && e.code === 'EADDRINUSE') e.message = `listen EADDRINUSE: address already in use ${o.host || '::'}:${o.port}`;
        this.emit('error', e);
      },
    );
    return this;
  }
  address() { return this._address; }
  close(cb) {
    if (cb) {
      if (!this.listening) { Promise.resolve().then(() => cb(coded('ERR_SERVER_NOT_RUNNING', 'Server is not running.'))); } else this.once('close', cb);
    }
    if (this._id) host.request('close-server', this._id).catch(() => {});
    this.listening = false;
    return this;
  }
  _closed() { this._id = null; this.listening = false; this.emit('close'); }
  getConnections(cb) { Promise.resolve().then(() => cb(null, this._connections)); return this; }
  ref() { return this; }
  unref() { return this; }
  [Symbol.asyncDispose]() { return new Promise((r) => this.close(() => r())); }
}

function createConnection(...args) {
  const [o, cb] = normalizeConnectArgs(args);
  const s = new Socket(o);
  if (typeof o.timeout === 'number') s.setTimeout(o.timeout);
  return s.connect([o, cb]);
}

module.exports = {
  Socket, Stream: Socket, Server, BlockList,
  createServer: (options, listener) => new Server(options, listener),
  connect: createConnection, createConnection,
  isIP, isIPv4, isIPv6,
  getDefaultAutoSelectFamily: () => false, setDefaultAutoSelectFamily: () => {},
  getDefaultAutoSelectFamilyAttemptTimeout: () => 250, setDefaultAutoSelectFamilyAttemptTimeout: () => {},
  _kConnectOp: kOp,
};
