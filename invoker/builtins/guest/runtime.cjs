// internal/runtime: the guest runtime's own services (process.env, timers, immediates, exit,
// logs, UTF-8, the host's fetch) shared with the layer's modules, plus the isolate's memory
// figures from the host. Not requirable by functions.
const rt = require('photon:runtime');
const host = require('photon:host');
module.exports = {
  ...rt,
  /** {limit, used, total, external} bytes of this isolate's heap, from the host (V8's statistics). */
  memory: () => host.call('memory'),
};
