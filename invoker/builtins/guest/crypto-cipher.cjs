// node:crypto's Cipheriv and Decipheriv: a host-side cipher per object (its id in the context's
// scope), one host call per update; auth tags and AAD for GCM/CCM/OCB/chacha20-poly1305. Both
// are Transform streams on demand (LazyTransform).
module.exports = function cryptoCipher({ host, Buffer, toBytes, toAB, asBuffer, LazyTransform, KeyObject, nextId }) {
  function Cipheriv(decipher, cipher, key, iv, options) {
    LazyTransform.call(this, options);
    const k = key instanceof KeyObject ? key._spec : toBytes(key, undefined, 'key').slice();
    const v = iv === null ? null : toBytes(iv, undefined, 'iv').slice();
    this._id = nextId();
    this._decipher = decipher;
    this._tag = null; this._done = false; this._decoder = null;
    host.call('cipher-open', this._id, decipher, cipher, k, v, options && typeof options.authTagLength === 'number' ? { authTagLength: options.authTagLength } : null);
  }
  Object.setPrototypeOf(Cipheriv.prototype, LazyTransform.prototype);
  Object.setPrototypeOf(Cipheriv, LazyTransform);
  function finalized() { const e = new Error('Unsupported state'); e.code = 'ERR_CRYPTO_INVALID_STATE'; return e; }
  Cipheriv.prototype.update = function update(data, inputEncoding, outputEncoding) {
    if (this._done) throw finalized();
    const out = asBuffer(host.call('cipher-update', this._id, toAB(toBytes(data, inputEncoding))));
    return this._encode(out, outputEncoding);
  };
  // Output strings go through a StringDecoder, as Node's do: a base64 or UTF-8 unit split across
  // updates comes out whole.
  Cipheriv.prototype._encode = function _encode(b, enc) {
    if (!enc || enc === 'buffer') return b;
    const { StringDecoder } = require('string_decoder');
    if (!this._decoder || this._decoder.encoding !== new StringDecoder(enc).encoding) this._decoder = new StringDecoder(enc);
    return this._decoder.write(b);
  };
  Cipheriv.prototype.final = function final(outputEncoding) {
    if (this._done) throw finalized();
    this._done = true;
    const r = host.call('cipher-final', this._id);
    if (r.tag) this._tag = asBuffer(r.tag);
    const out = asBuffer(r.out);
    if (!outputEncoding || outputEncoding === 'buffer') return out;
    this._encode(Buffer.alloc(0), outputEncoding);
    return this._decoder.end(out);
  };
  Cipheriv.prototype.setAAD = function setAAD(buf, options) {
    host.call('cipher-aad', this._id, toBytes(buf, undefined, 'buffer').slice(), options && typeof options.plaintextLength === 'number' ? { plaintextLength: options.plaintextLength } : {});
    return this;
  };
  Cipheriv.prototype.setAutoPadding = function setAutoPadding(ap = true) { host.call('cipher-pad', this._id, ap !== false); return this; };
  Cipheriv.prototype.getAuthTag = function getAuthTag() {
    if (this._decipher || !this._tag) { const e = new Error('Invalid state for operation getAuthTag'); e.code = 'ERR_CRYPTO_INVALID_STATE'; throw e; }
    return this._tag;
  };
  Cipheriv.prototype.setAuthTag = function setAuthTag(tag, enc) {
    if (!this._decipher) { const e = new Error('Invalid state for operation setAuthTag'); e.code = 'ERR_CRYPTO_INVALID_STATE'; throw e; }
    host.call('cipher-tag', this._id, toBytes(tag, enc, 'buffer').slice());
    return this;
  };
  Cipheriv.prototype._transform = function _transform(chunk, enc, cb) {
    try { this.push(this.update(chunk, enc)); cb(); } catch (e) { cb(e); }
  };
  Cipheriv.prototype._flush = function _flush(cb) {
    try { this.push(this.final()); cb(); } catch (e) { cb(e); }
  };

  function CipherivPublic(cipher, key, iv, options) {
    if (!(this instanceof CipherivPublic)) return new CipherivPublic(cipher, key, iv, options);
    Cipheriv.call(this, false, cipher, key, iv, options);
  }
  Object.setPrototypeOf(CipherivPublic.prototype, Cipheriv.prototype);
  function Decipheriv(cipher, key, iv, options) {
    if (!(this instanceof Decipheriv)) return new Decipheriv(cipher, key, iv, options);
    Cipheriv.call(this, true, cipher, key, iv, options);
  }
  Object.setPrototypeOf(Decipheriv.prototype, Cipheriv.prototype);

  return {
    Cipheriv: CipherivPublic, Decipheriv,
    createCipheriv: (cipher, key, iv, options) => new CipherivPublic(cipher, key, iv, options),
    createDecipheriv: (cipher, key, iv, options) => new Decipheriv(cipher, key, iv, options),
  };
};
