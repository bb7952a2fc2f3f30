// internal/fs-core — the file system behind node:fs (fs.cjs gives it Node's API). What exists: the action's own files,
// read-only, at its root (/nodejsAction, where __dirname points; from the host's view of the
// unpacked archive, the module loader's own), and a writable /tmp held in the isolate's heap, so
// its bytes count against the action's memory (and /tmp refuses writes past half of that limit
// with ENOSPC). Nothing of the host is visible: every other path is ENOENT, `..` cannot climb out
// of `/`, there are no symlinks. Sync, callback and promise forms share one synchronous core.
const { Buffer } = require('buffer');
const pathMod = require('path');
const rt = require('internal/runtime');

const ROOT = (rt.config && rt.config.root) || '/nodejsAction';
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const constants = Object.freeze({
  F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1,
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_NOCTTY: 256, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536, O_NOFOLLOW: 131072, O_SYNC: 1052672, O_DSYNC: 4096, O_NONBLOCK: 2048,
  S_IFMT: 0o170000, S_IFREG, S_IFDIR, S_IFCHR: 0o020000, S_IFBLK: 0o060000, S_IFIFO: 0o010000, S_IFLNK: 0o120000, S_IFSOCK: 0o140000,
  S_IRWXU: 448, S_IRUSR: 256, S_IWUSR: 128, S_IXUSR: 64, S_IRWXG: 56, S_IRGRP: 32, S_IWGRP: 16, S_IXGRP: 8, S_IRWXO: 7, S_IROTH: 4, S_IWOTH: 2, S_IXOTH: 1,
  COPYFILE_EXCL: 1, COPYFILE_FICLONE: 2, COPYFILE_FICLONE_FORCE: 4, UV_FS_COPYFILE_EXCL: 1, UV_FS_COPYFILE_FICLONE: 2, UV_FS_COPYFILE_FICLONE_FORCE: 4,
});
const ERRNO = { ENOENT: [-2, 'no such file or directory'], EEXIST: [-17, 'file already exists'], ENOTDIR: [-20, 'not a directory'], EISDIR: [-21, 'illegal operation on a directory'], ENOTEMPTY: [-39, 'directory not empty'], EROFS: [-30, 'read-only file system'], EACCES: [-13, 'permission denied'], EBADF: [-9, 'bad file descriptor'], ENOSPC: [-28, 'no space left on device'], EINVAL: [-22, 'invalid argument'], EPERM: [-1, 'operation not permitted'] };
function fsError(code, syscall, path, dest) {
  const [errno, text] = ERRNO[code];
  const e = new Error(`${code}: ${text}, ${syscall}${path !== undefined ? ` '${path}'` : ''}${dest !== undefined ? ` -> '${dest}'` : ''}`);
  Object.assign(e, { errno, code, syscall });
  if (path !== undefined) e.path = path;
  if (dest !== undefined) e.dest = dest;
  return e;
}
function typeError(code, message) { const e = new TypeError(message); e.code = code; return e; }

// ---- the tree -------------------------------------------------------------------------------------
let inoSeq = 1;
const now = () => Date.now();
function node(type, data) { const t = now(); return { type, data: data || null, size: data ? data.length : 0, mode: type === 'dir' ? S_IFDIR | 0o755 : S_IFREG | 0o644, ino: inoSeq++, mtime: t, ctime: t, birth: t, atime: t, children: type === 'dir' ? new Set() : null, ro: false }; }
const nodes = new Map();
let tmpBytes = 0;
let tmpLimit = null;
let actionLoaded = false;

function mount() {
  if (nodes.size > 0) return;
  nodes.set('/', Object.assign(node('dir'), { ro: true }));
  nodes.set('/tmp', Object.assign(node('dir'), { mode: S_IFDIR | 0o1777 }));
  nodes.get('/').children.add('tmp');
  nodes.set(ROOT, Object.assign(node('dir'), { ro: true }));
  nodes.get('/').children.add(ROOT.slice(1));
}
/** The action's files, known by the host's listing: directories made now, contents read at first use. */
function loadAction() {
  if (actionLoaded) return;
  actionLoaded = true;
  const listing = rt.actionFiles ? rt.actionFiles('list', ROOT) : undefined;
  if (typeof listing !== 'string' || listing === '') return;
  for (const rel of listing.split('\n')) {
    const parts = rel.split('/');
    let dir = ROOT;
    for (let i = 0; i < parts.length; i++) {
      const p = dir + '/' + parts[i];
      if (!nodes.has(p)) {
        const n = Object.assign(node(i === parts.length - 1 ? 'file' : 'dir'), { ro: true });
        if (n.type === 'file') { n.lazy = p; n.size = -1; }
        nodes.set(p, n);
        nodes.get(dir).children.add(parts[i]);
      }
      dir = p;
    }
  }
}
function contents(n) {
  if (n.lazy) {
    const text = rt.actionFiles('read', n.lazy);
    n.data = Buffer.from(typeof text === 'string' ? text : '');
    n.size = n.data.length;
    n.lazy = null;
  }
  return n.data ? n.data.subarray(0, n.size) : Buffer.alloc(0);
}

function toPath(p, name = 'path') {
  if (typeof p === 'string') { if (p.includes('\0')) throw typeError('ERR_INVALID_ARG_VALUE', `The argument '${name}' must be a string, Uint8Array, or URL without null bytes. Received ${JSON.stringify(p)}`); return p; }
  if (Buffer.isBuffer(p) || p instanceof Uint8Array) return Buffer.from(p).toString('utf8');
  if (p && typeof p === 'object' && typeof p.href === 'string' && p.protocol === 'file:') return decodeURIComponent(p.pathname);
  throw typeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be of type string or an instance of Buffer or URL. Received ${p === null ? 'null' : typeof p}`);
}
/** The absolute, normalised path (`..` stops at `/`, as the kernel's does). */
function resolve(p, name) { mount(); return pathMod.resolve(ROOT, toPath(p, name)); }
function find(abs) {
  if (abs === ROOT || abs.startsWith(ROOT + '/')) loadAction();
  return nodes.get(abs);
}
function parentOf(abs, syscall, shown) {
  const dir = pathMod.dirname(abs);
  const d = find(dir);
  if (!d) throw fsError('ENOENT', syscall, shown);
  if (d.type !== 'dir') throw fsError('ENOTDIR', syscall, shown);
  return d;
}
function writableDir(d, syscall, shown) { if (d.ro) throw fsError(d === nodes.get('/') ? 'EACCES' : 'EROFS', syscall, shown); }
const underTmp = (abs) => abs === '/tmp' || abs.startsWith('/tmp/');

function tmpQuota() {
  if (tmpLimit === null) {
    let limit = 0;
    try { limit = Number(rt.memory().limit) || 0; } catch { limit = 0; }
    tmpLimit = limit > 0 ? Math.floor(limit / 2) : 64 * 1024 * 1024;
  }
  return tmpLimit;
}
function grow(n, abs, newSize, syscall) {
  const delta = newSize - n.size;
  if (delta > 0 && underTmp(abs) && tmpBytes + delta > tmpQuota()) throw fsError('ENOSPC', syscall, abs);
  if (!n.data || n.data.length < newSize) {
    const cap = Math.max(newSize, Math.min(newSize * 2, newSize + 8 * 1024 * 1024), 64);
    const b = Buffer.alloc(cap);
    if (n.data) n.data.copy(b, 0, 0, n.size);
    n.data = b;
  } else if (newSize < n.size) n.data.fill(0, newSize, n.size);
  if (underTmp(abs)) tmpBytes += delta;
  n.size = newSize;
  n.mtime = n.ctime = now();
}
function removeNode(abs, n) {
  if (n.type === 'file' && underTmp(abs)) tmpBytes -= n.size;
  if (n.type === 'dir') for (const c of n.children) removeNode(abs + '/' + c, nodes.get(abs + '/' + c));
  nodes.delete(abs);
}

// ---- Stats, Dirent ----------------------------------------------------------------------------------
class Stats {
  constructor(n) {
    const size = n.size < 0 ? contents(n).length : n.size;
    Object.assign(this, { dev: 2049, mode: n.mode, nlink: 1, uid: 1000, gid: 1000, rdev: 0, blksize: 4096, ino: n.ino, size, blocks: Math.ceil(size / 512), atimeMs: n.atime, mtimeMs: n.mtime, ctimeMs: n.ctime, birthtimeMs: n.birth });
    this.atime = new Date(n.atime); this.mtime = new Date(n.mtime); this.ctime = new Date(n.ctime); this.birthtime = new Date(n.birth);
  }
  isFile() { return (this.mode & constants.S_IFMT) === S_IFREG; }
  isDirectory() { return (this.mode & constants.S_IFMT) === S_IFDIR; }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}
class Dirent {
  constructor(name, n, dir) { this.name = name; this.parentPath = dir; this.path = dir; this._dir = n.type === 'dir'; }
  isFile() { return !this._dir; }
  isDirectory() { return this._dir; }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}

// ---- the synchronous core ---------------------------------------------------------------------------
const fds = new Map();
let fdSeq = 3;
function flagsOf(f) {
  if (typeof f === 'number') return { read: (f & 3) !== 1, write: (f & 3) !== 0, create: Boolean(f & 64), excl: Boolean(f & 128), trunc: Boolean(f & 512), append: Boolean(f & 1024) };
  const s = f === undefined || f === null ? 'r' : String(f);
  const table = { r: 'r', rs: 'r', sr: 'r', 'r+': 'r+', 'rs+': 'r+', 'sr+': 'r+', w: 'w', wx: 'wx', xw: 'wx', 'w+': 'w+', 'wx+': 'wx+', 'xw+': 'wx+', a: 'a', ax: 'ax', xa: 'ax', as: 'a', sa: 'a', 'a+': 'a+', 'ax+': 'ax+', 'xa+': 'ax+', 'as+': 'a+', 'sa+': 'a+' };
  const k = table[s];
  if (!k) throw typeError('ERR_INVALID_ARG_VALUE', `The argument 'flags' is invalid. Received '${s}'`);
  return { read: k[0] === 'r' || k.endsWith('+'), write: k[0] !== 'r' || k.endsWith('+'), create: k[0] !== 'r', excl: k.includes('x'), trunc: k[0] === 'w', append: k[0] === 'a' };
}
function openSync(p, flags) {
  const abs = resolve(p);
  const f = flagsOf(flags);
  let n = find(abs);
  if (n && f.excl && f.create) throw fsError('EEXIST', 'open', abs);
  if (!n) {
    if (!f.create) throw fsError('ENOENT', 'open', abs);
    const d = parentOf(abs, 'open', abs);
    writableDir(d, 'open', abs);
    n = node('file', null);
    nodes.set(abs, n);
    d.children.add(pathMod.basename(abs));
  }
  if (n.type === 'dir' && f.write) throw fsError('EISDIR', 'open', abs);
  if (f.write && n.ro) throw fsError('EROFS', 'open', abs);
  if (f.trunc && n.type === 'file') grow(n, abs, 0, 'open');
  const fd = fdSeq++;
  fds.set(fd, { n, abs, f, pos: 0 });
  return fd;
}
function fdOf(fd, syscall) { const h = fds.get(fd); if (!h) throw fsError('EBADF', syscall); return h; }
function closeSync(fd) { fdOf(fd, 'close'); fds.delete(fd); }
function readSync(fd, buffer, offset, length, position) {
  if (offset !== null && typeof offset === 'object') ({ offset = 0, length = buffer.byteLength - offset, position = null } = offset);
  const h = fdOf(fd, 'read');
  if (h.n.type === 'dir') throw fsError('EISDIR', 'read');
  if (!h.f.read) throw fsError('EBADF', 'read');
  offset = offset || 0;
  if (length === undefined) length = buffer.byteLength - offset;
  const data = contents(h.n);
  const pos = typeof position === 'number' && position >= 0 ? position : h.pos;
  const n = Math.max(0, Math.min(length, data.length - pos));
  Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).set(data.subarray(pos, pos + n), offset);
  if (!(typeof position === 'number' && position >= 0)) h.pos += n;
  return n;
}
function writeSync(fd, buffer, offset, length, position) {
  const h = fdOf(fd, 'write');
  if (!h.f.write) throw fsError('EBADF', 'write');
  let b;
  if (typeof buffer === 'string') { b = Buffer.from(buffer, typeof length === 'string' ? length : 'utf8'); position = offset; }
  else { b = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength); offset = offset || 0; b = b.subarray(offset, length === undefined || length === null ? undefined : offset + length); }
  contents(h.n);
  const pos = h.f.append ? h.n.size : typeof position === 'number' && position >= 0 ? position : h.pos;
  if (pos + b.length > h.n.size) grow(h.n, h.abs, pos + b.length, 'write');
  b.copy(h.n.data, pos);
  h.n.mtime = now();
  if (!(typeof position === 'number' && position >= 0) || h.f.append) h.pos = pos + b.length;
  return b.length;
}
function encodingOf(o) { return typeof o === 'string' ? o : o && o.encoding ? o.encoding : null; }
function readFileSync(p, options) {
  if (typeof p === 'number') { const h = fdOf(p, 'read'); const d = Buffer.from(contents(h.n).subarray(h.pos)); h.pos += d.length; const enc = encodingOf(options); return enc ? d.toString(enc) : d; }
  const abs = resolve(p);
  const n = find(abs);
  if (!n) throw fsError('ENOENT', 'open', abs);
  if (n.type === 'dir') throw fsError('EISDIR', 'read');
  const data = Buffer.from(contents(n));
  const enc = encodingOf(options);
  return enc && enc !== 'buffer' ? data.toString(enc) : data;
}
function dataOf(data, options) {
  if (typeof data === 'string') return Buffer.from(data, encodingOf(options) || 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw typeError('ERR_INVALID_ARG_TYPE', `The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${data === null ? 'null' : typeof data}`);
}
function writeFileSync(p, data, options) {
  const b = dataOf(data, options);
  const flag = (options && typeof options === 'object' && options.flag) || 'w';
  const fd = typeof p === 'number' ? p : openSync(p, flag);
  try { writeSync(fd, b, 0, b.length, null); } finally { if (typeof p !== 'number') closeSync(fd); }
}
function appendFileSync(p, data, options) {
  const o = typeof options === 'string' ? { encoding: options } : { ...(options || {}) };
  writeFileSync(p, data, { ...o, flag: o.flag || 'a' });
}
function statSync(p, options) {
  const abs = resolve(p);
  const n = find(abs);
  if (!n) { if (options && options.throwIfNoEntry === false) return undefined; throw fsError('ENOENT', 'stat', abs); }
  return new Stats(n);
}
function fstatSync(fd) { return new Stats(fdOf(fd, 'fstat').n); }
function existsSync(p) { try { return find(resolve(p)) !== undefined; } catch { return false; } }
function accessSync(p, mode = 0) {
  const abs = resolve(p);
  const n = find(abs);
  if (!n) throw fsError('ENOENT', 'access', abs);
  if (mode & 2 && n.ro) throw fsError('EACCES', 'access', abs);
}
function readdirSync(p, options) {
  const abs = resolve(p);
  const n = find(abs);
  if (!n) throw fsError('ENOENT', 'scandir', abs);
  if (n.type !== 'dir') throw fsError('ENOTDIR', 'scandir', abs);
  const o = typeof options === 'string' ? { encoding: options } : options || {};
  const out = [];
  const walk = (dir, prefix) => {
    for (const name of [...nodes.get(dir).children].sort()) {
      const child = nodes.get(dir + (dir === '/' ? '' : '/') + name);
      const rel = prefix ? prefix + '/' + name : name;
      out.push(o.withFileTypes ? new Dirent(name, child, dir) : rel);
      if (o.recursive && child.type === 'dir') walk(dir + (dir === '/' ? '' : '/') + name, rel);
    }
  };
  walk(abs, '');
  return o.encoding === 'buffer' ? out.map((x) => Buffer.from(x)) : out;
}
function mkdirSync(p, options) {
  const abs = resolve(p);
  const recursive = typeof options === 'object' && options !== null && options.recursive;
  if (find(abs)) { if (recursive && find(abs).type === 'dir') return undefined; throw fsError('EEXIST', 'mkdir', abs); }
  let first;
  const make = (dir) => {
    const existing = find(dir);
    if (existing) { if (existing.type !== 'dir') throw fsError('ENOTDIR', 'mkdir', abs); return; }
    if (!recursive) { parentOf(dir, 'mkdir', abs); } else make(pathMod.dirname(dir));
    const d = find(pathMod.dirname(dir));
    writableDir(d, 'mkdir', abs);
    nodes.set(dir, node('dir'));
    d.children.add(pathMod.basename(dir));
    if (first === undefined) first = dir;
  };
  make(abs);
  return recursive ? first : undefined;
}
function mkdtempSync(prefix) {
  for (;;) {
    const p = toPath(prefix, 'prefix') + Math.random().toString(36).slice(2, 8).padEnd(6, '0');
    if (!existsSync(p)) { mkdirSync(p); return p; }
  }
}
function unlinkSync(p) {
  const abs = resolve(p);
  const n = find(abs);
  if (!n) throw fsError('ENOENT', 'unlink', abs);
  if (n.type === 'dir') throw fsError('EISDIR', 'unlink', abs);
  const d = parentOf(abs, 'unlink', abs);
  if (n.ro || d.ro) throw fsError('EROFS', 'unlink', abs);
  removeNode(abs, n);
  d.children.delete(pathMod.basename(abs));
}
function rmdirSync(p, options) {
  const abs = resolve(p);
  const n = find(abs);
  if (!n) throw fsError('ENOENT', 'rmdir', abs);
  if (n.type !== 'dir') throw fsError('ENOTDIR', 'rmdir', abs);
  if (n.ro || abs === '/tmp') throw fsError(abs === '/tmp' ? 'EACCES' : 'EROFS', 'rmdir', abs);
  if (n.children.size > 0 && !(options && options.recursive)) throw fsError('ENOTEMPTY', 'rmdir', abs);
  const d = parentOf(abs, 'rmdir', abs);
  removeNode(abs, n);
  d.children.delete(pathMod.basename(abs));
}
function rmSync(p, options = {}) {
  const abs = resolve(p);
  const n = find(abs);
  if (!n) { if (options.force) return; throw fsError('ENOENT', 'stat', abs); }
  if (n.type === 'dir') {
    if (!options.recursive) { const e = new Error(`Path is a directory: rm returned EISDIR (is a directory) ${abs}`); e.code = 'ERR_FS_EISDIR'; throw e; }
    rmdirSync(abs, { recursive: true });
  } else unlinkSync(abs);
}
function renameSync(from, to) {
  const a = resolve(from, 'oldPath');
  const b = resolve(to, 'newPath');
  const n = find(a);
  if (!n) throw fsError('ENOENT', 'rename', a, b);
  const da = parentOf(a, 'rename', a);
  const db = parentOf(b, 'rename', a);
  if (n.ro || da.ro || db.ro) throw fsError('EROFS', 'rename', a, b);
  if (a === b) return;
  if (b.startsWith(a + '/')) throw fsError('EINVAL', 'rename', a, b);
  const target = find(b);
  if (target) {
    if (target.type === 'dir' && n.type !== 'dir') throw fsError('EISDIR', 'rename', a, b);
    if (target.type === 'dir' && target.children.size > 0) throw fsError('ENOTEMPTY', 'rename', a, b);
    removeNode(b, target);
  }
  const moved = [...nodes.keys()].filter((k) => k === a || k.startsWith(a + '/'));
  for (const k of moved) { const v = nodes.get(k); nodes.delete(k); nodes.set(b + k.slice(a.length), v); }
  da.children.delete(pathMod.basename(a));
  db.children.add(pathMod.basename(b));
}
function copyFileSync(src, dest, mode = 0) {
  const data = readFileSync(src);
  if (mode & 1 && existsSync(dest)) throw fsError('EEXIST', 'copyfile', resolve(src), resolve(dest));
  writeFileSync(dest, data);
}
function truncateSync(p, len = 0) {
  const fd = typeof p === 'number' ? p : openSync(p, 'r+');
  try { const h = fdOf(fd, 'ftruncate'); contents(h.n); grow(h.n, h.abs, len, 'ftruncate'); } finally { if (typeof p !== 'number') closeSync(fd); }
}
function realpathSync(p) { const abs = resolve(p); if (!find(abs)) throw fsError('ENOENT', 'lstat', abs); return abs; }
realpathSync.native = realpathSync;
function readlinkSync(p) { const abs = resolve(p); if (!find(abs)) throw fsError('ENOENT', 'readlink', abs); throw fsError('EINVAL', 'readlink', abs); }
function symlinkSync(target, p) { throw fsError('EPERM', 'symlink', toPath(target), resolve(p)); }
function linkSync(a, b) { throw fsError('EPERM', 'link', resolve(a), resolve(b)); }
const noop = () => {};

const sync = {
  openSync, closeSync, readSync, writeSync, readFileSync, writeFileSync, appendFileSync, statSync, lstatSync: statSync, fstatSync, existsSync, accessSync,
  readdirSync, mkdirSync, mkdtempSync, unlinkSync, rmdirSync, rmSync, renameSync, copyFileSync, cpSync: copyFileSync, truncateSync, ftruncateSync: truncateSync, realpathSync, readlinkSync,
  symlinkSync, linkSync, chmodSync: noop, fchmodSync: noop, lchmodSync: noop, chownSync: noop, fchownSync: noop, lchownSync: noop, utimesSync: noop, futimesSync: noop, lutimesSync: noop, fsyncSync: noop, fdatasyncSync: noop,
};
module.exports = { sync, Stats, Dirent, constants, fsError, resolve, find, contents, fdOf };
