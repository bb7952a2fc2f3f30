// node:fs — Node's API (sync, callback, promises, streams) over the private file system of
// internal/fs-core: the action's files read-only at its root, a writable /tmp in the isolate's heap,
// nothing of the host. Callbacks run on a later turn (setImmediate), as Node's do.
const { Buffer } = require('buffer');
const { Readable, Writable } = require('stream');
const EventEmitter = require('events');
const core = require('internal/fs-core');
const { setImmediate } = require('timers');

const { sync, constants, Stats, Dirent } = core;
const later = (fn) => setImmediate(fn);

function callbackForm(fn) {
  return function (...args) {
    const cb = args.pop();
    if (typeof cb !== 'function') { const e = new TypeError('The "cb" argument must be of type function. Received ' + typeof cb); e.code = 'ERR_INVALID_ARG_TYPE'; throw e; }
    let r;
    try { r = fn(...args); } catch (e) { later(() => cb(e)); return; }
    later(() => cb(null, r));
  };
}
function promiseForm(fn) { return (...args) => new Promise((resolve, reject) => { try { const r = fn(...args); later(() => resolve(r)); } catch (e) { later(() => reject(e)); } }); }

const api = { constants, Stats, Dirent, F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 };
for (const [name, fn] of Object.entries(sync)) {
  api[name] = fn;
  api[name.slice(0, -4)] = callbackForm(fn);
}
// exists(cb) answers a boolean, without an error argument.
api.exists = (p, cb) => { const r = sync.existsSync(p); later(() => cb(r)); };
// read(fd, buffer, offset, length, position, cb) answers (err, bytesRead, buffer); write(…) (err, written, buffer).
api.read = (fd, buffer, ...rest) => { const cb = rest.pop(); try { const n = sync.readSync(fd, buffer, ...rest); later(() => cb(null, n, buffer)); } catch (e) { later(() => cb(e)); } };
api.write = (fd, buffer, ...rest) => { const cb = rest.pop(); try { const n = sync.writeSync(fd, buffer, ...rest); later(() => cb(null, n, buffer)); } catch (e) { later(() => cb(e)); } };

// ---- streams ----------------------------------------------------------------------------------------
class ReadStream extends Readable {
  constructor(path, options = {}) {
    const o = typeof options === 'string' ? { encoding: options } : options;
    super({ highWaterMark: o.highWaterMark || 64 * 1024, encoding: o.encoding, emitClose: o.emitClose !== false, autoDestroy: o.autoClose !== false });
    this.path = typeof path === 'number' ? undefined : path;
    this.start = o.start; this.end = o.end === undefined ? Infinity : o.end;
    this.pos = o.start || 0;
    this.bytesRead = 0;
    this.pending = true;
    this.fd = null;
    try { this.fd = o.fd !== undefined ? o.fd : typeof path === 'number' ? path : sync.openSync(path, o.flags || 'r'); } catch (e) { later(() => this.destroy(e)); return; }
    later(() => { if (!this.destroyed) { this.pending = false; this.emit('open', this.fd); this.emit('ready'); } });
  }
  _read(n) {
    try {
      const want = Math.min(n, this.end - this.pos + 1);
      if (want <= 0) return this.push(null);
      const b = Buffer.alloc(want);
      const got = sync.readSync(this.fd, b, 0, want, this.pos);
      this.pos += got; this.bytesRead += got;
      this.push(got === 0 ? null : b.subarray(0, got));
    } catch (e) { this.destroy(e); }
  }
  _destroy(err, cb) { if (this.fd !== null) { try { sync.closeSync(this.fd); } catch { /* already closed */ } this.fd = null; later(() => this.emit('close')); } cb(err); }
  close(cb) { this.destroy(); if (cb) this.once('close', cb); }
}
class WriteStream extends Writable {
  constructor(path, options = {}) {
    const o = typeof options === 'string' ? { encoding: options } : options;
    super({ decodeStrings: true, defaultEncoding: o.encoding || 'utf8', emitClose: false, autoDestroy: o.autoClose !== false });
    this.path = typeof path === 'number' ? undefined : path;
    this.bytesWritten = 0;
    this.pending = true;
    this.pos = o.start;
    this.fd = null;
    try { this.fd = o.fd !== undefined ? o.fd : typeof path === 'number' ? path : sync.openSync(path, o.flags || 'w'); } catch (e) { later(() => this.destroy(e)); return; }
    later(() => { if (!this.destroyed) { this.pending = false; this.emit('open', this.fd); this.emit('ready'); } });
  }
  _write(chunk, _enc, cb) {
    try {
      const n = sync.writeSync(this.fd, chunk, 0, chunk.length, typeof this.pos === 'number' ? this.pos : null);
      if (typeof this.pos === 'number') this.pos += n;
      this.bytesWritten += n;
      later(() => cb());
    } catch (e) { cb(e); }
  }
  _destroy(err, cb) { if (this.fd !== null) { try { sync.closeSync(this.fd); } catch { /* already closed */ } this.fd = null; } cb(err); later(() => this.emit('close')); }
  close(cb) { if (cb) this.once('close', cb); this.end(); }
}
api.ReadStream = ReadStream;
api.WriteStream = WriteStream;
api.createReadStream = (p, o) => new ReadStream(p, o);
api.createWriteStream = (p, o) => new WriteStream(p, o);
api.watch = () => { const e = new Error('photon: fs.watch is not provided inside a function'); e.code = 'ERR_NOT_SUPPORTED_IN_PHOTON'; throw e; };
api.watchFile = api.watch;
api.unwatchFile = () => {};

// ---- fs.promises ------------------------------------------------------------------------------------
class FileHandle extends EventEmitter {
  constructor(fd) { super(); this.fd = fd; }
  read(buffer, offset, length, position) {
    if (buffer === undefined || (buffer !== null && !ArrayBuffer.isView(buffer))) { const o = buffer || {}; buffer = o.buffer || Buffer.alloc(16384); offset = o.offset; length = o.length; position = o.position; }
    return promiseForm(() => ({ bytesRead: sync.readSync(this.fd, buffer, offset || 0, length === undefined ? buffer.byteLength - (offset || 0) : length, position === undefined ? null : position), buffer }))();
  }
  write(data, ...rest) { return promiseForm(() => ({ bytesWritten: sync.writeSync(this.fd, data, ...rest), buffer: data }))(); }
  readFile(o) { return promiseForm(sync.readFileSync)(this.fd, o); }
  writeFile(d, o) { return promiseForm(sync.writeFileSync)(this.fd, d, o); }
  appendFile(d, o) { return promiseForm(sync.writeFileSync)(this.fd, d, o); }
  stat() { return promiseForm(sync.fstatSync)(this.fd); }
  truncate(len) { return promiseForm(sync.ftruncateSync)(this.fd, len); }
  sync() { return Promise.resolve(); }
  datasync() { return Promise.resolve(); }
  chmod() { return Promise.resolve(); }
  close() { return promiseForm(() => { if (this.fd !== -1) sync.closeSync(this.fd); this.fd = -1; this.emit('close'); })(); }
  createReadStream(o = {}) { return new ReadStream(null, { ...o, fd: this.fd }); }
  createWriteStream(o = {}) { return new WriteStream(null, { ...o, fd: this.fd }); }
  async *readLines() { const text = sync.readFileSync(this.fd, 'utf8'); for (const l of text.split(/\r?\n/)) yield l; }
  [Symbol.asyncDispose]() { return this.close(); }
}
const promises = { constants };
for (const [name, fn] of Object.entries(sync)) if (!/^(f|open|close|read|write|exists)/.test(name) || name === 'readFileSync' || name === 'writeFileSync' || name === 'readdirSync' || name === 'readlinkSync') promises[name.slice(0, -4)] = promiseForm(fn);
promises.open = promiseForm((p, flags, mode) => new FileHandle(sync.openSync(p, flags, mode)));
promises.lstat = promises.stat;
promises.cp = promises.copyFile;
promises.watch = api.watch;
promises.FileHandle = FileHandle;
api.promises = promises;

module.exports = api;
