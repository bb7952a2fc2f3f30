// is-typed-array over photon's which-typed-array (which-typed-array.cjs says why): the package's own body.
'use strict';
const whichTypedArray = require('which-typed-array');

module.exports = function isTypedArray(value) {
  return !!whichTypedArray(value);
};
