// node:timers — the runtime's host timers and immediates, with Node's Timeout objects' methods
// (ref/unref/hasRef/refresh: no event loop to keep alive here, so they only answer).
const rt = require('internal/runtime');
function wrap(id, repeat, fn, ms, args) {
  const t = {
    _id: id,
    ref() { return t; }, unref() { return t; }, hasRef() { return true; },
    refresh() { rt.clearTimer(t._id); t._id = rt.setTimer(fn, ms, args, repeat); return t; },
    close() { rt.clearTimer(t._id); return t; },
    [Symbol.toPrimitive]() { return t._id; },
  };
  return t;
}
const idOf = (t) => (t !== null && typeof t === 'object' ? t._id : t);
const setTimeout = (fn, ms, ...args) => wrap(rt.setTimer(fn, ms, args, false), false, fn, ms, args);
const setInterval = (fn, ms, ...args) => wrap(rt.setTimer(fn, ms, args, true), true, fn, ms, args);
const clearTimeout = (t) => { if (t !== undefined && t !== null) rt.clearTimer(idOf(t)); };
const setImmediate = (fn, ...args) => {
  const id = rt.setImmediate(fn, args);
  return { _id: id, ref() { return this; }, unref() { return this; }, hasRef() { return true; }, [Symbol.toPrimitive]() { return id; } };
};
const clearImmediate = (i) => { if (i !== undefined && i !== null) rt.clearImmediate(idOf(i)); };
const promises = {
  setTimeout: (ms, value, opts) => new Promise((resolve, reject) => {
    const signal = opts && opts.signal;
    if (signal && signal.aborted) { reject(abortError(signal)); return; }
    const id = rt.setTimer(() => resolve(value), ms, [], false);
    if (signal) signal.addEventListener('abort', () => { rt.clearTimer(id); reject(abortError(signal)); }, { once: true });
  }),
  setImmediate: (value, opts) => new Promise((resolve, reject) => {
    const signal = opts && opts.signal;
    if (signal && signal.aborted) { reject(abortError(signal)); return; }
    const id = rt.setImmediate(() => resolve(value), []);
    if (signal) signal.addEventListener('abort', () => { rt.clearImmediate(id); reject(abortError(signal)); }, { once: true });
  }),
  async *setInterval(ms, value) {
    for (;;) { await promises.setTimeout(ms); yield value; }
  },
  scheduler: { wait: (ms, opts) => promises.setTimeout(ms, undefined, opts), yield: () => promises.setImmediate() },
};
function abortError(signal) {
  const e = new Error('The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}
module.exports = { setTimeout, setInterval, clearTimeout, clearInterval: clearTimeout, setImmediate, clearImmediate, promises };
