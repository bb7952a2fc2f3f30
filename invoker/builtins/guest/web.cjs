// internal/web: the Web platform globals Node 20 has and V8 alone does not — TextEncoder and
// TextDecoder, atob/btoa, Event/EventTarget, AbortController/AbortSignal, DOMException,
// structuredClone, performance, crypto (getRandomValues, randomUUID; `subtle` is the crypto
// module's, see setSubtle), Blob/File/FormData and fetch with real Headers, Request and Response.
const rt = require('internal/runtime');
const host = require('photon:host');
const { Buffer } = require('buffer');

// ---- DOMException, Event, EventTarget, AbortController ------------------------------------------
const DOM_CODES = { IndexSizeError: 1, HierarchyRequestError: 3, InvalidCharacterError: 5, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, NetworkError: 19, AbortError: 20, TimeoutError: 23, DataCloneError: 25 };
class DOMException extends Error {
  constructor(message = '', options) {
    super(message);
    const name = typeof options === 'string' ? options : options && options.name ? options.name : 'Error';
    Object.defineProperty(this, 'name', { value: name, configurable: true, writable: true });
    if (options && typeof options === 'object' && 'cause' in options) this.cause = options.cause;
  }
  get code() { return DOM_CODES[this.name] || 0; }
}
for (const [k, v] of Object.entries(DOM_CODES)) DOMException[k.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase().replace(/_ERROR$/, '_ERR')] = v;

const kStop = Symbol('stop');
class Event {
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError('The "type" argument must be specified');
    this.type = String(type);
    this.bubbles = !!init.bubbles; this.cancelable = !!init.cancelable; this.composed = !!init.composed;
    this.defaultPrevented = false; this.timeStamp = perfNow(); this.isTrusted = false;
    this.target = null; this.currentTarget = null; this.eventPhase = 0; this[kStop] = false;
  }
  get srcElement() { return this.target; }
  get returnValue() { return !this.defaultPrevented; }
  preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this[kStop] = true; }
  composedPath() { return this.currentTarget ? [this.currentTarget] : []; }
}
Event.NONE = 0; Event.CAPTURING_PHASE = 1; Event.AT_TARGET = 2; Event.BUBBLING_PHASE = 3;
class CustomEvent extends Event {
  constructor(type, init = {}) { super(type, init); this.detail = init.detail === undefined ? null : init.detail; }
}
const kListeners = Symbol('listeners');
class EventTarget {
  constructor() { this[kListeners] = new Map(); }
  addEventListener(type, listener, options) {
    if (listener === null || listener === undefined) return;
    const once = typeof options === 'object' && options !== null && !!options.once;
    const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
    if (signal && signal.aborted) return;
    let list = this[kListeners].get(type);
    if (!list) this[kListeners].set(type, (list = []));
    if (list.some((l) => l.listener === listener)) return;
    const entry = { listener, once };
    list.push(entry);
    if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true });
  }
  removeEventListener(type, listener) {
    const list = this[kListeners].get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i !== -1) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError('The "event" argument must be an instance of Event. Received ' + typeof event);
    event.target = this; event.currentTarget = this; event.eventPhase = 2;
    const list = this[kListeners].get(event.type);
    const handler = this['on' + event.type];
    const all = list ? list.slice() : [];
    for (const entry of all) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      try {
        if (typeof entry.listener === 'function') entry.listener.call(this, event);
        else if (entry.listener && typeof entry.listener.handleEvent === 'function') entry.listener.handleEvent(event);
      } catch (e) { rt.log('stderr', ['Uncaught exception in an event listener:', e]); }
      if (event[kStop]) break;
    }
    if (typeof handler === 'function' && !event[kStop]) {
      try { handler.call(this, event); } catch (e) { rt.log('stderr', ['Uncaught exception in an event handler:', e]); }
    }
    event.currentTarget = null; event.eventPhase = 0;
    return !event.defaultPrevented;
  }
}
const kAbort = Symbol('abort');
class AbortSignal extends EventTarget {
  constructor(key) {
    if (key !== kAbort) throw new TypeError('Illegal constructor');
    super();
    this.aborted = false; this.reason = undefined; this.onabort = null;
  }
  throwIfAborted() { if (this.aborted) throw this.reason; }
  [kAbort](reason) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.dispatchEvent(new Event('abort'));
  }
  static abort(reason) { const s = new AbortSignal(kAbort); s[kAbort](reason); return s; }
  static timeout(ms) {
    const s = new AbortSignal(kAbort);
    rt.setTimer(() => s[kAbort](new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, [], false);
    return s;
  }
  static any(signals) {
    const s = new AbortSignal(kAbort);
    for (const o of signals) {
      if (o.aborted) { s[kAbort](o.reason); return s; }
      o.addEventListener('abort', () => s[kAbort](o.reason), { once: true });
    }
    return s;
  }
}
class AbortController {
  constructor() { this.signal = new AbortSignal(kAbort); }
  abort(reason) { this.signal[kAbort](reason); }
}

// ---- encoding ----------------------------------------------------------------------------------
const LABELS = { 'utf-8': 'utf-8', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8', 'utf-16le': 'utf-16le', 'utf-16': 'utf-16le', ucs2: 'utf-16le', 'ucs-2': 'utf-16le', latin1: 'windows-1252', 'iso-8859-1': 'windows-1252', 'windows-1252': 'windows-1252', ascii: 'windows-1252', 'us-ascii': 'windows-1252' };
class TextEncoder {
  get encoding() { return 'utf-8'; }
  encode(s = '') { return rt.utf8Encode(String(s)); }
  encodeInto(s, dest) {
    const bytes = rt.utf8Encode(String(s));
    let n = Math.min(bytes.length, dest.length);
    while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--; // never cut a character
    dest.set(bytes.subarray(0, n));
    return { read: rt.utf8Decode(bytes.subarray(0, n)).length, written: n };
  }
}
function bytesOf(input) {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer) return new Uint8Array(input);
  const e = new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView. Received ' + typeof input);
  e.code = 'ERR_INVALID_ARG_TYPE';
  throw e;
}
class TextDecoder {
  constructor(label = 'utf-8', options = {}) {
    const enc = LABELS[String(label).trim().toLowerCase()];
    if (!enc) { const e = new RangeError('The "' + label + '" encoding is not supported'); e.code = 'ERR_ENCODING_NOT_SUPPORTED'; throw e; }
    this._enc = enc; this.fatal = !!options.fatal; this.ignoreBOM = !!options.ignoreBOM; this._pending = null; this._bomSeen = false;
  }
  get encoding() { return this._enc; }
  decode(input, options = {}) {
    let bytes = input instanceof Uint8Array ? input : bytesOf(input); // only read, never kept
    if (this._pending) { const b = new Uint8Array(this._pending.length + bytes.length); b.set(this._pending); b.set(bytes, this._pending.length); bytes = b; this._pending = null; }
    const stream = !!options.stream;
    let out;
    if (this._enc === 'utf-8') {
      if (stream) {
        // Keep an incomplete trailing character for the next call.
        let cut = bytes.length;
        for (let i = Math.max(0, bytes.length - 3); i < bytes.length; i++) {
          const b = bytes[i];
          const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
          if (need > 1 && i + need > bytes.length) { cut = i; break; }
        }
        if (cut < bytes.length) { this._pending = bytes.slice(cut); bytes = bytes.subarray(0, cut); }
      }
      out = rt.utf8Slice(bytes, 0, bytes.length);
      if (this.fatal && out.includes('\ufffd') && !Buffer.from(out, 'utf8').equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
        const e = new TypeError('The encoded data was not valid for encoding utf-8'); e.code = 'ERR_ENCODING_INVALID_ENCODED_DATA'; throw e;
      }
    } else if (this._enc === 'utf-16le') {
      if (bytes.length % 2 === 1 && stream) { this._pending = bytes.slice(bytes.length - 1); bytes = bytes.subarray(0, bytes.length - 1); }
      out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf16le');
    } else out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    if (!this.ignoreBOM && !this._bomSeen && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    this._bomSeen = stream;
    return out;
  }
}
function atob(s) {
  if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
  const str = String(s).replace(/[\t\n\f\r ]/g, '');
  if (str.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(str) || /=[^=]/.test(str)) throw new DOMException('Invalid character', 'InvalidCharacterError');
  return Buffer.from(str, 'base64').toString('latin1');
}
function btoa(s) {
  if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
  const str = String(s);
  for (let i = 0; i < str.length; i++) if (str.charCodeAt(i) > 255) throw new DOMException('Invalid character', 'InvalidCharacterError');
  return Buffer.from(str, 'latin1').toString('base64');
}

// ---- structuredClone -----------------------------------------------------------------------------
function structuredClone(value, options) {
  const seen = new Map();
  const transfer = options && Array.isArray(options.transfer) ? options.transfer : [];
  const clone = (v) => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
      if (typeof v === 'symbol') throw new DOMException(String(v) + ' could not be cloned.', 'DataCloneError');
      return v;
    }
    if (typeof v === 'function') throw new DOMException((v.name ? 'function ' + v.name : 'function') + '() could not be cloned.', 'DataCloneError');
    if (seen.has(v)) return seen.get(v);
    let out;
    const tag = Object.prototype.toString.call(v);
    if (tag === '[object Date]') out = new Date(v.getTime());
    else if (tag === '[object RegExp]') out = new RegExp(v.source, v.flags);
    else if (tag === '[object Boolean]' || tag === '[object Number]' || tag === '[object String]') out = Object(v.valueOf());
    else if (tag === '[object BigInt]') out = Object(v.valueOf());
    else if (v instanceof ArrayBuffer) out = transfer.includes(v) ? v : v.slice(0);
    else if (ArrayBuffer.isView(v)) {
      const buf = clone(v.buffer);
      // The intrinsic type by tag (a Buffer clones to a Uint8Array, as in Node).
      out = v instanceof DataView ? new DataView(buf, v.byteOffset, v.byteLength) : new globalThis[tag.slice(8, -1)](buf, v.byteOffset, v.length);
    } else if (v instanceof Map) { out = new Map(); seen.set(v, out); for (const [k, x] of v) out.set(clone(k), clone(x)); return out; }
    else if (v instanceof Set) { out = new Set(); seen.set(v, out); for (const x of v) out.add(clone(x)); return out; }
    else if (v instanceof Error) {
      const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[v.name] || Error;
      out = new Ctor(v.message);
      seen.set(v, out);
      if (v.stack !== undefined) out.stack = v.stack;
      if ('cause' in v) out.cause = clone(v.cause);
      return out;
    } else if (Array.isArray(v)) { out = new Array(v.length); seen.set(v, out); for (let i = 0; i < v.length; i++) if (i in v) out[i] = clone(v[i]); return out; }
    else if (tag === '[object Object]' || tag === '[object Arguments]') {
      if (v instanceof Blob) return v;
      out = {};
      seen.set(v, out);
      for (const k of Object.keys(v)) out[k] = clone(v[k]);
      return out;
    } else throw new DOMException(tag.slice(8, -1) + ' object could not be cloned.', 'DataCloneError');
    seen.set(v, out);
    return out;
  };
  return clone(value);
}

// ---- performance, crypto ---------------------------------------------------------------------------
// The context's start (the guest runtime's; for a context made from the layer's startup snapshot,
// when it was bound, not when this module's top level ran in the snapshot).
const timeOrigin = rt.timeOrigin;
let perfBase = null;
function perfNow() {
  // Date.now() has 1 ms resolution inside an isolate without high-resolution time; good enough to
  // order events and measure intervals, and never goes backwards.
  const t = Date.now() - timeOrigin();
  perfBase = perfBase === null || t > perfBase ? t : perfBase;
  return perfBase;
}
const marks = new Map();
const performance = {
  now: perfNow,
  get timeOrigin() { return timeOrigin(); },
  mark(name) { marks.set(name, perfNow()); return { name, entryType: 'mark', startTime: marks.get(name), duration: 0 }; },
  measure(name, start, end) {
    const s = marks.get(start) ?? 0; const e = end !== undefined ? marks.get(end) ?? perfNow() : perfNow();
    return { name, entryType: 'measure', startTime: s, duration: e - s };
  },
  clearMarks(name) { if (name === undefined) marks.clear(); else marks.delete(name); },
  clearMeasures() {},
  getEntries: () => [], getEntriesByName: () => [], getEntriesByType: () => [],
  toJSON() { return { timeOrigin: timeOrigin() }; },
};
// Entropy from the host's CSPRNG, drawn 4 KB at a time so that uuid/nanoid loops cost one host call per pool.
let pool = new Uint8Array(0);
let poolAt = 0;
function randomBytes(n) {
  if (n > 4096) return new Uint8Array(host.call('random', n));
  if (poolAt + n > pool.length) { pool = new Uint8Array(host.call('random', 4096)); poolAt = 0; }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}
const INTEGER_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];
let subtle = null;
const crypto = {
  getRandomValues(array) {
    if (!ArrayBuffer.isView(array) || array instanceof DataView || !INTEGER_ARRAYS.includes(Object.prototype.toString.call(array).slice(8, -1))) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
    }
    if (array.byteLength > 65536) throw new DOMException('The ArrayBufferView\'s byte length (' + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536)', 'QuotaExceededError');
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
    return array;
  },
  randomUUID() {
    const b = randomBytes(16).slice();
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Buffer.from(b).toString('hex');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  },
  get subtle() {
    if (subtle === null) require('crypto'); // node:crypto installs it (setSubtle) when it loads
    if (subtle === null) { const e = new Error('crypto.subtle is not available in photon yet (it comes with node:crypto, issue 14)'); e.code = 'ERR_NOT_IMPLEMENTED'; throw e; }
    return subtle;
  },
};
/** The crypto module's hook: it installs Web Crypto's SubtleCrypto here when it loads. */
function setSubtle(s) { subtle = s; }

// ---- Blob, File, FormData ------------------------------------------------------------------------
const kBytes = Symbol('bytes');
function partBytes(p) {
  if (p instanceof Blob) return p[kBytes];
  if (p instanceof ArrayBuffer || ArrayBuffer.isView(p)) return bytesOf(p).slice();
  return rt.utf8Encode(String(p));
}
class Blob {
  constructor(parts = [], options = {}) {
    const chunks = Array.from(parts, partBytes);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.length; }
    this[kBytes] = bytes;
    this.type = options.type ? String(options.type).toLowerCase() : '';
  }
  get size() { return this[kBytes].length; }
  slice(start = 0, end = this.size, type = '') {
    const s = start < 0 ? Math.max(this.size + start, 0) : Math.min(start, this.size);
    const e = end < 0 ? Math.max(this.size + end, 0) : Math.min(end, this.size);
    const b = new Blob([], { type });
    b[kBytes] = this[kBytes].slice(s, Math.max(s, e));
    return b;
  }
  arrayBuffer() { return Promise.resolve(this[kBytes].slice().buffer); }
  bytes() { return Promise.resolve(this[kBytes].slice()); }
  text() { return Promise.resolve(rt.utf8Decode(this[kBytes])); }
  stream() {
    const bytes = this[kBytes].slice();
    const { ReadableStream } = require('stream/web');
    return new ReadableStream({ start(c) { if (bytes.length) c.enqueue(bytes); c.close(); } });
  }
  get [Symbol.toStringTag]() { return 'Blob'; }
}
class File extends Blob {
  constructor(parts, name, options = {}) { super(parts, options); this.name = String(name); this.lastModified = options.lastModified ?? Date.now(); }
  get [Symbol.toStringTag]() { return 'File'; }
}
class FormData {
  constructor() { this._e = []; }
  _v(value, filename) {
    if (value instanceof Blob) return value instanceof File && filename === undefined ? value : new File([value], filename ?? (value.name || 'blob'), { type: value.type });
    return String(value);
  }
  append(k, v, f) { this._e.push([String(k), this._v(v, f)]); }
  set(k, v, f) { k = String(k); const i = this._e.findIndex((e) => e[0] === k); const val = this._v(v, f); this._e = this._e.filter((e, j) => e[0] !== k || j === i); if (i === -1) this._e.push([k, val]); else this._e[this._e.findIndex((e) => e[0] === k)][1] = val; }
  get(k) { const e = this._e.find((x) => x[0] === String(k)); return e ? e[1] : null; }
  getAll(k) { return this._e.filter((x) => x[0] === String(k)).map((x) => x[1]); }
  has(k) { return this._e.some((x) => x[0] === String(k)); }
  delete(k) { this._e = this._e.filter((x) => x[0] !== String(k)); }
  forEach(fn, thisArg) { for (const [k, v] of this._e) fn.call(thisArg, v, k, this); }
  *entries() { yield* this._e.map((e) => [e[0], e[1]]); }
  *keys() { for (const e of this._e) yield e[0]; }
  *values() { for (const e of this._e) yield e[1]; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'FormData'; }
}

module.exports = {
  DOMException, Event, CustomEvent, EventTarget, AbortController, AbortSignal,
  TextEncoder, TextDecoder, atob, btoa, structuredClone, performance, crypto, setSubtle,
  Blob, File, FormData, kBytes, bytesOf,
  /** n bytes of the host's entropy, from the pool for n ≤ 4096 (a view: copy them at once, never keep it); node:crypto's small requests. */
  randomView: randomBytes,
  ...require('./fetch.cjs'),
};
