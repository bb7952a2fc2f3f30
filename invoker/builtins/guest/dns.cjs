// node:dns — lookup and resolve through the host's resolver on the function's behalf
// (host/dns-host.ts). Callback API here, promises on `.promises` and in dns-promises.cjs.
const host = require('photon:host');

function coded(code, message, Ctor) { const e = new (Ctor || Error)(message); e.code = code; return e; }
function withHost(e, syscall, hostname) {
  if (e && typeof e.code === 'string') { e.syscall = syscall; e.hostname = hostname; e.errno = e.errno || undefined; }
  return e;
}
function isIP(s) { return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) ? 4 : s.includes(':') ? 6 : 0; }

async function lookupP(hostname, options) {
  const o = typeof options === 'number' ? { family: options } : options || {};
  if (typeof hostname !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "hostname" argument must be of type string. Received ' + typeof hostname, TypeError);
  const fam = o.family === 'IPv4' ? 4 : o.family === 'IPv6' ? 6 : o.family;
  const ip = isIP(hostname);
  let all;
  if (ip) all = [{ address: hostname, family: ip }];
  else if (hostname === '') all = [{ address: '127.0.0.1', family: 4 }];
  else all = await host.request('lookup', hostname, { family: fam }).catch((e) => { throw withHost(e, 'getaddrinfo', hostname); });
  return o.all ? all : all[0];
}
function lookup(hostname, options, cb) {
  if (typeof options === 'function') { cb = options; options = {}; }
  if (typeof cb !== 'function') throw coded('ERR_INVALID_ARG_TYPE', 'The "callback" argument must be of type function', TypeError);
  const o = typeof options === 'number' ? { family: options } : options || {};
  lookupP(hostname, o).then((r) => (o.all ? cb(null, r) : cb(null, r.address, r.family)), (e) => cb(e));
}

const q = (op, syscall) => (name, ...rest) => host.request(op, name, ...rest).catch((e) => { throw withHost(e, syscall, name); });
const promises = {
  lookup: lookupP,
  resolve: (name, rrtype = 'A') => q('resolve', 'query' + rrtype)(name, rrtype),
  resolve4: (name, o) => q('resolve4', 'queryA')(name, Boolean(o && o.ttl)),
  resolve6: (name, o) => q('resolve6', 'queryAaaa')(name, Boolean(o && o.ttl)),
  resolveTxt: (name) => q('resolve', 'queryTxt')(name, 'TXT'),
  resolveMx: (name) => q('resolve', 'queryMx')(name, 'MX'),
  resolveCname: (name) => q('resolve', 'queryCname')(name, 'CNAME'),
  resolveNs: (name) => q('resolve', 'queryNs')(name, 'NS'),
  resolveSrv: (name) => q('resolve', 'querySrv')(name, 'SRV'),
  resolveSoa: (name) => q('resolve', 'querySoa')(name, 'SOA'),
  resolveAny: (name) => q('resolve', 'queryAny')(name, 'ANY'),
  resolveCaa: (name) => q('resolve', 'queryCaa')(name, 'CAA'),
  resolveNaptr: (name) => q('resolve', 'queryNaptr')(name, 'NAPTR'),
  resolvePtr: (name) => q('resolve', 'queryPtr')(name, 'PTR'),
  reverse: (ip) => q('reverse', 'getHostByAddr')(ip),
  setServers() {}, getServers: () => [], setDefaultResultOrder() {}, getDefaultResultOrder: () => 'verbatim',
};
class Resolver { constructor() { Object.assign(this, promises); } cancel() {} }
promises.Resolver = Resolver;

const callbackify = (fn) => (...args) => {
  const cb = args.pop();
  if (typeof cb !== 'function') throw coded('ERR_INVALID_ARG_TYPE', 'The "callback" argument must be of type function', TypeError);
  fn(...args).then((r) => cb(null, r), (e) => cb(e));
};
const api = { lookup, promises };
for (const k of Object.keys(promises)) if (k.startsWith('resolve') || k === 'reverse') api[k] = callbackify(promises[k]);
class CbResolver { constructor() { for (const k of Object.keys(api)) if (k !== 'promises') this[k] = api[k]; } cancel() {} setServers() {} getServers() { return []; } }
Object.assign(api, {
  Resolver: CbResolver,
  setServers() {}, getServers: () => [], setDefaultResultOrder() {}, getDefaultResultOrder: () => 'verbatim',
  lookupService(_a, _p, cb) { Promise.resolve().then(() => cb(coded('ENOTSUP', 'photon: lookupService is not provided'))); },
  ADDRCONFIG: 1024, V4MAPPED: 2048, ALL: 256,
  NODATA: 'ENODATA', FORMERR: 'EFORMERR', SERVFAIL: 'ESERVFAIL', NOTFOUND: 'ENOTFOUND', NOTIMP: 'ENOTIMP', REFUSED: 'EREFUSED',
  BADQUERY: 'EBADQUERY', BADNAME: 'EBADNAME', BADFAMILY: 'EBADFAMILY', BADRESP: 'EBADRESP', CONNREFUSED: 'ECONNREFUSED',
  TIMEOUT: 'ETIMEOUT', EOF: 'EOF', FILE: 'EFILE', NOMEM: 'ENOMEM', DESTRUCTION: 'EDESTRUCTION', BADSTR: 'EBADSTR',
  BADFLAGS: 'EBADFLAGS', NONAME: 'ENONAME', BADHINTS: 'EBADHINTS', NOTINITIALIZED: 'ENOTINITIALIZED', CANCELLED: 'ECANCELLED',
});
module.exports = api;
