// Ready means ready: `npm start` (deploy/standalone.ts) prints its banner only once an invocation
// would succeed, so the very first request after the banner — an invoke right after creating the
// action — answers 200, not 503 "No invokers available".
import { expect, it } from 'vitest';
import { startStandalone } from '../../harness/standalone-process.js';

it('the first invoke after the banner succeeds; /ping is liveness, /invokers/ready readiness', async () => {
  // An address block of its own (test/README.md); the banner looked for every 5 ms, so the first
  // request follows it as closely as a user's would.
  const photon = await startStandalone({ PHOTON_INVOKER_ID: 'su-ready', PHOTON_NETNS_ID_BASE: '59456', PHOTON_NETNS_ID_COUNT: '64', PHOTON_NETNS_FLOOR: '2', PHOTON_NETNS_CEILING: '8' }, 5);
  const { api, headers } = photon;
  try {
    const put = await fetch(`${api}/api/v1/namespaces/_/actions/first`, { method: 'PUT', headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main(p) { return { hi: p.name }; }' } }) });
    expect(put.status).toBe(200);
    const first = await fetch(`${api}/api/v1/namespaces/_/actions/first?blocking=true&result=true`, { method: 'POST', headers, body: JSON.stringify({ name: 'photon' }) });
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await first.json()).toEqual({ hi: 'photon' });
    expect((await fetch(`${api}/ping`)).status).toBe(200);
    expect((await fetch(`${api}/invokers/ready`)).status).toBe(200);
  } finally {
    expect(await photon.stop(), photon.output()).toBe(0);
  }
});
