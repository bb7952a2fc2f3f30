// Known-answer cases for node:zlib: each body runs as an async function of (require, params), here
// in Node and inside an isolate, and must answer the same bytes.
export const ZLIB_CASES: Record<string, string> = {
  'one-shot sync forms: gzip, deflate, deflateRaw, brotli, zstd and back, with options': `
    const z = require('zlib'); const out = {};
    const text = Buffer.from('photon '.repeat(500) + Array.from({ length: 300 }, (_, i) => (i * 7919) % 251).join(','));
    for (const [c, d] of [['gzipSync', 'gunzipSync'], ['deflateSync', 'inflateSync'], ['deflateRawSync', 'inflateRawSync'], ['brotliCompressSync', 'brotliDecompressSync']]) {
      const packed = z[c](text); out[c] = [packed.toString('base64'), z[d](packed).equals(text)];
    }
    out.zstd = z.zstdDecompressSync(z.zstdCompressSync(text)).equals(text);
    out.levels = [0, 1, 6, 9].map((level) => z.deflateSync(text, { level }).toString('hex'));
    out.opts = z.gzipSync(text, { level: 9, memLevel: 9, windowBits: 10, strategy: z.constants.Z_FILTERED, chunkSize: 1024 }).toString('base64');
    out.dict = z.deflateSync('hello hello dictionary', { dictionary: Buffer.from('hello dictionary') }).toString('hex');
    out.dictBack = z.inflateSync(Buffer.from(out.dict, 'hex'), { dictionary: Buffer.from('hello dictionary') }).toString();
    out.brotliQ = z.brotliCompressSync(text, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 4, [z.constants.BROTLI_PARAM_SIZE_HINT]: text.length } }).toString('base64');
    out.unzip = [z.unzipSync(z.gzipSync('a')).toString(), z.unzipSync(z.deflateSync('b')).toString()];
    out.str = z.gzipSync('a string input').toString('hex');
    out.empty = z.gunzipSync(z.gzipSync(Buffer.alloc(0))).length;
    return out;`,
  'callback and promisified forms': `
    const z = require('zlib'); const { promisify } = require('util');
    const packed = await promisify(z.gzip)('callback me');
    const back = await new Promise((res, rej) => z.gunzip(packed, (e, b) => e ? rej(e) : res(b.toString())));
    const br = await promisify(z.brotliCompress)(Buffer.from('brotli me'), { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } });
    let err; try { await promisify(z.inflate)(Buffer.from('junk')); } catch (e) { err = [e.name, e.code, e.errno, e.message]; }
    return { packed: packed.toString('hex'), back, br: br.toString('hex'), brBack: (await promisify(z.brotliDecompress)(br)).toString(), err };`,
  'stream forms: createGzip/createGunzip/createDeflate/createBrotli* in pipeline, chunked, flush': `
    const z = require('zlib'); const { pipeline, Readable, Writable } = require('stream');
    const collect = (chunks, ...streams) => new Promise((res, rej) => { const got = [];
      pipeline(Readable.from(chunks), ...streams, new Writable({ write(c, e, cb) { got.push(c); cb(); } }), (e) => e ? rej(e) : res(Buffer.concat(got))); });
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.from('chunk ' + i + ' ' + 'x'.repeat(i * 100)));
    const gz = await collect(chunks, z.createGzip({ level: 7 }));
    const round = await collect(chunks, z.createDeflate(), z.createInflate());
    const br = await collect(chunks, z.createBrotliCompress(), z.createBrotliDecompress());
    const small = await collect([z.gzipSync(Buffer.alloc(200000, 'a'))], z.createGunzip({ chunkSize: 4096 }));
    const d = z.createDeflate(); const parts = []; d.on('data', (c) => parts.push(c));
    d.write('flush me'); await new Promise((r) => d.flush(z.constants.Z_SYNC_FLUSH, r)); const flushed = Buffer.concat(parts).toString('hex');
    d.end(); await new Promise((r) => d.on('end', r));
    let err; try { await collect([Buffer.from('not gzip at all')], z.createGunzip()); } catch (e) { err = [e.name, e.code, e.message]; }
    return { gz: gz.toString('base64'), round: round.equals(Buffer.concat(chunks)), br: br.equals(Buffer.concat(chunks)), small: small.length, flushed, all: Buffer.concat(parts).toString('hex'), err,
      classes: [z.createGzip() instanceof z.Gzip, typeof z.Gunzip, typeof z.BrotliCompress] };`,
  'errors, maxOutputLength, crc32, constants, codes': `
    const z = require('zlib'); const out = {};
    try { z.gunzipSync(Buffer.from('definitely not gzip')); } catch (e) { out.bad = [e.name, e.code, e.errno, e.message]; }
    try { z.gunzipSync(z.gzipSync('truncated input here').subarray(0, 10)); } catch (e) { out.truncated = [e.name, e.code, e.message]; }
    try { z.inflateSync(z.deflateSync(Buffer.alloc(100000)), { maxOutputLength: 1000 }); } catch (e) { out.max = [e.name, e.code, e.message]; }
    try { z.createGzip({ level: 42 }); } catch (e) { out.badLevel = [e.name, e.code]; }
    out.fits = z.inflateSync(z.deflateSync(Buffer.alloc(1000, 1)), { maxOutputLength: 1000 }).length;
    out.crc = [z.crc32('hello'), z.crc32(Buffer.from('world'), z.crc32('hello ')), z.crc32(''), z.crc32(new Uint8Array([1, 2, 3]))];
    out.constants = z.constants; out.codes = z.codes; out.legacy = z.Z_BEST_COMPRESSION;
    return out;`,
};
