// node:fs/promises — the promise half of fs.cjs.
module.exports = require('fs').promises;
