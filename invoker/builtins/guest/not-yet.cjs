// A placeholder for a built-in that another part of issue 14 provides (crypto, zlib, networking,
// fs): requiring it works, so packages that only mention it load; using anything throws.
const name = module.id;
const fail = (what) => () => {
  const e = new Error(`${name} is not available in photon yet (${what}): it is being built (issue 14)`);
  e.code = 'ERR_NOT_IMPLEMENTED';
  throw e;
};
module.exports = new Proxy({}, {
  get(_t, key) {
    if (key === '__esModule' || key === 'then' || typeof key === 'symbol') return undefined;
    return fail(String(key));
  },
});
