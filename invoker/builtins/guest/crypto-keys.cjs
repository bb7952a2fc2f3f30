// node:crypto's keys and signatures: KeyObject (its material kept here as {t, d}: type and
// raw/SPKI/PKCS#8 bytes, parsed and checked by the host's Node), key pair generation, sign/verify,
// Sign/Verify and diffieHellman. Signatures and key generation run on the host's crypto workers.
module.exports = function cryptoKeys({ host, Buffer, toBytes, asBuffer, callbackOf, viaCallback, invalidArg, typeError }) {
  const kSpec = Symbol('spec');
  const kMeta = Symbol('meta');
  class KeyObject {
    constructor(type, spec, meta = {}) {
      if (type !== 'secret' && type !== 'public' && type !== 'private') throw invalidArg('type', "one of 'secret', 'public', 'private'", type);
      this[kSpec] = spec; this[kMeta] = meta;
    }
    get _spec() { return this[kSpec]; }
    get type() { return this[kSpec].t; }
    get asymmetricKeyType() { return this.type === 'secret' ? undefined : this[kMeta].asymmetricKeyType; }
    get asymmetricKeyDetails() { return this.type === 'secret' ? undefined : { ...this[kMeta].asymmetricKeyDetails }; }
    get symmetricKeySize() { return this.type === 'secret' ? this[kSpec].d.length : undefined; }
    export(options) {
      if (this.type === 'secret') {
        if (options && options.format === 'jwk') return { kty: 'oct', k: Buffer.from(this[kSpec].d).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
        return Buffer.from(this[kSpec].d);
      }
      const r = host.call('key-export', this[kSpec], options || {});
      return r instanceof Uint8Array ? asBuffer(r) : r;
    }
    equals(other) {
      if (!(other instanceof KeyObject)) throw invalidArg('otherKeyObject', 'an instance of KeyObject', other);
      const a = this[kSpec].d; const b = other[kSpec].d;
      return this.type === other.type && a.length === b.length && a.every((x, i) => x === b[i]);
    }
    static from(key) {
      if (!key || !key[kSpec]) throw invalidArg('key', 'an instance of CryptoKey', key);
      return key[kSpec];
    }
    get [Symbol.toStringTag]() { return 'KeyObject'; }
  }
  const fromHost = (desc) => new KeyObject(desc.t, { t: desc.t, d: desc.d }, { asymmetricKeyType: desc.asymmetricKeyType, asymmetricKeyDetails: desc.asymmetricKeyDetails });

  function createSecretKey(key, encoding) {
    if (key instanceof KeyObject) throw invalidArg('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView', key);
    const d = toBytes(key, encoding, 'key').slice();
    return new KeyObject('secret', { t: 'secret', d });
  }
  /** Key input as the host takes it: {spec} for a KeyObject, else {key, format, type, passphrase, encoding}. */
  function keyInput(key, defaultFormat = 'pem') {
    if (key instanceof KeyObject) return { spec: key._spec };
    if (typeof key === 'string' || ArrayBuffer.isView(key) || key instanceof ArrayBuffer) return { key: typeof key === 'string' ? key : toBytes(key).slice(), format: defaultFormat };
    if (key && typeof key === 'object') {
      if (key.key instanceof KeyObject) return { spec: key.key._spec };
      const out = { format: key.format || defaultFormat };
      if (key.format === 'jwk') out.key = key.key;
      else out.key = typeof key.key === 'string' ? (key.encoding && key.encoding !== 'utf8' ? toBytes(key.key, key.encoding).slice() : key.key) : toBytes(key.key, undefined, 'key.key').slice();
      if (key.type !== undefined) out.type = key.type;
      if (key.passphrase !== undefined) out.passphrase = typeof key.passphrase === 'string' ? key.passphrase : toBytes(key.passphrase).slice();
      return out;
    }
    throw invalidArg('key', 'of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey', key);
  }
  const createPublicKey = (key) => fromHost(host.call('key-import', 'public', keyInput(key)));
  const createPrivateKey = (key) => fromHost(host.call('key-import', 'private', keyInput(key)));

  const fromPair = (r) => ({
    publicKey: r.publicKey instanceof Uint8Array ? asBuffer(r.publicKey) : typeof r.publicKey === 'string' ? r.publicKey : fromHost(r.publicKey),
    privateKey: r.privateKey instanceof Uint8Array ? asBuffer(r.privateKey) : typeof r.privateKey === 'string' ? r.privateKey : fromHost(r.privateKey),
  });
  const generateKeyPairSync = (type, options) => fromPair(host.call('generateKeyPair', type, options || {}));
  function generateKeyPair(type, options, cb) {
    if (typeof options === 'function') { cb = options; options = {}; }
    callbackOf(cb);
    host.request('generateKeyPair', type, options || {}).then((r) => { const p = fromPair(r); cb(null, p.publicKey, p.privateKey); }, (e) => cb(e));
  }
  // util.promisify(generateKeyPair) resolves {publicKey, privateKey}, as Node's does.
  Object.defineProperty(generateKeyPair, Symbol.for('nodejs.util.promisify.custom'), {
    value: (type, options) => host.request('generateKeyPair', type, options || {}).then(fromPair),
  });
  function generateKeySync(type, options) {
    const length = options && options.length;
    if (type !== 'hmac' && type !== 'aes') throw invalidArg('type', "one of 'hmac', 'aes'", type);
    if (!Number.isInteger(length) || (type === 'aes' && ![128, 192, 256].includes(length)) || length < 8) { const e = new RangeError(`The property 'options.length' is invalid. Received ${length}`); e.code = 'ERR_INVALID_ARG_VALUE'; throw e; }
    const d = new Uint8Array(Math.floor(length / 8));
    globalThis.crypto.getRandomValues(d);
    return new KeyObject('secret', { t: 'secret', d });
  }
  function generateKey(type, options, cb) {
    callbackOf(cb);
    const k = generateKeySync(type, options); // bad arguments throw now, as Node's do
    Promise.resolve().then(() => cb(null, k));
  }

  /** A sign/verify key: {spec, opts} for a KeyObject (with padding etc.), else the key input with its options. */
  function signKey(key) {
    const opts = {};
    if (key && typeof key === 'object' && !(key instanceof KeyObject) && !ArrayBuffer.isView(key)) {
      for (const k of ['padding', 'saltLength', 'dsaEncoding', 'oaepHash']) if (key[k] !== undefined) opts[k] = key[k];
      if (key.oaepLabel !== undefined) opts.oaepLabel = toBytes(key.oaepLabel, undefined, 'key.oaepLabel').slice();
    }
    const input = keyInput(key);
    if (input.spec) return { spec: input.spec, opts };
    return { ...input, ...opts };
  }
  const sigBytes = (s, enc) => toBytes(s, enc, 'signature').slice();
  function sign(algorithm, data, key, cb) {
    const args = ['sign', algorithm ?? null, toBytes(data).slice(), signKey(key)];
    if (typeof cb === 'function') { viaCallback(host.request(...args), cb, asBuffer); return undefined; }
    return asBuffer(host.call(...args));
  }
  function verify(algorithm, data, key, signature, cb) {
    const args = ['verify', algorithm ?? null, toBytes(data).slice(), signKey(key), sigBytes(signature)];
    if (typeof cb === 'function') { viaCallback(host.request(...args), cb); return undefined; }
    return host.call(...args);
  }
  class Sign {
    constructor(algorithm) {
      if (typeof algorithm !== 'string') throw invalidArg('algorithm', 'of type string', algorithm);
      this._alg = algorithm; this._chunks = [];
    }
    update(data, enc) { this._chunks.push(toBytes(data, enc).slice()); return this; }
    write(data, enc) { this.update(data, enc); return true; }
    end(data, enc) { if (data !== undefined) this.update(data, enc); return this; }
    _data() { return Buffer.concat(this._chunks); }
    sign(key, enc) {
      const r = sign(this._alg, this._data(), key);
      return enc && enc !== 'buffer' ? r.toString(enc) : r;
    }
  }
  class Verify extends Sign {
    sign() { throw typeError('ERR_INVALID_ARG_TYPE', 'verify.sign is not a function'); }
    verify(key, signature, enc) { return verify(this._alg, this._data(), key, sigBytes(signature, enc)); }
  }
  function diffieHellman(options) {
    const { privateKey, publicKey } = options || {};
    if (!(privateKey instanceof KeyObject)) throw invalidArg('options.privateKey', 'an instance of KeyObject', privateKey);
    if (!(publicKey instanceof KeyObject)) throw invalidArg('options.publicKey', 'an instance of KeyObject', publicKey);
    return asBuffer(host.call('diffieHellman', privateKey._spec, publicKey._spec));
  }

  // RSA encryption with a public or private key (OAEP by default, PKCS#1 v1.5 by `padding`).
  const rsa = (fn) => (key, buffer) => asBuffer(host.call('rsa', fn, signKey(key), toBytes(buffer, undefined, 'buffer').slice()));

  return {
    KeyObject,
    fromHost,
    exports: {
      KeyObject, createSecretKey, createPublicKey, createPrivateKey,
      generateKeyPair, generateKeyPairSync, generateKey, generateKeySync,
      sign, verify, Sign, Verify,
      createSign: (algorithm) => new Sign(algorithm), createVerify: (algorithm) => new Verify(algorithm),
      diffieHellman,
      publicEncrypt: rsa('publicEncrypt'), privateDecrypt: rsa('privateDecrypt'),
      privateEncrypt: rsa('privateEncrypt'), publicDecrypt: rsa('publicDecrypt'),
    },
  };
};
