// node:punycode — punycode@2 (the same code Node vendors).
module.exports = require('punycode/');
