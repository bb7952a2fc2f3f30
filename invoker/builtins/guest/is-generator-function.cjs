// is-generator-function without call-bound and get-intrinsic (which-typed-array.cjs says why): the
// package's answer where Symbol.toStringTag and Object.getPrototypeOf exist: its source starts with
// `function*` (or `*`, a generator method), or its prototype is GeneratorFunction.prototype (async
// generators are not, as with the package). The functions are taken at load, as call-bound takes them.
'use strict';
const fnToString = Function.prototype.toString;
const getProto = Object.getPrototypeOf;
const GENERATOR_FUNCTION_PROTOTYPE = getProto(function* generator() {});
const SOURCE = /^\s*(?:function)?\*/;

module.exports = function isGeneratorFunction(fn) {
  if (typeof fn !== 'function') return false;
  if (SOURCE.test(Reflect.apply(fnToString, fn, []))) return true;
  return getProto(fn) === GENERATOR_FUNCTION_PROTOTYPE;
};
