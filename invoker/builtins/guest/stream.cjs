// node:stream — readable-stream@4 (Node 18's streams, ported): the legacy Stream class with
// Readable, Writable, Duplex, Transform, PassThrough, pipeline, finished and promises on it.
module.exports = require('readable-stream/lib/stream.js');
