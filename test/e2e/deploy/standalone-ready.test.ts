// Ready means ready: `npm start` (deploy/standalone.ts) prints its banner only once an invocation
// would succeed, so the very first request after the banner — an invoke right after creating the
// action — answers 200, not 503 "No invokers available".
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { waitFor } from '../../harness/wait-for.js';

const root = resolve(import.meta.dirname, '../../..');

it('the first invoke after the banner succeeds; /ping is liveness, /invokers/ready readiness', async () => {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'deploy/standalone.ts'], {
    cwd: root,
    // An address block of its own (test/README.md) and a free port.
    env: { ...process.env, PHOTON_CONTROLLER_PORT: '0', PHOTON_INVOKER_ID: 'su-ready', PHOTON_NETNS_ID_BASE: '59456', PHOTON_NETNS_ID_COUNT: '64', PHOTON_NETNS_FLOOR: '2', PHOTON_NETNS_CEILING: '8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const api = await waitFor('the banner', () => {
      if (child.exitCode !== null) throw new Error(out);
      return /API host:\s+(http:\/\/\S+)/.exec(out)?.[1];
    }, { timeoutMs: 60_000, intervalMs: 5 });
    const headers = { authorization: `Basic ${Buffer.from(`${GUEST_UUID}:${GUEST_KEY}`).toString('base64')}`, 'content-type': 'application/json' };
    const put = await fetch(`${api}/api/v1/namespaces/_/actions/first`, { method: 'PUT', headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main(p) { return { hi: p.name }; }' } }) });
    expect(put.status).toBe(200);
    const first = await fetch(`${api}/api/v1/namespaces/_/actions/first?blocking=true&result=true`, { method: 'POST', headers, body: JSON.stringify({ name: 'photon' }) });
    expect(first.status, await first.clone().text()).toBe(200);
    expect(await first.json()).toEqual({ hi: 'photon' });
    expect((await fetch(`${api}/ping`)).status).toBe(200);
    expect((await fetch(`${api}/invokers/ready`)).status).toBe(200);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      expect(await exited, out).toBe(0);
    }
  }
});
