// fetch, Headers, Request and Response of the Fetch standard, over the host's fetch (the request
// is made by the host inside the function's network namespace; host-apis/namespace-fetch.ts).
// Bodies: string, ArrayBuffer, views, Blob, URLSearchParams, FormData (multipart) and
// ReadableStream in; text(), json(), arrayBuffer(), bytes(), blob(), formData() (urlencoded)
// and a ReadableStream `body` out.
const rt = require('internal/runtime');

const kGuard = Symbol('guard');
const FORBIDDEN_RESPONSE = new Set(['set-cookie', 'set-cookie2']);
function normName(k) {
  const n = String(k).toLowerCase();
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(n)) throw new TypeError(`Headers.append: "${k}" is an invalid header name.`);
  return n;
}
const normValue = (v) => String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
class Headers {
  constructor(init) {
    this._h = new Map();
    this[kGuard] = 'none';
    if (init === undefined || init === null) return;
    if (init instanceof Headers) { for (const [k, v] of init._h) this._h.set(k, v.slice()); return; }
    if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = Array.from(pair);
        if (p.length !== 2) throw new TypeError('Headers constructor: expected name/value pair to be length 2, found ' + p.length + '.');
        this.append(p[0], p[1]);
      }
      return;
    }
    if (typeof init === 'object') { for (const k of Object.keys(init)) this.append(k, init[k]); return; }
    throw new TypeError("Headers constructor: The provided value is not of type '(sequence<sequence<ByteString>> or record<ByteString, ByteString>)'.");
  }
  append(k, v) { const n = normName(k); const list = this._h.get(n); if (list) list.push(normValue(v)); else this._h.set(n, [normValue(v)]); }
  set(k, v) { this._h.set(normName(k), [normValue(v)]); }
  get(k) { const list = this._h.get(normName(k)); return list === undefined ? null : list.join(', '); }
  getSetCookie() { return (this._h.get('set-cookie') || []).slice(); }
  has(k) { return this._h.has(normName(k)); }
  delete(k) { this._h.delete(normName(k)); }
  forEach(fn, thisArg) { for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this); }
  *entries() {
    for (const k of [...this._h.keys()].sort()) {
      if (k === 'set-cookie') for (const v of this._h.get(k)) yield [k, v];
      else yield [k, this._h.get(k).join(', ')];
    }
  }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'Headers'; }
}

function web() { return require('internal/web'); }
function streams() { return require('stream/web'); }

/** A body init → { bytes: Uint8Array|null, stream: ReadableStream|null, type: string|null }. */
function extractBody(body) {
  if (body === undefined || body === null) return { bytes: null, stream: null, type: null };
  const w = web();
  if (typeof body === 'string') return { bytes: rt.utf8Encode(body), stream: null, type: 'text/plain;charset=UTF-8' };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { bytes: w.bytesOf(body).slice(), stream: null, type: null };
  if (body instanceof w.Blob) return { bytes: body[w.kBytes].slice(), stream: null, type: body.type || null };
  if (body instanceof globalThis.URLSearchParams) return { bytes: rt.utf8Encode(body.toString()), stream: null, type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (body instanceof w.FormData) return multipart(body);
  if (typeof body.getReader === 'function') return { bytes: null, stream: body, type: null };
  return { bytes: rt.utf8Encode(String(body)), stream: null, type: 'text/plain;charset=UTF-8' };
}
function multipart(form) {
  const w = web();
  const boundary = '----formdata-photon-' + Array.from(w.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  const parts = [];
  const esc = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
  for (const [name, value] of form) {
    if (typeof value === 'string') parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${esc(name)}"\r\n\r\n${value}\r\n`);
    else {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${esc(name)}"; filename="${esc(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`);
      parts.push(value);
      parts.push('\r\n');
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return { bytes: new w.Blob(parts)[w.kBytes], stream: null, type: `multipart/form-data; boundary=${boundary}` };
}
async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const b = typeof value === 'string' ? rt.utf8Encode(value) : web().bytesOf(value);
    chunks.push(b);
    n += b.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

const kBody = Symbol('body');
class Body {
  _initBody(init, headers) {
    const b = extractBody(init);
    this[kBody] = { bytes: b.bytes, stream: b.stream, used: false, view: null };
    if (b.type !== null && !headers.has('content-type')) headers.set('content-type', b.type);
  }
  get body() {
    const b = this[kBody];
    if (b.view) return b.view;
    if (b.stream) return (b.view = b.stream);
    if (b.bytes === null) return null;
    const bytes = b.bytes;
    const { ReadableStream } = streams();
    b.view = new ReadableStream({ type: 'bytes', start(c) { if (bytes.length) c.enqueue(bytes.slice()); c.close(); } });
    return b.view;
  }
  get bodyUsed() { const b = this[kBody]; return b.used || (b.view !== null && typeof b.view.locked === 'boolean' && b.view.locked && b.stream === null && false); }
  async _bytes() {
    const b = this[kBody];
    if (b.used) throw new TypeError('Body is unusable: Body has already been read');
    b.used = true;
    if (b.view && b.view.locked) throw new TypeError('Body is unusable: Body has already been read');
    if (b.stream || b.view) return readAll(b.view || b.stream);
    return b.bytes === null ? new Uint8Array(0) : b.bytes;
  }
  async arrayBuffer() { const u = await this._bytes(); return u.buffer.byteLength === u.byteLength ? u.buffer : u.slice().buffer; }
  async bytes() { return new Uint8Array(await this._bytes()); }
  async text() { return rt.utf8Decode(await this._bytes()); }
  async json() { return JSON.parse(await this.text()); }
  async blob() { const w = web(); return new w.Blob([await this._bytes()], { type: this.headers.get('content-type') || '' }); }
  async formData() {
    const type = this.headers.get('content-type') || '';
    const w = web();
    const form = new w.FormData();
    if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new globalThis.URLSearchParams(await this.text())) form.append(k, v);
      return form;
    }
    throw new TypeError('Response.formData: only application/x-www-form-urlencoded bodies are parsed in photon');
  }
}

class Request extends Body {
  constructor(input, init = {}) {
    super();
    const from = input instanceof Request ? input : null;
    const url = from ? from.url : String(input instanceof globalThis.URL ? input.href : input);
    let parsed;
    try { parsed = new globalThis.URL(url); } catch { throw new TypeError('Failed to parse URL from ' + url); }
    if (parsed.username || parsed.password) throw new TypeError('Request cannot be constructed from a URL that includes credentials: ' + url);
    this.url = parsed.href;
    this.method = String(init.method || (from ? from.method : 'GET')).toUpperCase();
    this.headers = new Headers(init.headers !== undefined ? init.headers : from ? from.headers : undefined);
    this.signal = init.signal || (from ? from.signal : new (web().AbortController)().signal);
    this.redirect = init.redirect || (from ? from.redirect : 'follow');
    this.credentials = init.credentials || 'same-origin';
    this.mode = init.mode || 'cors'; this.cache = init.cache || 'default'; this.referrer = 'about:client';
    this.keepalive = !!init.keepalive; this.integrity = init.integrity || ''; this.destination = '';
    const body = init.body !== undefined ? init.body : from && !from.bodyUsed ? from[kBody].stream || from[kBody].bytes : null;
    if (body !== null && body !== undefined && (this.method === 'GET' || this.method === 'HEAD')) throw new TypeError('Request with GET/HEAD method cannot have body.');
    this._initBody(body, this.headers);
  }
  clone() {
    if (this.bodyUsed) throw new TypeError('Request.clone: Body has already been consumed.');
    return new Request(this);
  }
  get [Symbol.toStringTag]() { return 'Request'; }
}

class Response extends Body {
  constructor(body = null, init = {}) {
    super();
    const status = init.status === undefined ? 200 : Number(init.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
    this.status = status;
    this.statusText = init.statusText === undefined ? '' : String(init.statusText);
    this.headers = new Headers(init.headers);
    this.type = 'default'; this.url = ''; this.redirected = false;
    if (body !== null && [101, 204, 205, 304].includes(status)) throw new TypeError('Response constructor: Invalid response status code ' + status);
    this._initBody(body, this.headers);
  }
  get ok() { return this.status >= 200 && this.status < 300; }
  clone() {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    const b = this[kBody];
    const r = new Response(b.bytes === null ? null : b.bytes.slice(), { status: this.status, statusText: this.statusText, headers: this.headers });
    if (b.stream) { const [x, y] = b.stream.tee(); b.stream = x; b.view = null; r[kBody].stream = y; }
    r.type = this.type; r.url = this.url; r.redirected = this.redirected;
    return r;
  }
  static json(data, init = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { ...init, headers });
  }
  static error() { const r = new Response(null, { status: 200 }); Object.defineProperty(r, 'status', { value: 0 }); r.type = 'error'; return r; }
  static redirect(url, status = 302) {
    if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError('Failed to execute "redirect" on "response": Invalid status code');
    return new Response(null, { status, headers: { location: new globalThis.URL(url).href } });
  }
  get [Symbol.toStringTag]() { return 'Response'; }
}

/** fetch(input, init): the host makes the request in the function's namespace. */
async function fetch(input, init) {
  const req = new Request(input, init);
  if (req.signal.aborted) throw req.signal.reason;
  const body = req[kBody].bytes === null && req[kBody].stream === null ? null : await req._bytes();
  const headers = [];
  for (const [k, v] of req.headers) headers.push([k, v]);
  const call = rt.rawFetch({ url: req.url, method: req.method, headers, body: body === null ? null : body.slice().buffer });
  const m = await new Promise((resolve, reject) => {
    const onAbort = () => reject(req.signal.reason);
    req.signal.addEventListener('abort', onAbort, { once: true });
    call.then((v) => { req.signal.removeEventListener('abort', onAbort); resolve(v); }, (e) => { req.signal.removeEventListener('abort', onAbort); reject(e); });
  });
  const nullBody = [101, 204, 205, 304].includes(m.status);
  const res = new Response(nullBody || req.method === 'HEAD' ? null : new Uint8Array(m.body), { status: m.status < 200 ? 200 : m.status, statusText: m.statusText, headers: m.headers });
  if (m.status < 200) Object.defineProperty(res, 'status', { value: m.status });
  res.url = m.url; res.type = 'basic'; res.redirected = m.url !== req.url;
  return res;
}

void FORBIDDEN_RESPONSE;
module.exports = { fetch, Headers, Request, Response };
