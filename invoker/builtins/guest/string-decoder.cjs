// node:string_decoder — string_decoder@1 (Node's own, ported).
module.exports = require('string_decoder/');
