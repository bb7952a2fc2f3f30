// node:tls — the TLS client: a TLSSocket is a net.Socket whose connection and TLS session live on
// the host (host/net-host.ts tls-connect: Node's own TLS, certificates verified against Node's CAs
// unless `rejectUnauthorized: false`), so the guest sees plaintext bytes and the peer's
// certificate as data. TLS servers are not provided.
const net = require('net');
const { Buffer } = require('buffer');

function coded(code, message) { const e = new Error(message); e.code = code; return e; }
const pem = (v) => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : undefined);

class TLSSocket extends net.Socket {
  constructor(socket, options = {}) {
    super(options);
    if (socket) throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: TLS over a guest socket is not provided; use tls.connect({host, port})');
    this[net._kConnectOp] = 'tls-connect';
    this.encrypted = true;
    this.authorized = false;
    this.authorizationError = null;
    this.alpnProtocol = false;
    this._cert = {};
    this._protocol = null;
    this._onAttach = (info) => {
      this.authorized = info.authorized;
      this.authorizationError = info.authorizationError;
      this.alpnProtocol = info.alpnProtocol || false;
      this._cert = info.cert || {};
      this._protocol = info.protocol;
      this.once('connect', () => this.emit('secureConnect'));
    };
  }
  getPeerCertificate() { return this._cert; }
  getProtocol() { return this._protocol; }
  getCipher() { return undefined; }
  getSession() { return undefined; }
  isSessionReused() { return false; }
  setServername() {}
  renegotiate() { return false; }
}

function connect(...args) {
  let o = {};
  let cb = typeof args[args.length - 1] === 'function' ? args.pop() : null;
  if (args[0] !== null && typeof args[0] === 'object') o = { ...args[0] };
  else {
    o = { ...(args[2] && typeof args[2] === 'object' ? args[2] : args[1] && typeof args[1] === 'object' ? args[1] : {}), port: args[0] };
    if (typeof args[1] === 'string') o.host = args[1];
  }
  if (o.socket) throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: TLS over a guest socket is not provided; use tls.connect({host, port})');
  const ca = o.ca === undefined ? undefined : Array.isArray(o.ca) ? o.ca.map(pem) : pem(o.ca);
  const s = new TLSSocket(null, o);
  return s.connect([{ host: o.host, port: o.port, servername: o.servername, rejectUnauthorized: o.rejectUnauthorized !== false, ...(ca ? { ca } : {}), ...(o.ALPNProtocols ? { ALPNProtocols: [...o.ALPNProtocols].map(String) } : {}), timeout: o.timeout }, cb]);
}

module.exports = {
  TLSSocket, connect,
  checkServerIdentity: () => undefined,
  createServer() { throw coded('ERR_NOT_SUPPORTED_IN_PHOTON', 'photon: TLS servers are not provided inside a function (listen with http or net)'); },
  createSecureContext: (o) => ({ context: {}, options: o }),
  DEFAULT_ECDH_CURVE: 'auto', DEFAULT_MIN_VERSION: 'TLSv1.2', DEFAULT_MAX_VERSION: 'TLSv1.3',
  getCiphers: () => ['tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384', 'tls_chacha20_poly1305_sha256'],
  rootCertificates: Object.freeze([]),
};
