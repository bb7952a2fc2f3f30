// Node's built-ins (issue 14) end to end: a controller and an invoker as processes, the invoker in
// sandbox-process mode (PHOTON_SANDBOX=process) with real namespaces, an action deployed and run
// through the REST API in a real namespace. The layer's modules, its globals and a synchronous
// host call (crypto.getRandomValues → the host's CSPRNG, from inside an unprivileged sandbox)
// answer as in the unit tier; process.exit ends only its own activation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../harness/process-cluster.js';

type Run = { response: { status: string; result: Record<string, unknown> } };

const USES_THE_LAYER = `const { EventEmitter, once } = require('node:events'); const util = require('util'); const { Readable } = require('stream'); const path = require('path');
async function main(p) {
  const e = new EventEmitter(); setImmediate(() => e.emit('go', p.n)); const [n] = await once(e, 'go');
  const chunks = []; for await (const c of Readable.from(['a', 'b'])) chunks.push(c);
  return { n, b64: Buffer.from('photon').toString('base64'), url: new URL('../x?y=1', 'https://h.org/a/b').href, fmt: util.format('%s=%d', 'k', 42),
    chunks, path: path.resolve('/a', '../b'), rnd: crypto.getRandomValues(new Uint8Array(16)).some((x) => x !== 0), uuid: crypto.randomUUID().length,
    heap: process.memoryUsage().heapUsed > 0, env: Object.keys(process.env).filter((k) => !k.startsWith('__OW_')),
    res: await new Response(JSON.stringify({ ok: true })).json(), clone: structuredClone(new Map([[1, 2]])).get(1) };
}`;

describe('built-in modules through the REST API, in sandbox processes and real namespaces', () => {
  const cluster = new ProcessCluster({ label: 'builtins', invokers: 1, isolation: 'on', idBase: 59520, env: { PHOTON_SANDBOX: 'process', PHOTON_SANDBOXES: '1' } });
  beforeAll(async () => {
    await cluster.start();
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  it('runs an action that uses Buffer, events, stream, util, path, URL, fetch classes, setImmediate and Web Crypto', async () => {
    expect((await cluster.api('PUT', 'namespaces/_/actions/layer', { exec: { kind: 'nodejs:20', code: USES_THE_LAYER } })).status).toBe(200);
    const r = (await cluster.api('POST', 'namespaces/_/actions/layer?blocking=true', { n: 7 })).json as Run;
    expect(r.response, JSON.stringify(r)).toMatchObject({ status: 'success' });
    expect(r.response.result).toEqual({
      n: 7, b64: 'cGhvdG9u', url: 'https://h.org/x?y=1', fmt: 'k=42', chunks: ['a', 'b'], path: '/b', rnd: true, uuid: 36, heap: true, env: [], res: { ok: true }, clone: 2,
    });
  });

  it('ends only the exiting activation on process.exit, and the next one runs', async () => {
    expect((await cluster.api('PUT', 'namespaces/_/actions/exiter', { exec: { kind: 'nodejs:20', code: 'function main(p) { if (p.exit) setTimeout(() => process.exit(2), 1); return new Promise((r) => setTimeout(() => r({ ran: true }), 50)); }' } })).status).toBe(200);
    const exited = (await cluster.api('POST', 'namespaces/_/actions/exiter?blocking=true', { exit: true })).json as Run;
    expect(exited.response).toMatchObject({ status: 'action developer error', result: { error: 'The action did not produce a valid response and exited unexpectedly.' } });
    const next = (await cluster.api('POST', 'namespaces/_/actions/exiter?blocking=true', {})).json as Run;
    expect(next.response.result).toEqual({ ran: true });
  });
});
