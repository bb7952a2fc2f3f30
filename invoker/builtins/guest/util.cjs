// node:util — util@0.12 (Node's util, ported for browserify: promisify, callbackify, inherits,
// deprecate, types, is*), with inspect/format/formatWithOptions from node-inspect-extracted
// (Node's own util.inspect, extracted: the same output as Node), and Node 20's additions.
// node-inspect-extracted is loaded on first use: at load it builds Node's primordials (an
// uncurried copy of every built-in method), which was most of node:util's load time, and many
// packages require util for promisify, inherits or types only.
const base = require('util/');
const { TextEncoder, TextDecoder } = require('internal/web');

const CUSTOM = Symbol.for('nodejs.util.inspect.custom');
let extracted;
const ext = () => {
  if (extracted === undefined) {
    extracted = require('node-inspect-extracted');
    extracted.inspect.custom = CUSTOM;
  }
  return extracted;
};
// util.inspect is this function from the start (its identity and `custom` are read at load by
// packages); colors, styles and defaultOptions are the extracted inspect's own, reached through it.
function inspect(value, opts, ...legacy) { return ext().inspect.call(this, value, opts, ...legacy); }
Object.defineProperty(inspect, 'custom', { value: CUSTOM, writable: true, enumerable: true, configurable: true });
for (const k of ['colors', 'styles', 'defaultOptions']) {
  Object.defineProperty(inspect, k, { get: () => ext().inspect[k], set: (v) => { ext().inspect[k] = v; }, enumerable: k !== 'defaultOptions', configurable: true });
}

const util = { ...base };
util.inspect = inspect;
// util.format without node-inspect-extracted when no argument needs inspecting (strings, numbers,
// booleans, null/undefined through %s/%d/%i/%f and as extra arguments): the answer Node gives,
// checked against Node by builtin-cases.ts (`formatPlain`); anything else goes to Node's own.
const plainNumber = (n) => (Object.is(n, -0) ? '-0' : String(n));
function plain(v) {
  const t = typeof v;
  if (t === 'string') return v;
  if (t === 'number') return plainNumber(v);
  if (t === 'boolean' || v === undefined || v === null) return String(v);
  return undefined;
}
function formatPlain(args) {
  const first = args[0];
  if (typeof first !== 'string') return undefined;
  let out = '';
  let a = 1;
  let last = 0;
  for (let i = 0; i < first.length - 1; i++) {
    if (first.charCodeAt(i) !== 37) continue; // '%'
    const c = first[i + 1];
    if (c === '%') { out += first.slice(last, i) + '%'; last = i + 2; i++; continue; }
    if (a >= args.length) continue;
    if (c !== 's' && c !== 'd' && c !== 'i' && c !== 'f') { if ('jOoc'.includes(c)) return undefined; continue; }
    const v = args[a];
    let text;
    if (c === 's') text = plain(v);
    else if (typeof v === 'number' || typeof v === 'string') {
      const n = c === 'd' ? Number(v) : c === 'i' ? parseInt(v) : parseFloat(v);
      text = plainNumber(n);
    }
    if (text === undefined) return undefined;
    out += first.slice(last, i) + text;
    last = i + 2;
    a++;
    i++;
  }
  out += first.slice(last);
  for (; a < args.length; a++) {
    const text = plain(args[a]);
    if (text === undefined) return undefined;
    out += ' ' + text;
  }
  return out;
}
util.format = function format(...args) { const s = formatPlain(args); return s !== undefined ? s : ext().format.apply(this, args); };
util.formatWithOptions = function formatWithOptions() { return ext().formatWithOptions.apply(this, arguments); };
util.stripVTControlCharacters = (s) => (ext().stripVTControlCharacters || ((t) => String(t).replace(/\u001b\[[0-9;]*m/g, '')))(s);
util.TextEncoder = TextEncoder;
util.TextDecoder = TextDecoder;
util.promisify.custom = Symbol.for('nodejs.util.promisify.custom');
util.types = { ...base.types };
util.types.isNativeError = (e) => e instanceof Error || Object.prototype.toString.call(e) === '[object Error]';
util.types.isKeyObject = () => false;
util.types.isCryptoKey = () => false;
util.isDeepStrictEqual = (a, b) => { try { require('assert').deepStrictEqual(a, b); return true; } catch { return false; } };
util.toUSVString = (s) => String(s).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
util.debuglog = util.debug = () => { const f = () => {}; f.enabled = false; return f; };
util.styleText = (format, text) => {
  const codes = ext().inspect.colors[format];
  return codes ? `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m` : String(text);
};
util.aborted = (signal) => new Promise((resolve) => { if (signal.aborted) resolve(); else signal.addEventListener('abort', () => resolve(), { once: true }); });
util.getSystemErrorName = (n) => `Unknown system error ${n}`;
util.parseArgs = () => { throw new Error('util.parseArgs() has no command line to parse in photon'); };
module.exports = util;
