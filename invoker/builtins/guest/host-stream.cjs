// internal/host-stream: the guest half of host-streams.ts for a module's host handle. A module
// calls it once with its `require('photon:host')`; it routes the host's stream events (data, end,
// error, close, by handle id) to the stream that owns the id and the module's other events to
// `on(event, fn)`. Flow control: what the guest consumed is acknowledged (`ack`), so the host
// pauses a stream the guest does not read; writes go one piece (≤ 64 KiB) at a time and wait for
// the host to take it.
const { Buffer } = require('buffer');

const PIECE = 64 * 1024;
const noop = () => {};

function hostError(d) {
  const e = new ({ TypeError, RangeError }[d.name] || Error)(d.message);
  if (d.code !== undefined) {
    e.code = d.code;
    const m = /^(connect|getaddrinfo|read|write|listen|bind) /.exec(d.message);
    if (m) e.syscall = m[1];
  }
  return e;
}

module.exports = function hub(host) {
  const targets = new Map();
  const handlers = new Map();
  host.on((event, d) => {
    if (event === 'data' || event === 'end' || event === 'error' || event === 'close') {
      const t = targets.get(d && d.id);
      if (!t) return;
      if (event === 'close') targets.delete(d.id);
      if (t[event]) t[event](d);
      return;
    }
    const h = handlers.get(event);
    if (h) h(d);
  });
  return {
    hostError,
    on(event, fn) { handlers.set(event, fn); },
    /** Routes the host stream `id` to `t` ({data, end, error, close}, each optional). */
    route(id, t) { targets.set(id, t); },
    forget(id) { targets.delete(id); },
    /**
     * Feeds Readable `r` from host stream `id`: r._read must call the returned `pull()`.
     * `hooks.end`/`hooks.error`/`hooks.close` run after the stream's own handling.
     */
    feed(id, r, hooks = {}) {
      let pending = 0;
      const pull = () => {
        if (pending > 0) { const n = pending; pending = 0; host.request('ack', id, n).catch(noop); }
      };
      targets.set(id, {
        data(d) {
          const b = Buffer.from(d.chunk);
          if (hooks.data) hooks.data(b);
          pending += b.length;
          if (r.destroyed) return;
          if (r.push(b)) pull();
        },
        end() { if (!r.destroyed) r.push(null); if (hooks.end) hooks.end(); },
        error(d) { const e = hostError(d); if (hooks.error) hooks.error(e); else r.destroy(e); },
        close() { if (hooks.close) hooks.close(); },
      });
      return pull;
    },
    /** Writes bytes to host stream `id` piece by piece; resolves once the host took the last one. */
    async write(id, chunk) {
      const b = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let off = 0; off < b.length; off += PIECE) {
        const piece = b.subarray(off, Math.min(b.length, off + PIECE));
        await host.request('write', id, piece.buffer.slice(piece.byteOffset, piece.byteOffset + piece.byteLength));
      }
    },
    end(id) { return host.request('end', id); },
    destroy(id) { host.request('destroy', id).catch(noop); },
  };
};
