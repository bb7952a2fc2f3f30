// Freezes a plain data value and everything it holds, so one copy can be handed to many readers
// (the in-memory stores' ownership rule): a reader that tries to change it fails loudly in strict
// mode instead of changing what every other reader sees.

/** Freezes `value` and every object and array under it; answers `value`. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // Typed arrays cannot be frozen (and data records hold none); they are left as they are.
  if (ArrayBuffer.isView(value)) return value;
  // for…in over own keys: no array of values per object.
  for (const k in value) if (Object.hasOwn(value, k)) deepFreeze(value[k]);
  return Object.freeze(value);
}
