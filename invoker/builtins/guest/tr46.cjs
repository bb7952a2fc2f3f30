// internal/tr46 — tr46 itself (UTS #46 with its Unicode tables), required by node:url's
// guest/tr46-ascii.cjs only for hosts that are not plain ASCII: a bundle of its own so that
// node:url's source does not carry the tables.
module.exports = require('tr46/index.js');
