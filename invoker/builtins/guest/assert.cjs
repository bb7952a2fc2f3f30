// node:assert — assert@2 (Node's assert, ported for browserify), with assert.strict.
module.exports = require('assert/');
