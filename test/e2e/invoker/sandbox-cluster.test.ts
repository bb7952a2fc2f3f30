// Hostile tenants against a real cluster (controller + invoker over Kafka and Redis, network
// isolation on, PHOTON_SANDBOX=process): each case is a recorded developer error within its time
// limit + grace while another namespace's action keeps answering, every accepted activation has
// exactly one record, and the invoker leaves no namespace or nft table behind after SIGKILL (and
// the restart that reclaims) and SIGTERM. The sparse-array sort, regex and heap OOM cases, and the
// supervisor's own kill paths, are in sandbox.test.ts (no cluster): not repeated here.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokerTag } from '../../../native/index.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';
import type { Credentials } from '../../../shared/store/auth-store.js';
import { ProcessCluster } from '../../harness/process-cluster.js';
import { waitFor } from '../../harness/wait-for.js';

const GRACE_MS = 1000; // the supervisor's kill grace (sandbox-runner.ts)
/** Generous bound on one blocking hello-world call of the other namespace during an attack (idle: tens of ms). */
const VICTIM_BOUND_MS = 3000;
/**
 * Under 20 endless loops the other namespace is served but slowly (up to ~4 s a call measured on
 * this 2-core machine): fair CPU between tenants is issue 13's "Fair CPU" item, not this file's.
 * This bound only says it is never starved outright.
 */
const VICTIM_BOUND_UNDER_LOOPS_MS = 10_000;
const TIMEOUT_MSG = (ms: number): string => `The action exceeded its time limits of ${ms} milliseconds.`;
const MEMORY_MSG = 'The action exhausted its memory and was aborted.';

let cluster: ProcessCluster;
let victim: Credentials;
const accepted: string[] = [];

async function apiAs(creds: Credentials, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${cluster.controllers[0]!.url}/api/v1/${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${creds.uuid}:${creds.key}`).toString('base64')}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown = text;
  try { json = JSON.parse(text); } catch { /* keep the text */ }
  return { status: res.status, json };
}

async function invoke(name: string, code: string, limits: Record<string, number>): Promise<string> {
  const put = await cluster.api('PUT', `namespaces/_/actions/${name}?overwrite=true`, { exec: { kind: 'nodejs:20', code }, limits });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
  const r = await cluster.api('POST', `namespaces/_/actions/${name}`, {});
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const id = (r.json as { activationId: string }).activationId;
  accepted.push(id);
  return id;
}

/** Calls the other namespace's hello world (blocking) until every id has a record; returns the records and the victim's latencies. */
async function serveWhile(ids: string[], timeoutMs: number): Promise<{ records: ActivationRecord[]; victimMs: number[] }> {
  const victimMs: number[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const records = await Promise.all(ids.map((id) => cluster.stores.activations.get(id)));
    if (records.every(Boolean)) return { records: records as ActivationRecord[], victimMs };
    if (Date.now() > until) throw new Error(`no record for ${ids.filter((_, i) => !records[i]).join(', ')} after ${timeoutMs} ms\n${cluster.logs()}`);
    const t0 = Date.now();
    const v = await apiAs(victim, 'POST', 'namespaces/_/actions/hello?blocking=true&result=true', {});
    victimMs.push(Date.now() - t0);
    expect(v.json).toEqual({ hello: 'world' });
    await new Promise((r) => setTimeout(r, 50));
  }
}

function leftovers(tag: string): { netns: string[]; nft: string[] } {
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`photon-${tag}-`));
  const nft = execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`photon_${tag}`));
  return { netns, nft };
}

beforeAll(async () => {
  cluster = new ProcessCluster({
    label: 'sbhostile', invokers: 1, isolation: 'on', idBase: 30000,
    env: { PHOTON_SANDBOX: 'process', PHOTON_INVOCATIONS_PER_MINUTE: '100000', PHOTON_CONCURRENT_INVOCATIONS: '10000' },
  });
  await cluster.start();
  await cluster.waitForInvokers(1);
  await cluster.stores.auth.createNamespace(`${cluster.prefix}-victim`);
  victim = await cluster.stores.auth.addKey(`${cluster.prefix}-victim`);
  const put = await apiAs(victim, 'PUT', 'namespaces/_/actions/hello', { exec: { kind: 'nodejs:20', code: 'function main() { return { hello: "world" } }' } });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
  expect((await apiAs(victim, 'POST', 'namespaces/_/actions/hello?blocking=true&result=true', {})).json).toEqual({ hello: 'world' });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 120_000);

describe('hostile tenants against a cluster in process mode', () => {
  // Each: [name, code, limits, the messages it may end with].
  const cases: [string, string, Record<string, number>, string[]][] = [
    ['endless generator spread', 'function main() { return { n: [...(function* () { while (true) yield 1; })()].length }; }', { timeout: 2000, memory: 128 }, [TIMEOUT_MSG(2000), MEMORY_MSG]],
    ['new Function in a loop', 'function main() { for (let i = 0; ; i++) new Function("return " + i)(); }', { timeout: 2000, memory: 128 }, [TIMEOUT_MSG(2000)]],
    // ~64 MB of code in 9 functions (V8 caps one body at ~7.6 MB), compiled again and again.
    ['a 64 MB Wasm compile', `function main() {
      const N = 9, BODY = 7000000;
      const leb = (v) => { const o = []; do { let b = v & 127; v >>>= 7; if (v) b |= 128; o.push(b); } while (v); return o; };
      const head = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, ...leb(N + 1), ...leb(N), ...new Array(N).fill(0)];
      const fn = [...leb(BODY + 2), 0];
      const codeSize = leb(N).length + N * (fn.length + BODY + 1);
      const bytes = new Uint8Array(head.length + 1 + leb(codeSize).length + codeSize);
      let p = 0; const put = (a) => { bytes.set(a, p); p += a.length; };
      put(head); put([10]); put(leb(codeSize)); put(leb(N));
      for (let i = 0; i < N; i++) { put(fn); bytes.fill(1, p, p + BODY); p += BODY; put([11]); }
      for (;;) new WebAssembly.Module(bytes);
    }`, { timeout: 5000, memory: 256 }, [TIMEOUT_MSG(5000), MEMORY_MSG]],
    ['a Wasm memory grown past the limit', 'function main() { const m = new WebAssembly.Memory({ initial: 1 }); for (;;) m.grow(256); }', { timeout: 2000, memory: 128 }, [MEMORY_MSG]],
  ];
  for (const [name, code, limits, messages] of cases) {
    it(`${name}: a recorded developer error within time limit + grace, the other namespace served throughout (< ${VICTIM_BOUND_MS} ms a call)`, async () => {
      const id = await invoke(name.replace(/\W+/g, '-'), code, limits);
      const { records: [rec], victimMs } = await serveWhile([id], 60_000);
      expect(rec!.response.status).toBe('action developer error');
      expect(messages).toContain((rec!.response.result as { error: string }).error);
      expect(rec!.end - rec!.start).toBeLessThan(limits.timeout! + GRACE_MS + 1000);
      expect(victimMs.length).toBeGreaterThan(0);
      console.log(`${name}: ${String(rec!.response.result.error)} after ${rec!.end - rec!.start} ms; other namespace: ${victimMs.length} calls, max ${Math.max(...victimMs)} ms`);
      expect(Math.max(...victimMs)).toBeLessThan(VICTIM_BOUND_MS);
    }, 90_000);
  }

  it(`20 endless loops: 20 timeout records, the other namespace served throughout (< ${VICTIM_BOUND_UNDER_LOOPS_MS} ms a call)`, async () => {
    const put = await cluster.api('PUT', 'namespaces/_/actions/spin?overwrite=true', { exec: { kind: 'nodejs:20', code: 'function main() { for (;;) {} }' }, limits: { timeout: 1000 } });
    expect(put.status).toBe(200);
    const ids = await Promise.all(Array.from({ length: 20 }, async () => {
      const r = await cluster.api('POST', 'namespaces/_/actions/spin', {});
      expect(r.status).toBe(202);
      return (r.json as { activationId: string }).activationId;
    }));
    accepted.push(...ids);
    const { records, victimMs } = await serveWhile(ids, 90_000);
    for (const rec of records) {
      expect(rec.response.result).toEqual({ error: TIMEOUT_MSG(1000) });
      expect(rec.end - rec.start).toBeLessThan(1000 + GRACE_MS + 1000);
    }
    console.log(`20 endless loops: last record after ${Math.max(...records.map((r) => r.end)) - Math.min(...records.map((r) => r.start))} ms; other namespace: ${victimMs.length} calls, max ${Math.max(...victimMs)} ms`);
    expect(Math.max(...victimMs)).toBeLessThan(VICTIM_BOUND_UNDER_LOOPS_MS);
  }, 120_000);

  it('SIGKILL and SIGTERM of the invoker during attacks: each activation gets one record; no namespace or nft table is left', async () => {
    const invokerId = cluster.invokerId(0);
    const tag = invokerTag(invokerId);
    expect(leftovers(tag).netns.length).toBeGreaterThan(0); // the running invoker's cache (the check can see them)
    const id = await invoke('sort-kill', 'function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 1000)); // running in a sandbox by now
    await cluster.kill(invokerId, 'SIGKILL');
    // Its sandboxes die with it (their IPC channel closes). Restarted with the same id, it reclaims
    // what the dead process left and runs the uncommitted activation again (at-least-once: the
    // sandbox did not kill it, its invoker died), which records it once.
    await cluster.startInvoker(0);
    const rec = await waitFor('a record of the activation the dead invoker held', () => cluster.stores.activations.get(id), { timeoutMs: 60_000 });
    expect(rec.response.result).toEqual({ error: TIMEOUT_MSG(3000) });
    // A second attack in flight when SIGTERM comes: the drain ends it (time limit + grace) and records it.
    const id2 = await invoke('sort-term', 'function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 1000));
    await cluster.kill(invokerId, 'SIGTERM');
    expect((await cluster.stores.activations.get(id2))?.response.result).toEqual({ error: TIMEOUT_MSG(3000) });
    expect(leftovers(tag)).toEqual({ netns: [], nft: [] });
    // Every accepted activation of this file has exactly one record (ids are unique keys: one get each).
    const records = await Promise.all(accepted.map((a) => cluster.stores.activations.get(a)));
    expect(records.filter((r) => !r).length).toBe(0);
    expect(new Set(records.map((r) => r!.activationId)).size).toBe(accepted.length);
  }, 180_000);
});
