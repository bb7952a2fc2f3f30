// node:dns/promises — the promise half of dns.cjs.
module.exports = require('dns').promises;
