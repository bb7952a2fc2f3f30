// which-typed-array without its helpers (build-builtins.ts bundles this in its place): the same
// answer (a typed array's constructor name, else false) from the one getter the package itself
// ends up calling, %TypedArray%.prototype[Symbol.toStringTag], taken at load. The package reaches
// it through for-each, available-typed-arrays, call-bind, call-bound, gopd, get-proto and
// get-intrinsic (an intrinsics table of ~150 entries built at load): most of node:util's objects,
// which every isolate from the layer's startup snapshot deserialises (invoker/isolate/layer-snapshot.ts).
'use strict';
const TAG = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
// possible-typed-array-names, those this V8 has (available-typed-arrays), as the package checks.
const NAMES = ['Float16Array', 'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array']
  .filter((n) => typeof globalThis[n] === 'function');

module.exports = function whichTypedArray(value) {
  if (!value || typeof value !== 'object') return false;
  const tag = Reflect.apply(TAG, value, []);
  return tag !== undefined && NAMES.includes(tag) ? tag : false;
};
