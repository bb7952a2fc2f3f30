// node:url — WHATWG URL and URLSearchParams from whatwg-url (the standard's reference
// implementation, as jsdom uses), the legacy parse/format/resolve from url@0.11 (Node's own legacy
// code, ported), and Node's helpers (fileURLToPath, pathToFileURL, domainTo*, urlToHttpOptions).
const legacy = require('url/');
const whatwg = require('whatwg-url');
const { URLSearchParams } = whatwg;

// Node's URL: whatwg-url's, with Node's error (TypeError 'Invalid URL', code ERR_INVALID_URL, input).
class URL extends whatwg.URL {
  constructor(input, base) {
    try {
      if (base === undefined) super(input); else super(input, base);
    } catch {
      const err = new TypeError('Invalid URL');
      err.code = 'ERR_INVALID_URL';
      err.input = String(input);
      if (base !== undefined) err.base = String(base);
      throw err;
    }
  }
  static canParse(input, base) { try { new URL(input, base); return true; } catch { return false; } }
}
const punycode = require('punycode');

function invalidArg(name, value) {
  const e = new TypeError(`The "${name}" argument must be of type string or an instance of URL. Received ${value === null ? 'null' : typeof value}`);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}
function fileURLToPath(path) {
  if (typeof path === 'string') path = new URL(path);
  else if (!(path instanceof URL)) throw invalidArg('path', path);
  if (path.protocol !== 'file:') { const e = new TypeError('The URL must be of scheme file'); e.code = 'ERR_INVALID_URL_SCHEME'; throw e; }
  if (path.hostname !== '') { const e = new TypeError('File URL host must be "localhost" or empty on linux'); e.code = 'ERR_INVALID_FILE_URL_HOST'; throw e; }
  const p = path.pathname;
  if (/%2f/i.test(p)) { const e = new TypeError('File URL path must not include encoded / characters'); e.code = 'ERR_INVALID_FILE_URL_PATH'; throw e; }
  return decodeURIComponent(p);
}
function pathToFileURL(filepath) {
  let resolved = String(filepath);
  if (!resolved.startsWith('/')) resolved = '/nodejsAction/' + resolved;
  const u = new URL('file://');
  u.pathname = resolved.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/\t/g, '%09');
  return u;
}
function urlToHttpOptions(url) {
  const o = {
    protocol: url.protocol,
    hostname: typeof url.hostname === 'string' && url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    hash: url.hash, search: url.search, pathname: url.pathname, path: `${url.pathname || ''}${url.search || ''}`, href: url.href,
  };
  if (url.port !== '') o.port = Number(url.port);
  if (url.username || url.password) o.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return o;
}
function domainToASCII(domain) { try { return new URL('http://' + domain).hostname; } catch { return ''; } }
function domainToUnicode(domain) { try { return new URL('http://' + domain).hostname.split('.').map((l) => (l.startsWith('xn--') ? punycode.decode(l.slice(4)) : l)).join('.'); } catch { return ''; } }
function format(u, options) {
  if (u instanceof URL) {
    const o = { auth: true, fragment: true, search: true, unicode: false, ...options };
    let s = u.protocol;
    if (u.host) {
      s += '//';
      if (o.auth && (u.username || u.password)) s += u.username + (u.password ? ':' + u.password : '') + '@';
      s += o.unicode ? domainToUnicode(u.hostname) + (u.port ? ':' + u.port : '') : u.host;
    }
    s += u.pathname;
    if (o.search) s += u.search;
    if (o.fragment) s += u.hash;
    return s;
  }
  return legacy.format(u);
}

module.exports = {
  URL, URLSearchParams,
  parse: legacy.parse, resolve: legacy.resolve, resolveObject: legacy.resolveObject, format, Url: legacy.Url,
  fileURLToPath, pathToFileURL, urlToHttpOptions, domainToASCII, domainToUnicode,
};
