// node:diagnostics_channel — named channels with subscribers, as Node's (no engine hooks needed).
const channels = new Map();
class Channel {
  constructor(name) { this.name = name; this._subscribers = []; }
  get hasSubscribers() { return this._subscribers.length > 0; }
  subscribe(fn) { this._subscribers.push(fn); }
  unsubscribe(fn) { const i = this._subscribers.indexOf(fn); if (i === -1) return false; this._subscribers.splice(i, 1); return true; }
  publish(message) {
    for (const fn of this._subscribers.slice()) {
      try { fn(message, this.name); } catch (e) { Promise.reject(e); }
    }
  }
  bindStore() {}
  unbindStore() { return false; }
  runStores(data, fn, thisArg, ...args) { this.publish(data); return fn.apply(thisArg, args); }
}
function channel(name) {
  let c = channels.get(name);
  if (!c) channels.set(name, (c = new Channel(name)));
  return c;
}
class TracingChannel {
  constructor(name) {
    for (const ev of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) this[ev] = channel(`tracing:${name}:${ev}`);
  }
  subscribe(h) { for (const k of Object.keys(h)) this[k].subscribe(h[k]); }
  unsubscribe(h) { for (const k of Object.keys(h)) this[k].unsubscribe(h[k]); return true; }
  traceSync(fn, ctx = {}, thisArg, ...args) {
    this.start.publish(ctx);
    try { ctx.result = fn.apply(thisArg, args); return ctx.result; } catch (e) { ctx.error = e; this.error.publish(ctx); throw e; } finally { this.end.publish(ctx); }
  }
  tracePromise(fn, ctx = {}, thisArg, ...args) {
    this.start.publish(ctx);
    try {
      return Promise.resolve(fn.apply(thisArg, args)).then(
        (r) => { ctx.result = r; this.asyncEnd.publish(ctx); return r; },
        (e) => { ctx.error = e; this.error.publish(ctx); this.asyncEnd.publish(ctx); throw e; });
    } finally { this.end.publish(ctx); }
  }
}
module.exports = {
  channel,
  hasSubscribers: (name) => channels.has(name) && channels.get(name).hasSubscribers,
  subscribe: (name, fn) => channel(name).subscribe(fn),
  unsubscribe: (name, fn) => channel(name).unsubscribe(fn),
  tracingChannel: (name) => new TracingChannel(name),
  Channel,
};
