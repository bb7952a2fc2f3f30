// A built-in that cannot exist inside an isolate (child_process, cluster, worker_threads, vm, v8,
// inspector): importable, so that packages which only mention it load, and every call throws.
const name = module.id;
const fail = (what) => function unavailable() {
  const e = new Error(`${name}.${what}() is not provided by photon: functions run in V8 isolates, without processes, threads or the engine's internals`);
  e.code = 'ERR_NOT_SUPPORTED_IN_PHOTON';
  throw e;
};
module.exports = new Proxy({}, {
  get(_t, key) {
    if (key === '__esModule' || key === 'then' || typeof key === 'symbol') return undefined;
    return fail(String(key));
  },
});
