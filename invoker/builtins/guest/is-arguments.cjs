// is-arguments without call-bound and get-intrinsic (which-typed-array.cjs says why): the package's
// answer where Symbol.toStringTag exists (its standard path): an object that does not spoof the tag
// and whose Object.prototype.toString is "[object Arguments]". The function is taken at load, as
// call-bound takes it.
'use strict';
const objectToString = Object.prototype.toString;

module.exports = function isArguments(value) {
  if (value && typeof value === 'object' && Symbol.toStringTag in value) return false;
  return Reflect.apply(objectToString, value, []) === '[object Arguments]';
};
