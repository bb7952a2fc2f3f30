// node:util — util@0.12 (Node's util, ported for browserify: promisify, callbackify, inherits,
// deprecate, types, is*), with inspect/format/formatWithOptions from node-inspect-extracted
// (Node's own util.inspect, extracted: the same output as Node), and Node 20's additions.
const base = require('util/');
const extracted = require('node-inspect-extracted');
const { TextEncoder, TextDecoder } = require('internal/web');

const util = { ...base };
util.inspect = extracted.inspect;
util.format = extracted.format;
util.formatWithOptions = extracted.formatWithOptions;
util.stripVTControlCharacters = extracted.stripVTControlCharacters || ((s) => String(s).replace(/\u001b\[[0-9;]*m/g, ''));
util.TextEncoder = TextEncoder;
util.TextDecoder = TextDecoder;
util.promisify.custom = Symbol.for('nodejs.util.promisify.custom');
util.inspect.custom = Symbol.for('nodejs.util.inspect.custom');
util.types = { ...base.types };
util.types.isNativeError = (e) => e instanceof Error || Object.prototype.toString.call(e) === '[object Error]';
util.types.isKeyObject = () => false;
util.types.isCryptoKey = () => false;
util.isDeepStrictEqual = (a, b) => { try { require('assert').deepStrictEqual(a, b); return true; } catch { return false; } };
util.toUSVString = (s) => String(s).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
util.debuglog = util.debug = () => { const f = () => {}; f.enabled = false; return f; };
util.styleText = (format, text) => {
  const codes = extracted.inspect.colors[format];
  return codes ? `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m` : String(text);
};
util.aborted = (signal) => new Promise((resolve) => { if (signal.aborted) resolve(); else signal.addEventListener('abort', () => resolve(), { once: true }); });
util.getSystemErrorName = (n) => `Unknown system error ${n}`;
util.parseArgs = () => { throw new Error('util.parseArgs() has no command line to parse in photon'); };
module.exports = util;
