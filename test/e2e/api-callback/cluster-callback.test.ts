// Actions that call photon back in cluster mode: the controller is another process, listening on
// 127.0.0.1 only; the invoker is told where it is (PHOTON_API_HOST_FOR_ACTIONS) and opens exactly
// that port to its functions through the egress policy; keys live in Redis with a TTL. Redis and
// Kafka run on this same host, and functions must not reach them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { zipFolder } from '../../harness/npm-zip.js';
import { ADD, BUNDLED_CLIENT, CALLER, PROBE } from './callback-actions.js';

type Json = Record<string, unknown>;
const KEY_GRACE_MS = 300;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

describe('actions calling photon back, cluster (controller and invoker processes, Redis, Kafka)', () => {
  let port: number;
  let cluster: ProcessCluster;
  const resultOf = (r: { json: unknown }): Json => ((r.json as Json).response as { result: Json }).result;

  beforeAll(async () => {
    port = await freePort();
    cluster = new ProcessCluster({
      label: 'apikey', invokers: 1, isolation: 'on', idBase: 59840, idCount: 64, controllerPort: port,
      env: { PHOTON_API_HOST_FOR_ACTIONS: `http://127.0.0.1:${port}`, PHOTON_ACTION_KEY_GRACE_MS: String(KEY_GRACE_MS) },
    });
    await cluster.start();
    for (const [name, code, extra] of [
      ['add', ADD, {}],
      ['caller', CALLER, { annotations: [{ key: 'provide-api-key', value: true }], limits: { timeout: 3000 } }],
      ['probe', PROBE, {}],
    ] as const) {
      const r = await cluster.api('PUT', `namespaces/_/actions/${name}`, { exec: { kind: 'nodejs:20', code }, ...extra });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('the invoker says where functions reach the API: the controller on loopback, through the translated address', () => {
    expect(cluster.logs()).toContain(`functions reach the API at http://169.254.0.1:${port}`);
  });

  it('a provide-api-key action invokes another action with its key, which Redis forgets after the activation', async () => {
    const r = await cluster.api('POST', 'namespaces/_/actions/caller?blocking=true', { target: 'add', params: { a: 20, b: 22 } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const result = resultOf(r);
    expect(result).toMatchObject({ status: 200, body: { sum: 42, namespace: 'guest' }, host: `http://169.254.0.1:${port}` });
    const key = String(result.key);
    const end = Number((r.json as Json).end);
    await new Promise((done) => setTimeout(done, Math.max(0, end + 3000 + KEY_GRACE_MS + 100 - Date.now())));
    const after = await fetch(`${cluster.controllers[0]!.url}/api/v1/namespaces`, { headers: { authorization: `Basic ${Buffer.from(key).toString('base64')}` } });
    expect(after.status).toBe(401);
  });

  it('functions reach the API and not Redis or Kafka on this host', async () => {
    const lan = Object.entries(networkInterfaces())
      .filter(([name]) => name !== 'lo' && !name.startsWith('ph-'))
      .flatMap(([, list]) => (list ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address));
    const targets = ['169.254.0.1', ...lan].flatMap((host) => [6379, 9092].map((p) => ({ host, port: p })));
    const r = await cluster.api('POST', 'namespaces/_/actions/probe?blocking=true', { targets });
    const out = resultOf(r);
    expect(out.api).toBe('200 "pong"');
    for (const t of targets) expect(out[`${t.host}:${t.port}`], `${t.host}:${t.port}`).toBe('refused');
  });

  it("a zip action uses OpenWhisk's own npm client, its own copy in the zip, to invoke another action", async () => {
    // The tests' client (a devDependency, 3.21.9) installed into the zip: a different version from
    // the bundled one (3.21.8), so the answer says which copy ran.
    const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../node_modules/openwhisk/package.json'), 'utf8')) as { version: string }).version;
    const dir = mkdtempSync(join(tmpdir(), 'photon-owclient-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ow-client-action', version: '1.0.0', main: 'index.js', dependencies: { openwhisk: version } }));
    writeFileSync(join(dir, 'index.js'), `
const openwhisk = require('openwhisk');
exports.main = async (p) => {
  const ow = openwhisk(); // __OW_API_HOST and __OW_API_KEY, as in OpenWhisk
  const result = await ow.actions.invoke({ name: 'add', blocking: true, result: true, params: { a: p.a, b: p.b } });
  const listed = await ow.activations.list({ name: 'add', limit: 1 });
  return { result, listed: listed.length, client: require('openwhisk/package.json').version };
};`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
    const zip = zipFolder(dir);
    const put = await cluster.api('PUT', 'namespaces/_/actions/owclient', { exec: { kind: 'nodejs:20', code: zip.toString('base64'), binary: true }, annotations: [{ key: 'provide-api-key', value: true }] });
    expect(put.status).toBe(200);
    const r = await cluster.api('POST', 'namespaces/_/actions/owclient?blocking=true', { a: 1, b: 2 });
    expect(resultOf(r), JSON.stringify(r.json)).toEqual({ result: { sum: 3, namespace: 'guest' }, listed: 1, client: version });
    expect(version).not.toBe('3.21.8');
  });

  it("a single-file action uses the openwhisk client OpenWhisk's image bundles (no zip) to invoke another action", async () => {
    const put = await cluster.api('PUT', 'namespaces/_/actions/bundledclient', { exec: { kind: 'nodejs:20', code: BUNDLED_CLIENT }, annotations: [{ key: 'provide-api-key', value: true }], limits: { timeout: 5000 } });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const r = await cluster.api('POST', 'namespaces/_/actions/bundledclient?blocking=true', { a: 40, b: 2 });
    expect(resultOf(r), JSON.stringify(r.json)).toEqual({ result: { sum: 42, namespace: 'guest' }, listed: 1 });
  });
});
