// Action code for the call-back tests: functions that call photon's API with the __OW_API_HOST and
// __OW_API_KEY they were given, with fetch and a hand-made base64 (CALLER: no Node built-ins at
// all), tcp (PROBE), or the openwhisk npm client OpenWhisk's image bundles (BUNDLED_CLIENT).

/** Basic auth needs base64; isolates have no btoa or Buffer, so the action carries its own. */
const BASE64 = `
function b64(s) {
  const t = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const b = new TextEncoder().encode(s);
  let o = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    o += t[(n >> 18) & 63] + t[(n >> 12) & 63] + (i + 1 < b.length ? t[(n >> 6) & 63] : '=') + (i + 2 < b.length ? t[n & 63] : '=');
  }
  return o;
}`;

/** Calls `p.method p.path` (default: invoke p.target blocking, result only) with the action's own key; returns status, body, and what it was given. */
export const CALLER = `${BASE64}
async function main(p) {
  const host = process.env.__OW_API_HOST;
  const key = process.env.__OW_API_KEY;
  const path = p.path || '/api/v1/namespaces/' + (p.ns || '_') + '/actions/' + p.target + '?blocking=true&result=true';
  const res = await fetch(host + path, {
    method: p.method || 'POST',
    headers: { authorization: 'Basic ' + b64(key || ''), 'content-type': 'application/json' },
    ...(p.method === 'GET' || p.method === 'DELETE' ? {} : { body: JSON.stringify(p.params || {}) }),
  });
  const text = await res.text();
  let body = text;
  try { body = JSON.parse(text); } catch {}
  return { status: res.status, body, host, key };
}`;

/** Invokes `add` with the openwhisk npm client OpenWhisk's image bundles (not in the action), then lists its activations. */
export const BUNDLED_CLIENT = `
const openwhisk = require('openwhisk');
async function main(p) {
  const ow = openwhisk(); // __OW_API_HOST and __OW_API_KEY, as in OpenWhisk
  const result = await ow.actions.invoke({ name: 'add', blocking: true, result: true, params: { a: p.a, b: p.b } });
  const listed = await ow.activations.list({ name: 'add', limit: 1 });
  return { result, listed: listed.length };
}`;

export const ADD = 'function main(p) { return { sum: (p.a || 0) + (p.b || 0), namespace: process.env.__OW_NAMESPACE }; }';

export const ENV = 'function main() { return { host: process.env.__OW_API_HOST ?? null, key: process.env.__OW_API_KEY ?? null }; }';

/** Tries each {host, port} with tcp.connect inside the function's namespace, then the API's /ping through __OW_API_HOST. */
export const PROBE = `
async function main(p) {
  const out = {};
  for (const t of p.targets) {
    const name = t.host + ':' + t.port;
    try {
      const c = await tcp.connect(t);
      c.destroy();
      out[name] = 'connected';
    } catch (e) {
      out[name] = 'refused';
    }
  }
  const res = await fetch(process.env.__OW_API_HOST + '/ping');
  out.api = res.status + ' ' + (await res.text());
  return out;
}`;
