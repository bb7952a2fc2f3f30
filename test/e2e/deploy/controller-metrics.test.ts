// The controller's metrics, as an operator scrapes them: a real standalone process with the
// Prometheus exporter on, some traffic (a success, a blocking wait that runs out, refusals), then
// its /metrics lists every controller metric; the access log has one line per request.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { waitFor } from '../../harness/wait-for.js';

const root = resolve(import.meta.dirname, '../../..');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

it('after traffic, /metrics lists the controller metrics and the access log has a line per request', async () => {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'deploy/standalone.ts'], {
    cwd: root,
    env: {
      ...process.env, PHOTON_CONTROLLER_PORT: '0', PHOTON_INVOKER_ID: 'su-metrics', PHOTON_NETWORK_ISOLATION: 'off', PHOTON_ACCESS_LOG: 'on',
      OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    },
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
    }, { timeoutMs: 60_000 });
    const headers = { authorization: `Basic ${Buffer.from(`${GUEST_UUID}:${GUEST_KEY}`).toString('base64')}`, 'content-type': 'application/json' };
    const A = `${api}/api/v1/namespaces/_/actions`;
    const code = 'async function main(p) { if (p.sleep) await new Promise((r) => setTimeout(r, p.sleep)); return { ok: true }; }';
    expect((await fetch(`${A}/m`, { method: 'PUT', headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code } }) })).status).toBe(200);
    const ok = await fetch(`${A}/m?blocking=true`, { method: 'POST', headers, body: '{}' });
    expect(ok.status).toBe(200);
    const okId = ok.headers.get('x-openwhisk-activation-id');
    const late = await fetch(`${A}/m?blocking=true&timeout=100`, { method: 'POST', headers, body: JSON.stringify({ sleep: 1500 }) });
    expect(late.status).toBe(202);
    expect((await fetch(`${A}/m`, { method: 'GET' })).status).toBe(401);
    expect((await fetch(`${A}/nothing`, { method: 'GET', headers })).status).toBe(404);

    const text = await waitFor('the scrape to show the completions', async () => {
      const t = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /^photon_controller_completions_total\{[^}]*\} [1-9]/m.test(t) && t;
    }, { timeoutMs: 20_000, intervalMs: 250 });
    for (const name of [
      'photon_controller_requests_total', 'photon_controller_request_duration', 'photon_controller_refusals_total',
      'photon_controller_blocking_timeouts_total', 'photon_controller_activations_published_total',
      'photon_controller_completions_total', 'photon_controller_completion_lag',
    ]) expect(text, name).toContain(name);
    expect(text).toMatch(/^photon_controller_refusals_total\{.*http_response_status_code="401".*\} 1$/m);
    expect(text).toMatch(/^photon_controller_refusals_total\{.*http_response_status_code="404".*\} 1$/m);
    expect(text).toMatch(/^photon_controller_requests_total\{.*http_route="\/api\/v1\/namespaces\/\{namespace\}\/actions\/\{name\}"/m);
    expect(text).toMatch(/^photon_controller_blocking_timeouts_total\{.*\} 1$/m);
    expect(text).toMatch(/^photon_controller_activations_published_total\{.*\} 2$/m);

    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.activationId === okId)).toMatchObject({ method: 'POST', status: 200, route: '/api/v1/namespaces/{namespace}/actions/{name}' });
    expect(lines.filter((l) => l.status === 401)).toHaveLength(1);
    expect(lines.every((l) => typeof l.durationMs === 'number')).toBe(true);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      expect(await exited, out).toBe(0);
    }
  }
});
