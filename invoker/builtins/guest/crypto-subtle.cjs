// Web Crypto's SubtleCrypto (globalThis.crypto.subtle, node:crypto's webcrypto.subtle): every
// method runs on the host's crypto workers with Node's own webcrypto. A CryptoKey here holds its
// material (raw/SPKI/PKCS#8 bytes, or the raw secret of a PBKDF2/HKDF key) and is imported again
// on the host for each use, so no host object is ever kept; `extractable` is enforced here.
// digest() of SHA-1/-256/-384/-512 is the exception: hashed on this thread when photon's isolated-vm
// build can (`digestHere`, node:crypto's native digest), as createHash is; else on the host too.
module.exports = function cryptoSubtle({ host, toBytes, DOMException, digestHere }) {
  const kMaterial = Symbol('material');
  const kGuard = Symbol('guard');
  class CryptoKey {
    constructor(guard, desc, extractable) {
      if (guard !== kGuard) throw new TypeError('Illegal constructor');
      Object.defineProperties(this, {
        type: { value: desc.type, enumerable: true },
        extractable: { value: !!extractable, enumerable: true },
        algorithm: { value: Object.freeze(desc.algorithm), enumerable: true },
        usages: { value: Object.freeze(desc.usages.slice()), enumerable: true },
      });
      this[kMaterial] = desc.m;
    }
    get [Symbol.toStringTag]() { return 'CryptoKey'; }
  }
  function domError(e) {
    if (e && typeof e.code === 'string' && e.code.startsWith('DOMException:')) return new DOMException(e.message, e.code.slice(13));
    return e;
  }
  const isSource = (v) => ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
  // Web Crypto's digest names (matched without case, as its normalisation does) and node:crypto's.
  const WEB_DIGESTS = new Map([['sha-1', 'sha1'], ['sha-256', 'sha256'], ['sha-384', 'sha384'], ['sha-512', 'sha512']]);
  const HERE_MAX = 1 << 20;
  /** The arguments as the host takes them: BufferSources copied, CryptoKeys as their material. */
  function out(v) {
    if (v instanceof CryptoKey) return { __key: { algorithm: v.algorithm, usages: v.usages, m: v[kMaterial] } };
    if (isSource(v)) return toBytes(v).slice();
    if (Array.isArray(v)) return v.map(out);
    if (v && typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) o[k] = out(v[k]); return o; }
    return v;
  }
  // A copy by Uint8Array's slice: a Buffer's slice is a view (on a shared slab for a short string's).
  const ab = (u) => (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u.buffer : Uint8Array.prototype.slice.call(u).buffer);
  const key = (desc, extractable) => new CryptoKey(kGuard, desc, desc.type === 'public' ? true : extractable);
  function call(method, args) {
    let sent;
    try { sent = out(args); } catch (e) { return Promise.reject(e); }
    return host.request('subtle', method, sent).catch((e) => { throw domError(e); });
  }
  const needKey = (k, name = 'key') => {
    if (!(k instanceof CryptoKey)) throw new TypeError(`The "${name}" argument must be an instance of CryptoKey.`);
  };
  const subtle = {
    CryptoKey,
    async digest(algorithm, data) {
      const name = typeof algorithm === 'string' ? algorithm : algorithm !== null && typeof algorithm === 'object' ? algorithm.name : undefined;
      const here = typeof name === 'string' ? WEB_DIGESTS.get(name.toLowerCase()) : undefined;
      // Up to 1 MB, as createHash hashes here what it has not handed to the host (a bigger input is
      // hashed on the host's workers, off this thread and within the activation's timeout).
      const bytes = here !== undefined && isSource(data) ? toBytes(data) : null;
      if (bytes !== null && bytes.byteLength <= HERE_MAX) {
        const r = digestHere(here, null, [bytes]);
        if (r !== undefined) return r;
      }
      return ab(await call('digest', [algorithm, data]));
    },
    async importKey(format, keyData, algorithm, extractable, usages) {
      const desc = await call('importKey', [format, format === 'jwk' ? keyData : keyData, algorithm, true, usages]);
      return key(desc, extractable);
    },
    async exportKey(format, k) {
      needKey(k);
      if (!k.extractable) throw new DOMException('key is not extractable', 'InvalidAccessError');
      const r = await call('exportKey', [format, k]);
      return r instanceof Uint8Array ? ab(r) : r;
    },
    async generateKey(algorithm, extractable, usages) {
      const r = await call('generateKey', [algorithm, true, usages]);
      if (r.publicKey) return { publicKey: key(r.publicKey, true), privateKey: key(r.privateKey, extractable) };
      return key(r, extractable);
    },
    async sign(algorithm, k, data) { needKey(k); return ab(await call('sign', [algorithm, k, data])); },
    async verify(algorithm, k, signature, data) { needKey(k); return call('verify', [algorithm, k, signature, data]); },
    async encrypt(algorithm, k, data) { needKey(k); return ab(await call('encrypt', [algorithm, k, data])); },
    async decrypt(algorithm, k, data) { needKey(k); return ab(await call('decrypt', [algorithm, k, data])); },
    async deriveBits(algorithm, baseKey, length) { needKey(baseKey, 'baseKey'); return ab(await call('deriveBits', length === undefined ? [algorithm, baseKey] : [algorithm, baseKey, length])); },
    async deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, usages) {
      needKey(baseKey, 'baseKey');
      return key(await call('deriveKey', [algorithm, baseKey, derivedKeyAlgorithm, true, usages]), extractable);
    },
    async wrapKey(format, k, wrappingKey, wrapAlgorithm) {
      needKey(k); needKey(wrappingKey, 'wrappingKey');
      if (!k.extractable) throw new DOMException('key is not extractable', 'InvalidAccessError');
      return ab(await call('wrapKey', [format, k, wrappingKey, wrapAlgorithm]));
    },
  };
  return subtle;
};
