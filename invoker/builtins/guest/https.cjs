// node:https — http.cjs's client with TLS on the host (Node's own, certificates verified against
// Node's CAs unless `rejectUnauthorized: false`). HTTPS servers are not provided.
const http = require('http');

class Agent extends http.Agent {
  constructor(options = {}) { super(options); this.defaultPort = 443; this.protocol = 'https:'; }
}
const globalAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
http._httpsAgent = () => globalAgent;

function request(input, options, cb) { return new http.ClientRequest(input, options, cb, 'https:'); }
function get(input, options, cb) { const r = request(input, options, cb); r.end(); return r; }
function createServer() {
  const e = new Error('photon: HTTPS servers are not provided inside a function (use http.createServer)');
  e.code = 'ERR_NOT_SUPPORTED_IN_PHOTON';
  throw e;
}
module.exports = { Agent, globalAgent, request, get, createServer, Server: createServer };
