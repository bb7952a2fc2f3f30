// The controller's metrics, as an operator scrapes them: a real standalone process with the
// Prometheus exporter on, some traffic (a success, a blocking wait that runs out, refusals), then
// its /metrics lists every controller metric; the access log has one line per request.
import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { startStandalone } from '../../harness/standalone-process.js';
import { waitFor } from '../../harness/wait-for.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

it('after traffic, /metrics lists the controller metrics and the access log has a line per request', async () => {
  const metricsPort = await freePort();
  const photon = await startStandalone({
    PHOTON_INVOKER_ID: 'su-metrics', PHOTON_NETWORK_ISOLATION: 'off', PHOTON_ACCESS_LOG: 'on',
    OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  });
  const { api, headers } = photon;
  try {
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

    const lines = photon.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.activationId === okId)).toMatchObject({ method: 'POST', status: 200, route: '/api/v1/namespaces/{namespace}/actions/{name}' });
    expect(lines.filter((l) => l.status === 401)).toHaveLength(1);
    expect(lines.every((l) => typeof l.durationMs === 'number')).toBe(true);
  } finally {
    expect(await photon.stop(), photon.output()).toBe(0);
  }
});
