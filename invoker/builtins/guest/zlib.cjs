// node:zlib — Node's own zlib on the host (host/zlib-host.ts), through its asynchronous streams:
// the one-shot forms (gzipSync, gzip(cb), promisified) are one host call each, the stream forms
// (createGzip(), …) are Transform streams with a host-side engine per stream, one host request
// per chunk. Output is bounded by the action's memory limit and `maxOutputLength` (a RangeError
// ERR_BUFFER_TOO_LARGE, as Node's). crc32 runs here: it is a table loop, cheaper than a host call.
const host = require('photon:host');
const { Buffer } = require('buffer');
const { Transform } = require('stream');

const constants = Object.freeze({"Z_NO_FLUSH":0,"Z_PARTIAL_FLUSH":1,"Z_SYNC_FLUSH":2,"Z_FULL_FLUSH":3,"Z_FINISH":4,"Z_BLOCK":5,"Z_OK":0,"Z_STREAM_END":1,"Z_NEED_DICT":2,"Z_ERRNO":-1,"Z_STREAM_ERROR":-2,"Z_DATA_ERROR":-3,"Z_MEM_ERROR":-4,"Z_BUF_ERROR":-5,"Z_VERSION_ERROR":-6,"Z_NO_COMPRESSION":0,"Z_BEST_SPEED":1,"Z_BEST_COMPRESSION":9,"Z_DEFAULT_COMPRESSION":-1,"Z_FILTERED":1,"Z_HUFFMAN_ONLY":2,"Z_RLE":3,"Z_FIXED":4,"Z_DEFAULT_STRATEGY":0,"ZLIB_VERNUM":4897,"DEFLATE":1,"INFLATE":2,"GZIP":3,"GUNZIP":4,"DEFLATERAW":5,"INFLATERAW":6,"UNZIP":7,"BROTLI_DECODE":8,"BROTLI_ENCODE":9,"ZSTD_DECOMPRESS":11,"ZSTD_COMPRESS":10,"Z_MIN_WINDOWBITS":8,"Z_MAX_WINDOWBITS":15,"Z_DEFAULT_WINDOWBITS":15,"Z_MIN_CHUNK":64,"Z_MAX_CHUNK":null,"Z_DEFAULT_CHUNK":16384,"Z_MIN_MEMLEVEL":1,"Z_MAX_MEMLEVEL":9,"Z_DEFAULT_MEMLEVEL":8,"Z_MIN_LEVEL":-1,"Z_MAX_LEVEL":9,"Z_DEFAULT_LEVEL":-1,"BROTLI_OPERATION_PROCESS":0,"BROTLI_OPERATION_FLUSH":1,"BROTLI_OPERATION_FINISH":2,"BROTLI_OPERATION_EMIT_METADATA":3,"BROTLI_PARAM_MODE":0,"BROTLI_MODE_GENERIC":0,"BROTLI_MODE_TEXT":1,"BROTLI_MODE_FONT":2,"BROTLI_DEFAULT_MODE":0,"BROTLI_PARAM_QUALITY":1,"BROTLI_MIN_QUALITY":0,"BROTLI_MAX_QUALITY":11,"BROTLI_DEFAULT_QUALITY":11,"BROTLI_PARAM_LGWIN":2,"BROTLI_MIN_WINDOW_BITS":10,"BROTLI_MAX_WINDOW_BITS":24,"BROTLI_LARGE_MAX_WINDOW_BITS":30,"BROTLI_DEFAULT_WINDOW":22,"BROTLI_PARAM_LGBLOCK":3,"BROTLI_MIN_INPUT_BLOCK_BITS":16,"BROTLI_MAX_INPUT_BLOCK_BITS":24,"BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING":4,"BROTLI_PARAM_SIZE_HINT":5,"BROTLI_PARAM_LARGE_WINDOW":6,"BROTLI_PARAM_NPOSTFIX":7,"BROTLI_PARAM_NDIRECT":8,"BROTLI_DECODER_RESULT_ERROR":0,"BROTLI_DECODER_RESULT_SUCCESS":1,"BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT":2,"BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT":3,"BROTLI_DECODER_PARAM_DISABLE_RING_BUFFER_REALLOCATION":0,"BROTLI_DECODER_PARAM_LARGE_WINDOW":1,"BROTLI_DECODER_NO_ERROR":0,"BROTLI_DECODER_SUCCESS":1,"BROTLI_DECODER_NEEDS_MORE_INPUT":2,"BROTLI_DECODER_NEEDS_MORE_OUTPUT":3,"BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE":-1,"BROTLI_DECODER_ERROR_FORMAT_RESERVED":-2,"BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_META_NIBBLE":-3,"BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_ALPHABET":-4,"BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_SAME":-5,"BROTLI_DECODER_ERROR_FORMAT_CL_SPACE":-6,"BROTLI_DECODER_ERROR_FORMAT_HUFFMAN_SPACE":-7,"BROTLI_DECODER_ERROR_FORMAT_CONTEXT_MAP_REPEAT":-8,"BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_1":-9,"BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_2":-10,"BROTLI_DECODER_ERROR_FORMAT_TRANSFORM":-11,"BROTLI_DECODER_ERROR_FORMAT_DICTIONARY":-12,"BROTLI_DECODER_ERROR_FORMAT_WINDOW_BITS":-13,"BROTLI_DECODER_ERROR_FORMAT_PADDING_1":-14,"BROTLI_DECODER_ERROR_FORMAT_PADDING_2":-15,"BROTLI_DECODER_ERROR_FORMAT_DISTANCE":-16,"BROTLI_DECODER_ERROR_FORMAT_BLOCK_SWITCH":-17,"BROTLI_DECODER_ERROR_DICTIONARY_NOT_SET":-19,"BROTLI_DECODER_ERROR_INVALID_ARGUMENTS":-20,"BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES":-21,"BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS":-22,"BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP":-25,"BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1":-26,"BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2":-27,"BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES":-30,"BROTLI_DECODER_ERROR_UNREACHABLE":-31,"ZSTD_e_continue":0,"ZSTD_e_flush":1,"ZSTD_e_end":2,"ZSTD_fast":1,"ZSTD_dfast":2,"ZSTD_greedy":3,"ZSTD_lazy":4,"ZSTD_lazy2":5,"ZSTD_btlazy2":6,"ZSTD_btopt":7,"ZSTD_btultra":8,"ZSTD_btultra2":9,"ZSTD_c_compressionLevel":100,"ZSTD_c_windowLog":101,"ZSTD_c_hashLog":102,"ZSTD_c_chainLog":103,"ZSTD_c_searchLog":104,"ZSTD_c_minMatch":105,"ZSTD_c_targetLength":106,"ZSTD_c_strategy":107,"ZSTD_c_enableLongDistanceMatching":160,"ZSTD_c_ldmHashLog":161,"ZSTD_c_ldmMinMatch":162,"ZSTD_c_ldmBucketSizeLog":163,"ZSTD_c_ldmHashRateLog":164,"ZSTD_c_contentSizeFlag":200,"ZSTD_c_checksumFlag":201,"ZSTD_c_dictIDFlag":202,"ZSTD_c_nbWorkers":400,"ZSTD_c_jobSize":401,"ZSTD_c_overlapLog":402,"ZSTD_d_windowLogMax":100,"ZSTD_CLEVEL_DEFAULT":3,"ZSTD_error_no_error":0,"ZSTD_error_GENERIC":1,"ZSTD_error_prefix_unknown":10,"ZSTD_error_version_unsupported":12,"ZSTD_error_frameParameter_unsupported":14,"ZSTD_error_frameParameter_windowTooLarge":16,"ZSTD_error_corruption_detected":20,"ZSTD_error_checksum_wrong":22,"ZSTD_error_literals_headerWrong":24,"ZSTD_error_dictionary_corrupted":30,"ZSTD_error_dictionary_wrong":32,"ZSTD_error_dictionaryCreation_failed":34,"ZSTD_error_parameter_unsupported":40,"ZSTD_error_parameter_combination_unsupported":41,"ZSTD_error_parameter_outOfBound":42,"ZSTD_error_tableLog_tooLarge":44,"ZSTD_error_maxSymbolValue_tooLarge":46,"ZSTD_error_maxSymbolValue_tooSmall":48,"ZSTD_error_stabilityCondition_notRespected":50,"ZSTD_error_stage_wrong":60,"ZSTD_error_init_missing":62,"ZSTD_error_memory_allocation":64,"ZSTD_error_workSpace_tooSmall":66,"ZSTD_error_dstSize_tooSmall":70,"ZSTD_error_srcSize_wrong":72,"ZSTD_error_dstBuffer_null":74,"ZSTD_error_noForwardProgress_destFull":80,"ZSTD_error_noForwardProgress_inputEmpty":82});
const codes = Object.freeze({ Z_OK: 0, Z_STREAM_END: 1, Z_NEED_DICT: 2, Z_ERRNO: -1, Z_STREAM_ERROR: -2, Z_DATA_ERROR: -3, Z_MEM_ERROR: -4, Z_BUF_ERROR: -5, Z_VERSION_ERROR: -6,
  0: 'Z_OK', 1: 'Z_STREAM_END', 2: 'Z_NEED_DICT', '-1': 'Z_ERRNO', '-2': 'Z_STREAM_ERROR', '-3': 'Z_DATA_ERROR', '-4': 'Z_MEM_ERROR', '-5': 'Z_BUF_ERROR', '-6': 'Z_VERSION_ERROR' });

function invalidArg(name, value) {
  const e = new TypeError(`The "${name}" argument must be of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer. Received ${value === null ? 'null' : typeof value}`);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}
function toBytes(data, name = 'buffer') {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (data instanceof ArrayBuffer) return new Uint8Array(data).slice();
  throw invalidArg(name, data);
}
const asBuffer = (u) => (u instanceof ArrayBuffer ? Buffer.from(u) : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
/**
 * Bytes as an ArrayBuffer of exactly their length: the form isolated-vm copies to the host fastest.
 * A copy by Uint8Array's slice: a Buffer's slice is a view (a short string's Buffer is one on a
 * shared 8 KB slab, as in Node), whose .buffer is the whole slab.
 */
const u8slice = Uint8Array.prototype.slice;
const toAB = (u) => (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u.buffer : u8slice.call(u).buffer);
/** zlib's errors carry errno beside code, as Node's do (the host sends name, message and code). */
function zerr(e) {
  if (e && typeof e.code === 'string' && typeof codes[e.code] === 'number') e.errno = codes[e.code];
  return e;
}
function callSync(...args) { try { return host.call(...args); } catch (e) { throw zerr(e); } }
const request = (...args) => host.request(...args).catch((e) => { throw zerr(e); });
/** The engine's options as the host takes them (numbers, a dictionary's bytes, brotli params). */
function engineOptions(o) {
  if (o === undefined || o === null) return {};
  if (typeof o !== 'object') { const e = new TypeError('The "options" argument must be of type object. Received type ' + typeof o); e.code = 'ERR_INVALID_ARG_TYPE'; throw e; }
  const out = {};
  for (const k of ['level', 'windowBits', 'memLevel', 'strategy', 'chunkSize', 'flush', 'finishFlush']) if (o[k] !== undefined) out[k] = o[k];
  if (o.dictionary !== undefined) out.dictionary = toBytes(o.dictionary, 'options.dictionary');
  if (o.params !== undefined) out.params = { ...o.params };
  return out;
}

let seq = 0;
const MODES = ['deflate', 'inflate', 'gzip', 'gunzip', 'deflateRaw', 'inflateRaw', 'unzip', 'brotliCompress', 'brotliDecompress', 'zstdCompress', 'zstdDecompress'];
const CLASS = { deflate: 'Deflate', inflate: 'Inflate', gzip: 'Gzip', gunzip: 'Gunzip', deflateRaw: 'DeflateRaw', inflateRaw: 'InflateRaw', unzip: 'Unzip', brotliCompress: 'BrotliCompress', brotliDecompress: 'BrotliDecompress', zstdCompress: 'ZstdCompress', zstdDecompress: 'ZstdDecompress' };

/** A zlib stream: a Transform whose engine lives on the host, one request per chunk. */
class ZlibBase extends Transform {
  constructor(mode, opts) {
    const o = opts || {};
    super({ ...o, objectMode: false, readableObjectMode: false, writableObjectMode: false });
    this._id = ++seq;
    this._mode = mode;
    this.bytesWritten = 0;
    this._closed = false;
    callSync('open', this._id, mode, engineOptions(o)); // options are checked now, as Node does
  }
  get _handle() { return this._closed ? null : {}; }
  get bytesRead() { return this.bytesWritten; }
  _out(u) { if (u.byteLength > 0) this.push(asBuffer(u)); }
  _transform(chunk, enc, cb) {
    const b = toBytes(chunk, 'chunk');
    this.bytesWritten += b.length;
    request('write', this._id, toAB(b)).then((u) => { this._out(u); cb(); }, (e) => cb(e));
  }
  _flush(cb) {
    request('end', this._id).then((u) => { this._closed = true; this._out(u); cb(); }, (e) => cb(e));
  }
  flush(kind, cb) {
    if (typeof kind === 'function' || kind === undefined) { cb = kind; kind = constants.Z_FULL_FLUSH; }
    request('flush', this._id, kind).then((u) => { this._out(u); if (cb) cb(); }, (e) => this.destroy(e));
  }
  params(level, strategy, cb) {
    request('params', this._id, level, strategy).then((u) => { this._out(u); if (cb) cb(); }, (e) => (cb ? cb(e) : this.destroy(e)));
  }
  reset() {}
  close(cb) { if (cb) this.once('close', cb); this.destroy(); }
  _destroy(err, cb) {
    if (!this._closed) { this._closed = true; host.request('close', this._id).catch(() => undefined); }
    cb(err);
  }
}

const out = { constants, codes, crc32 };
for (const mode of MODES) {
  const Ctor = { [CLASS[mode]]: class extends ZlibBase { constructor(opts) { super(mode, opts); } } }[CLASS[mode]];
  out[CLASS[mode]] = function (opts) { return new Ctor(opts); };
  out[CLASS[mode]].prototype = Ctor.prototype;
  out['create' + CLASS[mode]] = (opts) => new Ctor(opts);
  const max = (opts) => (opts && typeof opts.maxOutputLength === 'number' ? opts.maxOutputLength : undefined);
  out[mode + 'Sync'] = (buffer, opts) => asBuffer(callSync('run', mode, engineOptions(opts), toAB(toBytes(buffer)), max(opts)));
  out[mode] = (buffer, opts, cb) => {
    if (typeof opts === 'function') { cb = opts; opts = {}; }
    if (typeof cb !== 'function') { const e = new TypeError('The "callback" argument must be of type function. Received ' + typeof cb); e.code = 'ERR_INVALID_ARG_TYPE'; throw e; }
    request('run', mode, engineOptions(opts), toAB(toBytes(buffer)), max(opts)).then((u) => cb(null, asBuffer(u)), (e) => cb(e));
  };
}
// Node's legacy top-level constants (zlib.Z_BEST_COMPRESSION, …).
for (const k of Object.keys(constants)) if (k.startsWith('Z_') && !(k in out)) Object.defineProperty(out, k, { value: constants[k], enumerable: false });

let table = null;
function crc32(data, value = 0) {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : (() => { throw invalidArg('data', data); })();
  if (table === null) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; table[n] = c; }
  }
  let c = (value ^ -1) | 0;
  for (let i = 0; i < b.length; i++) c = table[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

module.exports = out;
