// node:async_hooks — AsyncLocalStorage without engine support: run() and enterWith() hold the
// store for the synchronous extent and for promises and callbacks started in it, as far as
// JavaScript can tell (the store is captured when a timer, immediate, tick or then() callback is
// scheduled would need engine hooks; here run() covers the synchronous part and awaited code of
// an async callback, which is what request-scoped libraries use).
class AsyncLocalStorage {
  constructor() { this._store = undefined; this._enabled = true; }
  static bind(fn) { return fn; }
  static snapshot() { return (fn, ...args) => fn(...args); }
  getStore() { return this._enabled ? this._store : undefined; }
  enterWith(store) { this._store = store; }
  run(store, fn, ...args) {
    const prev = this._store;
    this._store = store;
    let result;
    try {
      result = fn(...args);
    } catch (e) {
      this._store = prev;
      throw e;
    }
    if (result && typeof result.then === 'function') {
      return Promise.resolve(result).finally(() => { if (this._store === store) this._store = prev; });
    }
    this._store = prev;
    return result;
  }
  exit(fn, ...args) { return this.run(undefined, fn, ...args); }
  disable() { this._enabled = false; this._store = undefined; }
}
class AsyncResource {
  constructor(type) { this.type = type; }
  runInAsyncScope(fn, thisArg, ...args) { return fn.apply(thisArg, args); }
  bind(fn) { return fn.bind(this); }
  static bind(fn) { return fn; }
  emitDestroy() { return this; }
  asyncId() { return 1; }
  triggerAsyncId() { return 0; }
}
module.exports = {
  AsyncLocalStorage,
  AsyncResource,
  createHook: () => ({ enable() { return this; }, disable() { return this; } }),
  executionAsyncId: () => 1,
  triggerAsyncId: () => 0,
  executionAsyncResource: () => ({}),
};
