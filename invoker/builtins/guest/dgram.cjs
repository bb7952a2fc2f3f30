// node:dgram — UDP sockets that are host sockets in the function's own network namespace
// (host/dgram-host.ts). IPv4 only (namespaces have no IPv6 address). Datagrams cross as copies;
// a received one is acknowledged once emitted, so the host can bound what it holds for us.
const EventEmitter = require('events');
const { Buffer } = require('buffer');
const host = require('photon:host');

function coded(code, message, Ctor) { const e = new (Ctor || Error)(message); e.code = code; return e; }
function fromHost(e, syscall) {
  if (e && e.code && !e.syscall && /^E[A-Z]/.test(e.code)) { e.errno = e.errno || 0; e.syscall = syscall; }
  return e;
}

const sockets = new Map();
let unacked = 0;
let ackScheduled = false;
function ack() {
  ackScheduled = false;
  const n = unacked;
  unacked = 0;
  if (n > 0) host.request('ack', n).catch(() => {});
}
host.on((event, d) => {
  const s = sockets.get(d && d.id);
  if (!s) return;
  if (event === 'message') {
    const b = Buffer.from(d.data);
    unacked += b.length;
    if (!ackScheduled) { ackScheduled = true; Promise.resolve().then(ack); }
    s.emit('message', b, { address: d.address, family: 'IPv4', port: d.port, size: d.size });
  } else if (event === 'error') {
    const e = coded(d.code, d.message);
    if (d.syscall) e.syscall = d.syscall;
    s.emit('error', e);
  } else if (event === 'close') {
    sockets.delete(d.id);
    s._closed();
  }
});

const BIND_NONE = 0; const BIND_PENDING = 1; const BIND_DONE = 2;
const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function validPort(port, allowZero) {
  const n = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw coded('ERR_SOCKET_BAD_PORT', `Port should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${typeof port === 'string' ? `type string ('${port}')` : String(port)}.`, RangeError);
  }
  return n;
}
function toBuffer(msg) {
  if (typeof msg === 'string') return Buffer.from(msg);
  if (Buffer.isBuffer(msg)) return msg;
  if (ArrayBuffer.isView(msg)) return Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (Array.isArray(msg)) return Buffer.concat(msg.map(toBuffer));
  throw coded('ERR_INVALID_ARG_TYPE', 'The "buffer" argument must be of type string or an instance of Buffer, TypedArray, or DataView.' + ` Received ${msg === null ? 'null' : typeof msg}`, TypeError);
}

class Socket extends EventEmitter {
  constructor(type, listener) {
    super();
    const o = typeof type === 'object' && type !== null ? type : { type };
    if (o.type !== 'udp4' && o.type !== 'udp6') throw coded('ERR_SOCKET_BAD_TYPE', 'Bad socket type specified. Valid types are: udp4, udp6', TypeError);
    if (o.type === 'udp6') throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: udp6 sockets do not exist here (a function\'s namespace is IPv4 only): use udp4');
    this.type = o.type;
    this._id = null;
    this._bind = BIND_NONE;
    this._ready = null;
    this._local = null;
    this._remote = null;
    this._connecting = false;
    this._closing = false;
    if (typeof listener === 'function') this.on('message', listener);
    if (o.signal) {
      if (o.signal.aborted) Promise.resolve().then(() => this.close());
      else o.signal.addEventListener('abort', () => this.close(), { once: true });
    }
  }

  _healthCheck() { if (this._closing) throw coded('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running'); }

  bind(port, address, cb) {
    this._healthCheck();
    if (this._bind !== BIND_NONE) throw coded('ERR_SOCKET_ALREADY_BOUND', 'Socket is already bound');
    let o;
    if (port !== null && typeof port === 'object') { o = port; cb = typeof address === 'function' ? address : cb; } else {
      if (typeof port === 'function') { cb = port; port = 0; address = undefined; }
      if (typeof address === 'function') { cb = address; address = undefined; }
      o = { port, address };
    }
    if (o.fd !== undefined) throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: a function has no file descriptors to bind');
    const p = o.port === undefined || o.port === null ? 0 : validPort(o.port, true);
    let addr = o.address;
    if (addr === undefined || addr === null || addr === '') addr = '0.0.0.0';
    if (typeof addr !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "address" argument must be of type string', TypeError);
    if (addr === 'localhost') addr = '127.0.0.1';
    if (typeof cb === 'function') this.once('listening', cb);
    this._bind = BIND_PENDING;
    this._ready = host.request('bind', { port: p, address: addr }).then(
      (info) => {
        if (this._closing) { host.request('close', info.id).catch(() => {}); return false; }
        this._id = info.id;
        this._local = { address: info.address, family: 'IPv4', port: info.port };
        this._bind = BIND_DONE;
        sockets.set(info.id, this);
        this.emit('listening');
        return true;
      },
      (e) => { this._bind = BIND_NONE; this.emit('error', fromHost(e, 'bind')); return false; },
    );
    return this;
  }

  /** Binds to an ephemeral port on every address first when the socket is not bound (Node's implicit bind). */
  _whenBound() {
    if (this._bind === BIND_NONE) this.bind({ port: 0 });
    return this._ready;
  }

  address() {
    this._healthCheck();
    // Node asks the kernel (getsockname) even before bind: an unbound socket has no fd yet, EBADF.
    if (this._bind !== BIND_DONE) { const e = coded('EBADF', 'getsockname EBADF'); e.errno = -9; e.syscall = 'getsockname'; throw e; }
    return { ...this._local };
  }

  remoteAddress() {
    this._healthCheck();
    if (!this._remote) throw coded('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
    return { ...this._remote };
  }

  connect(port, address, cb) {
    const p = validPort(port, false);
    if (typeof address === 'function') { cb = address; address = undefined; }
    this._healthCheck();
    if (this._remote || this._connecting) throw coded('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
    let addr = address === undefined || address === null || address === '' ? '127.0.0.1' : address;
    if (typeof addr !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "address" argument must be of type string', TypeError);
    if (addr === 'localhost') addr = '127.0.0.1';
    this._connecting = true;
    if (typeof cb === 'function') this.once('connect', cb);
    this._whenBound().then((ok) => {
      if (!ok) { this._connecting = false; return; }
      host.request('connect', this._id, p, addr).then(
        (r) => { this._connecting = false; this._remote = r; this.emit('connect'); },
        (e) => {
          this._connecting = false;
          const err = fromHost(e, 'connect');
          if (typeof cb === 'function') { this.removeListener('connect', cb); cb(err); } else this.emit('error', err);
        },
      );
    });
  }

  disconnect() {
    this._healthCheck();
    if (!this._remote) throw coded('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
    this._remote = null;
    host.call('disconnect', this._id);
  }

  send(buffer, ...rest) {
    // Node's forms: send(msg[, offset, length][, port][, address][, cb]); port/address only when not connected.
    let cb = typeof rest[rest.length - 1] === 'function' ? rest.pop() : undefined;
    let msg;
    if (typeof rest[0] === 'number' && typeof rest[1] === 'number' && (rest.length >= 3 || this._remote)) {
      const [offset, length] = rest.splice(0, 2);
      const all = toBuffer(buffer);
      if (offset < 0 || offset > all.length) throw coded('ERR_OUT_OF_RANGE', `The value of "offset" is out of range. Received ${offset}`, RangeError);
      if (length < 0 || offset + length > all.length) throw coded('ERR_OUT_OF_RANGE', `The value of "length" is out of range. Received ${length}`, RangeError);
      msg = all.subarray(offset, offset + length);
    } else msg = toBuffer(buffer);
    let port = rest[0];
    let address = rest[1];
    if (this._remote) {
      if (port !== undefined && port !== null) throw coded('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
      port = null;
    } else {
      port = validPort(port, false);
      if (address === undefined || address === null || address === '' || address === 'localhost') address = '127.0.0.1';
      if (typeof address !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "address" argument must be of type string', TypeError);
    }
    this._healthCheck();
    // Copied now: the caller may reuse its buffer as soon as send() returns.
    const bytes = new Uint8Array(msg.length);
    bytes.set(msg);
    const fail = (e) => { if (cb) cb(e); else this.emit('error', e); };
    this._whenBound().then((ok) => {
      if (!ok) { if (cb) cb(coded('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running')); return; }
      host.request('send', this._id, bytes, port, address).then((n) => { if (cb) cb(null, n); }, (e) => fail(fromHost(e, 'send')));
    });
  }

  close(cb) {
    if (this._closing) { if (typeof cb === 'function') this.once('close', cb); return this; }
    this._healthCheck();
    this._closing = true;
    if (typeof cb === 'function') this.once('close', cb);
    if (this._id !== null) host.request('close', this._id).catch(() => {});
    else Promise.resolve().then(() => this._closed());
    return this;
  }

  _closed() {
    if (this._closedOnce) return;
    this._closedOnce = true;
    this._closing = true;
    this._bind = BIND_NONE;
    this._remote = null;
    this.emit('close');
  }

  ref() { return this; }
  unref() { return this; }
  _option(name, a, b) { this._healthCheck(); if (this._bind !== BIND_DONE) throw coded('EBADF', `${name} EBADF`); return host.call('option', this._id, name, a, b); }
  setBroadcast(flag) { this._option('broadcast', Boolean(flag)); }
  setTTL(ttl) { if (typeof ttl !== 'number') throw coded('ERR_INVALID_ARG_TYPE', 'The "ttl" argument must be of type number', TypeError); this._option('ttl', ttl); return ttl; }
  setMulticastTTL(ttl) { if (typeof ttl !== 'number') throw coded('ERR_INVALID_ARG_TYPE', 'The "ttl" argument must be of type number', TypeError); this._option('multicastTTL', ttl); return ttl; }
  setMulticastLoopback(flag) { this._option('multicastLoopback', Boolean(flag)); return flag; }
  setMulticastInterface(iface) { this._option('multicastInterface', String(iface)); }
  addMembership(group, iface) { if (!V4.test(group)) throw coded('EINVAL', 'addMembership EINVAL'); this._option('addMembership', group, iface); }
  dropMembership(group, iface) { if (!V4.test(group)) throw coded('EINVAL', 'dropMembership EINVAL'); this._option('dropMembership', group, iface); }
  setRecvBufferSize(size) { this._option('recvBufferSize', size); }
  setSendBufferSize(size) { this._option('sendBufferSize', size); }
  getRecvBufferSize() { return this._option('getRecvBufferSize'); }
  getSendBufferSize() { return this._option('getSendBufferSize'); }
  getSendQueueSize() { return 0; }
  getSendQueueCount() { return 0; }
}

function createSocket(type, listener) { return new Socket(type, listener); }

module.exports = { Socket, createSocket };
