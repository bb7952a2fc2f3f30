// node:crypto — Node's own crypto on the host (host/crypto-host.ts), reached with copies. Hashes
// and HMACs batch their updates here; digest() hashes them natively on the isolate's own thread
// where photon's isolated-vm build can (require('photon:digest'): OpenSSL, a fixed list of
// algorithms), else costs one host call (a big stream is fed to a host-side handle every MB); ciphers keep a host-side handle per cipher; a KeyObject is its key
// material kept here ({t, d}: type and raw/SPKI/PKCS#8 bytes), never a host object. The host must
// not be called at load time (see the README), so lists and constants are fetched lazily.
const host = require('photon:host');
const { Buffer } = require('buffer');
const { Transform } = require('stream');
const web = require('internal/web');
const { sha256, hmacSha256 } = require('./sha256.cjs');
const native = require('photon:digest');
// What native-digest.patch hashes (Node's names, lower case): anything else (shake's outputLength,
// ripemd160, aliases) asks the host.
const NATIVE = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-224', 'sha512-256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512']);
const SHA256 = new Set(['sha256', 'SHA256', 'RSA-SHA256', 'sha-256', 'SHA-256']);

let seq = 0; // ids of host-side handles (hashes, ciphers), per context
const FLUSH = 1 << 20;

function typeError(code, message) { const e = new TypeError(message); e.code = code; return e; }
function invalidArg(name, types, value) {
  return typeError('ERR_INVALID_ARG_TYPE', `The "${name}" argument must be ${types}. Received ${value === null ? 'null' : typeof value}`);
}
/**
 * Bytes of a string/Buffer/TypedArray/DataView/ArrayBuffer, as a Uint8Array view (never a Buffer,
 * whose slice() is a view: callers copy with slice(); a short string's Buffer is on a shared slab).
 */
function toBytes(data, enc, name = 'data') {
  if (typeof data === 'string') { const b = Buffer.from(data, enc && enc !== 'buffer' ? enc : 'utf8'); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); }
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw invalidArg(name, 'of type string or an instance of Buffer, TypedArray, or DataView', data);
}
/** One contiguous copy-ready Uint8Array of the chunks (a view over a whole buffer crosses as is). */
function concat(chunks, total) {
  if (chunks.length === 1) {
    const c = chunks[0];
    return c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : Uint8Array.prototype.slice.call(c); // a copy (a Buffer's slice is a view)
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
const asBuffer = (u) => (typeof u === 'string' ? u : u instanceof ArrayBuffer ? Buffer.from(u) : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
/**
 * Bytes as an ArrayBuffer of exactly their length, the form that crosses to the host fastest
 * (isolated-vm copies an ArrayBuffer with one memcpy; a typed array in an argument list costs
 * several times more per byte).
 */
function toAB(u) {
  if (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength) return u.buffer;
  const c = new Uint8Array(u.byteLength);
  c.set(u);
  return c.buffer;
}
const callbackOf = (cb) => { if (typeof cb !== 'function') throw invalidArg('callback', 'of type function', cb); return cb; };
/** A host request answered through a Node-style callback, on a later turn. */
function viaCallback(promise, cb, map = (v) => v) {
  promise.then((v) => cb(null, map(v)), (e) => cb(e));
}

// ---- LazyTransform: stream state only when used as a stream (Node's own trick, for speed) -------
function LazyTransform(options) { this._options = options; }
Object.setPrototypeOf(LazyTransform.prototype, Transform.prototype);
Object.setPrototypeOf(LazyTransform, Transform);
for (const prop of ['_readableState', '_writableState', '_transformState']) {
  Object.defineProperty(LazyTransform.prototype, prop, {
    configurable: true, enumerable: true,
    get() { Transform.call(this, this._options); this._writableState.decodeStrings = false; return this[prop]; },
    set(v) { Object.defineProperty(this, prop, { value: v, enumerable: true, configurable: true, writable: true }); },
  });
}

// ---- Hash, Hmac --------------------------------------------------------------------------------
const KNOWN_HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-224', 'sha512-256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'shake128', 'shake256', 'ripemd160', 'rmd160', 'blake2b512', 'blake2s256', 'md5-sha1', 'sm3', 'sha-256', 'rsa-sha256']);
function Hash(algorithm, options, key) {
  if (!(this instanceof Hash)) return new Hash(algorithm, options);
  if (typeof algorithm !== 'string') throw invalidArg(key === undefined ? 'algorithm' : 'hmac', 'of type string', algorithm);
  LazyTransform.call(this, options);
  this._alg = algorithm; this._key = key === undefined ? null : key;
  this._opts = options && typeof options.outputLength === 'number' ? { outputLength: options.outputLength } : null;
  this._chunks = []; this._pending = 0; this._id = 0; this._done = false;
  // An algorithm this layer does not know is checked now, as Node does at creation.
  if (!KNOWN_HASHES.has(algorithm.toLowerCase())) this._open(new Uint8Array(0));
}
Object.setPrototypeOf(Hash.prototype, LazyTransform.prototype);
Object.setPrototypeOf(Hash, LazyTransform);
Hash.prototype._open = function _open(data) {
  const id = ++seq;
  host.call('hash-open', id, this._alg, this._key, this._opts, host.bytes(data));
  this._id = id;
};
Hash.prototype._take = function _take() {
  const data = this._chunks.length === 0 ? new Uint8Array(0) : concat(this._chunks, this._pending);
  this._chunks = []; this._pending = 0;
  return data;
};
Hash.prototype.update = function update(data, enc) {
  if (this._done) { const e = new Error('Digest already called'); e.code = 'ERR_CRYPTO_HASH_FINALIZED'; throw e; }
  const b = toBytes(data, enc);
  this._chunks.push(b); this._pending += b.length;
  if (this._pending >= FLUSH) {
    if (this._id === 0) this._open(this._take());
    else host.call('hash-feed', this._id, host.bytes(this._take()));
  }
  return this;
};
const SMALL = 4096; // below this SHA-256 (and its HMAC) in JS is cheaper than a host call
const HEX = Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));
/** Bytes as digest(enc) answers them: a string in a known encoding, else a Buffer (as the host's out()). */
function encodeHere(u, enc) {
  if (typeof enc !== 'string' || enc === 'buffer' || !Buffer.isEncoding(enc)) return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  if (enc === 'hex') { let s = ''; for (let i = 0; i < u.length; i++) s += HEX[u[i]]; return s; }
  const b = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  if (enc === 'base64url') return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return b.toString(enc);
}
Hash.prototype.digest = function digest(enc) {
  if (this._done) { const e = new Error('Digest already called'); e.code = 'ERR_CRYPTO_HASH_FINALIZED'; throw e; }
  this._done = true;
  if (this._id === 0 && this._opts === null) {
    // Natively on this thread first: as fast as sha256.cjs at 64 B (bench:isolates --builtins,
    // A/B), faster beyond. sha256.cjs remains for the prebuilt isolated-vm (no native digest) and aliases.
    // Many small updates (update('') adds a chunk and no bytes) are joined here: the native call takes at most 2^20.
    const n = nativeDigest(this._alg, this._key, this._chunks.length <= 1024 ? this._chunks : [concat(this._chunks, this._pending)], OUT);
    if (n !== undefined) { this._chunks = []; this._pending = 0; return encodeOut(n, enc); }
    if (this._pending <= SMALL && SHA256.has(this._alg)) {
      const k = this._key;
      const h = k === null ? sha256(this._chunks, this._pending) : hmacSha256(k instanceof Uint8Array ? k : k.d, this._chunks, this._pending);
      this._chunks = []; this._pending = 0;
      return encodeHere(h, enc);
    }
  }
  const data = this._take();
  const r = this._id === 0 ? host.call('digest', this._alg, this._key, host.bytes(data), this._opts, enc) : host.call('hash-digest', this._id, host.bytes(data), enc);
  return asBuffer(r);
};
Hash.prototype.copy = function copy(options) {
  if (this._done) { const e = new Error('Digest already called'); e.code = 'ERR_CRYPTO_HASH_FINALIZED'; throw e; }
  const h = Object.create(Hash.prototype);
  LazyTransform.call(h, options);
  Object.assign(h, { _alg: this._alg, _key: this._key, _opts: options && typeof options.outputLength === 'number' ? { outputLength: options.outputLength } : this._opts, _chunks: this._chunks.slice(), _pending: this._pending, _id: 0, _done: false });
  if (this._id !== 0) { h._id = ++seq; host.call('hash-copy', this._id, h._id); }
  return h;
};
Hash.prototype._transform = function _transform(chunk, enc, cb) { this.update(chunk, enc); cb(); };
Hash.prototype._flush = function _flush(cb) { this.push(this.digest()); cb(); };

function Hmac(hmac, key, options) {
  if (!(this instanceof Hmac)) return new Hmac(hmac, key, options);
  const k = key instanceof KeyObject ? (key.type === 'secret' ? key._spec : (() => { throw typeError('ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE', `Invalid key object type ${key.type}, expected secret.`); })()) : toBytes(key, options && options.encoding, 'key');
  Hash.call(this, hmac, options, k instanceof Uint8Array ? concat([k], k.length) : k);
}
Object.setPrototypeOf(Hmac.prototype, Hash.prototype);
Object.setPrototypeOf(Hmac, Hash);
Hmac.prototype.copy = undefined;

// Digests on this thread write into OUT, one scratch buffer per context, and answer the digest's
// length: V8 takes about as long to make an ArrayBuffer (~1 µs) as OpenSSL to hash 64 bytes, and
// digest('hex') needs none (Node's makes none either). Read OUT before the next digest: encodeOut
// copies what it returns.
const OUT = new Uint8Array(new ArrayBuffer(64));
/**
 * The digest of chunks (Uint8Arrays) on this thread: written into `out` with its length answered,
 * or without `out` as a new ArrayBuffer; undefined where the host must answer.
 */
function nativeDigest(algorithm, key, chunks, out) {
  const name = typeof algorithm === 'string' ? algorithm.toLowerCase() : '';
  if (!NATIVE.has(name)) return undefined;
  const k = key === null || key instanceof Uint8Array ? key : key.d instanceof Uint8Array ? key.d : undefined;
  if (k === undefined) return undefined;
  return out === undefined ? native.digest(name, k, chunks) : native.digestInto(name, k, chunks, out);
}
function encodeOut(n, enc) {
  if (enc === 'hex') { let s = ''; for (let i = 0; i < n; i++) s += HEX[OUT[i]]; return s; }
  return encodeHere(OUT.slice(0, n), enc);
}

function hash(algorithm, data, outputEncoding = 'hex') {
  if (typeof data === 'string' || ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
    const n = nativeDigest(algorithm, null, [toBytes(data, 'utf8')], OUT);
    if (n !== undefined) return encodeOut(n, outputEncoding);
  }
  return asBuffer(host.call('digest', algorithm, null, host.bytes(toBytes(data, 'utf8')), null, outputEncoding === 'buffer' ? undefined : outputEncoding));
}

// ---- random ----------------------------------------------------------------------------------------
const RANDOM_CHUNK = 1 << 20;
// Small requests (randomBytes(16) for a token or an id, randomUUID) from the web globals' 4 KB pool
// of the host's entropy (web.cjs randomBytes, getRandomValues' own): one host call per 4 KB, where
// each call was one (~54 us; Node's own takes ~1.7 us). Every byte is handed out once.
const POOLED_MAX = 1024;
function randomInto(u8) {
  if (u8.length <= POOLED_MAX) { u8.set(web.randomView(u8.length)); return u8; }
  for (let at = 0; at < u8.length; at += RANDOM_CHUNK) {
    const n = Math.min(RANDOM_CHUNK, u8.length - at);
    u8.set(new Uint8Array(host.call('random', n)), at);
  }
  return u8;
}
function checkSize(size, name = 'size') {
  if (typeof size !== 'number') throw invalidArg(name, 'of type number', size);
  if (!Number.isInteger(size) || size < 0 || size > 2 ** 31 - 1) { const e = new RangeError(`The value of "${name}" is out of range. It must be >= 0 && <= 2147483647. Received ${size}`); e.code = 'ERR_OUT_OF_RANGE'; throw e; }
}
function randomBytes(size, cb) {
  checkSize(size);
  if (cb === undefined) return randomInto(Buffer.alloc(size));
  callbackOf(cb);
  host.request('random', Math.min(size, RANDOM_CHUNK)).then(() => cb(null, randomInto(Buffer.alloc(size))), cb);
  return undefined;
}
function randomFillSync(buf, offset = 0, size) {
  const u = toBytes(buf, undefined, 'buf');
  const n = size === undefined ? u.length - offset : size;
  randomInto(u.subarray(offset, offset + n));
  return buf;
}
function randomFill(buf, offset, size, cb) {
  if (typeof offset === 'function') { cb = offset; offset = 0; size = undefined; } else if (typeof size === 'function') { cb = size; size = undefined; }
  callbackOf(cb);
  Promise.resolve().then(() => cb(null, randomFillSync(buf, offset, size)), cb);
}
function randomInt(min, max, cb) {
  if (typeof max === 'undefined' || typeof max === 'function') { cb = max; max = min; min = 0; }
  if (!Number.isSafeInteger(min)) throw invalidArg('min', 'a safe integer', min);
  if (!Number.isSafeInteger(max)) throw invalidArg('max', 'a safe integer', max);
  if (max <= min) { const e = new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`); e.code = 'ERR_OUT_OF_RANGE'; throw e; }
  const range = max - min;
  if (range >= 2 ** 48) { const e = new RangeError('The value of "max - min" is out of range. It must be <= 281474976710655. Received ' + range); e.code = 'ERR_OUT_OF_RANGE'; throw e; }
  // Rejection sampling over 48-bit values, as Node does: no modulo bias.
  const limit = 2 ** 48 - (2 ** 48 % range);
  let n;
  do { const b = web.crypto.getRandomValues(new Uint8Array(6)); n = b[0] * 2 ** 40 + b[1] * 2 ** 32 + b[2] * 2 ** 24 + b[3] * 2 ** 16 + b[4] * 2 ** 8 + b[5]; } while (n >= limit);
  const v = min + (n % range);
  if (typeof cb === 'function') { Promise.resolve().then(() => cb(null, v)); return undefined; }
  return v;
}

// Version 4 UUIDs from the pool of the host's entropy above: a loop of them costs one host call per 256.
function randomUUID() {
  const b = web.randomView(16);
  const h = (k) => HEX[b[k]];
  return h(0) + h(1) + h(2) + h(3) + '-' + h(4) + h(5) + '-' + HEX[(b[6] & 0x0f) | 0x40] + h(7) + '-' + HEX[(b[8] & 0x3f) | 0x80] + h(9) + '-' + h(10) + h(11) + h(12) + h(13) + h(14) + h(15);
}

// ---- key derivation ------------------------------------------------------------------------------
function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  return asBuffer(host.call('pbkdf2', toBytes(password, undefined, 'password'), toBytes(salt, undefined, 'salt'), iterations, keylen, digest));
}
function pbkdf2(password, salt, iterations, keylen, digest, cb) {
  callbackOf(cb);
  viaCallback(host.request('pbkdf2', toBytes(password, undefined, 'password'), toBytes(salt, undefined, 'salt'), iterations, keylen, digest), cb, asBuffer);
}
function scryptSync(password, salt, keylen, options) {
  return asBuffer(host.call('scrypt', toBytes(password, undefined, 'password'), toBytes(salt, undefined, 'salt'), keylen, options || {}));
}
function scrypt(password, salt, keylen, options, cb) {
  if (typeof options === 'function') { cb = options; options = {}; }
  callbackOf(cb);
  viaCallback(host.request('scrypt', toBytes(password, undefined, 'password'), toBytes(salt, undefined, 'salt'), keylen, options || {}), cb, asBuffer);
}
const kdfKey = (k) => (k instanceof KeyObject ? k._spec : toBytes(k, undefined, 'ikm'));
function hkdfSync(digest, ikm, salt, info, keylen) {
  return host.call('hkdf', digest, kdfKey(ikm), toBytes(salt, undefined, 'salt'), toBytes(info, undefined, 'info'), keylen).buffer;
}
function hkdf(digest, ikm, salt, info, keylen, cb) {
  callbackOf(cb);
  viaCallback(host.request('hkdf', digest, kdfKey(ikm), toBytes(salt, undefined, 'salt'), toBytes(info, undefined, 'info'), keylen), cb, (u) => u.buffer);
}

const keys = require('./crypto-keys.cjs')({ host, Buffer, toBytes, asBuffer, callbackOf, viaCallback, invalidArg, typeError });
const { KeyObject } = keys;
const ciphers = require('./crypto-cipher.cjs')({ host, Buffer, toBytes, toAB, asBuffer, LazyTransform, KeyObject, nextId: () => ++seq });

// ---- the rest -------------------------------------------------------------------------------------
function timingSafeEqual(a, b) {
  const x = toBytes(a, undefined, 'buf1'); const y = toBytes(b, undefined, 'buf2');
  if (x.length !== y.length) { const e = new RangeError('Input buffers must have the same byte length'); e.code = 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH'; throw e; }
  let d = 0;
  for (let i = 0; i < x.length; i++) d |= x[i] ^ y[i];
  return d === 0;
}
let lists = null;
const hostLists = () => (lists ??= host.call('lists'));

const subtle = require('./crypto-subtle.cjs')({ host, Buffer, toBytes, DOMException: web.DOMException, digestHere: nativeDigest });
web.setSubtle(subtle);
const webcrypto = { subtle, getRandomValues: (a) => web.crypto.getRandomValues(a), randomUUID, CryptoKey: subtle.CryptoKey };

module.exports = {
  createHash: (algorithm, options) => new Hash(algorithm, options),
  createHmac: (hmac, key, options) => new Hmac(hmac, key, options),
  Hash, Hmac, hash,
  randomBytes, pseudoRandomBytes: randomBytes, prng: randomBytes, rng: randomBytes,
  randomFill, randomFillSync, randomInt,
  randomUUID,
  getRandomValues: (a) => web.crypto.getRandomValues(a),
  pbkdf2, pbkdf2Sync, scrypt, scryptSync, hkdf, hkdfSync,
  ...ciphers,
  ...keys.exports,
  timingSafeEqual,
  getHashes: () => hostLists().hashes.slice(),
  getCiphers: () => hostLists().ciphers.slice(),
  getCurves: () => hostLists().curves.slice(),
  getFips: () => 0, setFips: () => undefined,
  webcrypto, subtle,
};
Object.defineProperty(module.exports, 'constants', { enumerable: true, configurable: true, get() { return hostLists().constants; } });
