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
util.format = function format() { return ext().format.apply(this, arguments); };
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
