// node:querystring — querystring-es3 (Node's querystring, ported), with Node's aliases.
const qs = require('querystring-es3');
module.exports = { ...qs, decode: qs.parse, encode: qs.stringify, escape: (s) => encodeURIComponent(s), unescape: (s) => decodeURIComponent(s) };
