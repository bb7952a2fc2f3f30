// node:events — the npm port of Node's EventEmitter (events@3), plus what Node added since:
// errorMonitor, on() as an async iterator, getEventListeners, setMaxListeners, addAbortListener.
const events = require('events/');
const { EventEmitter } = events;

const errorMonitor = Symbol('events.errorMonitor');
const emit = EventEmitter.prototype.emit;
EventEmitter.prototype.emit = function (type, ...args) {
  if (type === 'error' && this._events !== undefined && this._events[errorMonitor] !== undefined) emit.call(this, errorMonitor, ...args);
  return emit.call(this, type, ...args);
};
EventEmitter.errorMonitor = errorMonitor;
EventEmitter.captureRejections = false;
EventEmitter.captureRejectionSymbol = Symbol.for('nodejs.rejection');
EventEmitter.getEventListeners = (emitter, name) => (typeof emitter.listeners === 'function' ? emitter.listeners(name) : []);
EventEmitter.setMaxListeners = (n = 10, ...targets) => { for (const t of targets) if (typeof t.setMaxListeners === 'function') t.setMaxListeners(n); };
EventEmitter.addAbortListener = (signal, listener) => {
  signal.addEventListener('abort', listener, { once: true });
  return { [Symbol.dispose || Symbol.for('dispose')]() { signal.removeEventListener('abort', listener); } };
};
EventEmitter.listenerCount = (emitter, name) => emitter.listenerCount(name);
EventEmitter.on = function on(emitter, event, options = {}) {
  const queue = [];
  const waiting = [];
  let error = null;
  let done = false;
  const push = (...args) => { const w = waiting.shift(); if (w) w.resolve({ value: args, done: false }); else queue.push(args); };
  const fail = (e) => { done = true; const w = waiting.shift(); if (w) w.reject(e); else error = e; };
  emitter.on(event, push);
  if (event !== 'error') emitter.on('error', fail);
  const stop = () => { emitter.removeListener(event, push); emitter.removeListener('error', fail); done = true; for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true }); };
  if (options.signal) options.signal.addEventListener('abort', () => fail(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' })), { once: true });
  return {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
      if (error) { const e = error; error = null; return Promise.reject(e); }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() { stop(); return Promise.resolve({ value: undefined, done: true }); },
    throw(e) { fail(e); stop(); return Promise.reject(e); },
    [Symbol.asyncIterator]() { return this; },
  };
};
module.exports = EventEmitter;
