// Sandbox processes (root, real namespaces, real processes): a hostile tenant costs only its own
// sandbox process, recorded as a developer error within its time limit + grace, while another
// namespace's action keeps answering; and a sandbox process, driven directly, can reach nothing
// it must not (Redis, Kafka, a controller port, another namespace, the supervisor's files).
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespaceCache, type NamespaceCache } from '../../../native/index.js';
import { SandboxRunner } from '../../../invoker/sandbox/sandbox-runner.js';
import { spawnSandbox } from '../../../invoker/sandbox/sandbox-spawn.js';
import { removeStaleCgroups } from '../../../invoker/sandbox/sandbox-cgroup.js';
import { waitFor } from '../../harness/wait-for.js';
import type { RunOutcome } from '../../../invoker/service/action-runner.js';
import type { Action } from '../../../shared/model/action.js';
import { makeAction } from '../../unit/invoker/fixtures.js';

const GRACE_MS = 1000;
let cache: NamespaceCache;
let runner: SandboxRunner;
const logLines: string[] = [];

beforeAll(async () => {
  cache = createNamespaceCache({ invokerId: 'tsb', idBase: 63552, idCount: 64, floor: 4, ceiling: 32, isolation: 'on' });
  await cache.start();
  runner = new SandboxRunner({ invokerId: 'tsb', namespaces: cache, count: 2, userMemoryMb: 2048, graceMs: GRACE_MS, prewarm: { count: 1, memoryMb: 128 }, log: (l) => logLines.push(l) });
  await runner.start();
}, 60_000);

afterAll(async () => {
  await runner?.close();
  await cache?.close();
});

function run(action: Action, namespace: string, params: Record<string, unknown> = {}): Promise<RunOutcome> {
  return runner.run({ action, params, activationId: randomBytes(16).toString('hex'), namespace, deadline: Date.now() + action.limits.timeout });
}

/** Two namespace names placed on different sandboxes (cordons), the first never used before. */
function tenants(tag: string): { hostile: string; victim: string } {
  const hostile = `hostile-${tag}-${randomBytes(3).toString('hex')}`;
  for (let i = 0; ; i++) {
    const victim = `victim-${tag}-${i}`;
    if (runner.placement(victim) !== runner.placement(hostile)) return { hostile, victim };
  }
}

const HELLO = makeAction('function main(p) { return { hello: p.name ?? "world" }; }', { limits: { timeout: 5000 } });

/** Runs `hostileCode` in one namespace while another namespace calls hello world in a loop; returns both sides. */
async function hostileWhileServing(tag: string, hostileCode: string, limits: { timeout: number; memory?: number }) {
  const { hostile, victim } = tenants(tag);
  const warm = await run(HELLO, victim);
  expect(warm.response.result).toEqual({ hello: 'world' });
  const killsBefore = runner.kills + runner.crashes;
  const action = makeAction(hostileCode, { limits });
  const t0 = Date.now();
  let done = false;
  const bad = run(action, hostile).then((o) => { done = true; return { o, ms: Date.now() - t0 }; });
  const victimMs: number[] = [];
  while (!done) {
    const v0 = Date.now();
    const o = await run(HELLO, victim);
    victimMs.push(Date.now() - v0);
    expect(o.response.result).toEqual({ hello: 'world' });
    await new Promise((r) => setTimeout(r, 50));
  }
  const { o, ms } = await bad;
  return { outcome: o, ms, victimMs, killed: runner.kills + runner.crashes - killsBefore, hostile, victim };
}

describe('sandbox processes serve activations', () => {
  it('runs an action and hands it sockets made in its namespace (listen + connect on its own loopback, fetch)', async () => {
    const echo = makeAction(`async function main() {
      const server = await tcp.listen({ port: 7000 }, (c) => { c.on('data', (d) => c.write(d)); });
      const c = await tcp.connect({ host: '127.0.0.1', port: 7000 });
      c.write('ping');
      const got = await new Promise((r) => c.on('data', (d) => r(new TextDecoder().decode(d))));
      c.destroy();
      let fetched;
      try { await fetch('http://127.0.0.1:7001/'); fetched = 'connected'; } catch (e) { fetched = e.message; }
      server.close();
      return { got, fetched };
    }`);
    const o = await run(echo, 'net-tenant');
    expect(o.response.status, JSON.stringify(o.response)).toBe('success');
    expect(o.response.result.got).toBe('ping');
    expect(String(o.response.result.fetched)).toMatch(/ECONNREFUSED/);
    expect(o.isolateId).toMatch(/^tsb-sb/);
    expect(o.namespaceId).toBeGreaterThanOrEqual(63552);
  });
});

describe('a hostile tenant costs only its sandbox', () => {
  it('sparse-array sort (V8 cannot interrupt it): developer error within timeout + grace, the other namespace keeps answering', async () => {
    const pidsBefore = runner.pids();
    const r = await hostileWhileServing('sort', 'function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { timeout: 1000 });
    expect(r.outcome.response.status).toBe('action developer error');
    expect(r.outcome.response.result.error).toBe('The action exceeded its time limits of 1000 milliseconds.');
    expect(r.ms).toBeLessThan(1000 + GRACE_MS + 1500);
    expect(r.killed).toBe(1);
    expect(r.victimMs.length).toBeGreaterThan(3);
    expect(Math.max(...r.victimMs)).toBeLessThan(1000); // generous: warm calls are ~1 ms
    expect(runner.isQuarantined(r.hostile)).toBe(true);
    expect(runner.pids()[runner.placement(r.hostile)]).not.toBe(pidsBefore[runner.placement(r.hostile)]);
    // The replacement serves, and the quarantined tenant is served by the quarantine sandbox.
    const again = await run(HELLO, r.hostile);
    expect(again.response.result).toEqual({ hello: 'world' });
    expect(again.isolateId).toMatch(/^tsb-sbq/);
  }, 30_000);

  it('catastrophic regex backtracking: developer error within timeout + grace, the other namespace keeps answering', async () => {
    const r = await hostileWhileServing('regex', 'function main() { return { m: /^(a+)+$/.test("a".repeat(40) + "b") }; }', { timeout: 1000 });
    expect(r.outcome.response.status).toBe('action developer error');
    expect(r.outcome.response.result.error).toBe('The action exceeded its time limits of 1000 milliseconds.');
    expect(r.ms).toBeLessThan(1000 + GRACE_MS + 1500);
    expect(Math.max(...r.victimMs)).toBeLessThan(1000);
  }, 30_000);

  it('V8 heap out of memory: developer error with the memory message, the other namespace keeps answering', async () => {
    const r = await hostileWhileServing('oom', 'function main() { const a = []; for (;;) a.push(new Array(1e5).fill(Math.random())); }', { timeout: 10_000, memory: 128 });
    expect(r.outcome.response.status).toBe('action developer error');
    expect(r.outcome.response.result.error).toBe('The action exhausted its memory and was aborted.');
    expect(r.ms).toBeLessThan(10_000 + GRACE_MS);
    expect(Math.max(...r.victimMs)).toBeLessThan(1000);
  }, 30_000);
});

describe('every byte counted in a sandbox process (guest-memory.js)', () => {
  // Without the counting, the Wasm memory grows to 1 GB (the sandbox's cgroup is the only bound)
  // and the ArrayBuffer loop, catching each refusal, runs to its time limit.
  const cases: [string, string][] = [
    ['a Wasm memory grown to 1 GB', 'function main() { const m = new WebAssembly.Memory({ initial: 1 }); for (let i = 0; i < 16; i++) m.grow(1024); new Uint8Array(m.buffer).fill(1); return {}; }'],
    ['1 GB of ArrayBuffers, every refusal caught', 'function main() { const keep = []; for (let i = 0; i < 1024; i++) { try { keep.push(new ArrayBuffer(1 << 20)) } catch {} } return { n: keep.length }; }'],
  ];
  for (const [what, code] of cases) {
    it(`${what} in a 128 MB action: developer error with the memory message, the sandbox survives, the other namespace keeps answering`, async () => {
      const r = await hostileWhileServing('bytes', code, { timeout: 10_000, memory: 128 });
      expect(r.outcome.response.status).toBe('action developer error');
      expect(r.outcome.response.result.error).toBe('The action exhausted its memory and was aborted.');
      expect(r.ms).toBeLessThan(10_000);
      expect(r.killed).toBe(0); // the isolate went, not the process
      expect(Math.max(...r.victimMs)).toBeLessThan(1000);
      expect((await run(HELLO, r.hostile)).response.result).toEqual({ hello: 'world' });
    }, 30_000);
  }
});

describe('no activation is lost when a sandbox goes', () => {
  it('an activation sharing the killed sandbox with the hostile one is recorded as a whisk internal error, not re-run', async () => {
    const { hostile } = tenants('collateral');
    let innocent = '';
    for (let i = 0; !innocent; i++) if (runner.placement(`innocent-${i}`) === runner.placement(hostile)) innocent = `innocent-${i}`;
    const slow = makeAction('async function main() { await new Promise((r) => setTimeout(r, 4000)); return { slow: true }; }', { limits: { timeout: 10_000 } });
    const innocentRun = run(slow, innocent);
    const bad = await run(makeAction('function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { limits: { timeout: 500 } }), hostile);
    expect(bad.response.result.error).toBe('The action exceeded its time limits of 500 milliseconds.');
    const o = await innocentRun;
    expect(o.response.status).toBe('whisk internal error');
    expect(o.response.result.error).toBe('The sandbox process running this activation was killed because another activation in it exceeded its limits.');
    expect(runner.isQuarantined(innocent)).toBe(false);
  }, 30_000);

  it('a sandbox that dies on its own (as under the OOM killer) with one activation in flight: that one gets the memory message', async () => {
    const ns = `lonely-${randomBytes(3).toString('hex')}`;
    const slow = makeAction('async function main() { await new Promise((r) => setTimeout(r, 5000)); return {}; }', { limits: { timeout: 10_000 } });
    await run(HELLO, ns); // the sandbox is up and idle
    const pid = runner.pids()[runner.placement(ns)]!;
    const pending = run(slow, ns);
    await new Promise((r) => setTimeout(r, 500));
    process.kill(pid, 'SIGKILL');
    const o = await pending;
    expect(o.response.status).toBe('action developer error');
    expect(o.response.result.error).toBe('The action exhausted its memory and was aborted.');
    const after = await run(HELLO, `${ns}-next`);
    expect(after.response.result).toEqual({ hello: 'world' });
  }, 30_000);
});

describe("logs of a killed sandbox's activations", () => {
  it('reach their records: the lines the overrunning activation and a co-tenant wrote before the kill; a normal run gets each line once', async () => {
    const { hostile } = tenants('logs');
    let innocent = '';
    for (let i = 0; !innocent; i++) if (runner.placement(`logs-innocent-${i}`) === runner.placement(hostile)) innocent = `logs-innocent-${i}`;
    const normal = await run(makeAction('async function main() { console.log("a"); await new Promise((r) => setTimeout(r, 20)); console.log("b"); console.error("c"); return {}; }'), innocent);
    expect(normal.logs.map((l) => l.replace(/^\S+ /, ''))).toEqual(['stdout: a', 'stdout: b', 'stderr: c']);
    const slow = makeAction('async function main() { console.log("innocent before"); await new Promise((r) => setTimeout(r, 4000)); return {}; }', { limits: { timeout: 10_000 } });
    const innocentRun = run(slow, innocent);
    await new Promise((r) => setTimeout(r, 800));
    const bad = await run(makeAction('function main() { console.log("line 1"); console.error("line 2"); const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { limits: { timeout: 500 } }), hostile);
    expect(bad.response.result.error).toBe('The action exceeded its time limits of 500 milliseconds.');
    expect(bad.logs.map((l) => l.replace(/^\S+ /, ''))).toEqual(['stdout: line 1', 'stderr: line 2']);
    const i = await innocentRun;
    expect(i.response.status).toBe('whisk internal error');
    expect(i.logs.map((l) => l.replace(/^\S+ /, ''))).toEqual(['stdout: innocent before']);
  }, 30_000);
});

describe('blast radius (cordons by namespace)', () => {
  it('a killed sandbox costs exactly the other tenants with activations in flight on it, none elsewhere', async () => {
    const { hostile } = tenants('blast');
    const slow = makeAction('async function main() { await new Promise((r) => setTimeout(r, 3000)); return { ok: true }; }', { limits: { timeout: 10_000 } });
    const others = Array.from({ length: 12 }, (_, i) => `tenant-blast-${i}`);
    const runs = others.map((ns) => run(slow, ns).then((o) => ({ ns, o })));
    await new Promise((r) => setTimeout(r, 300));
    const bad = await run(makeAction('function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { limits: { timeout: 500 } }), hostile);
    expect(bad.response.result.error).toBe('The action exceeded its time limits of 500 milliseconds.');
    const results = await Promise.all(runs);
    const sameSandbox = results.filter((r) => runner.placement(r.ns) === runner.placement(hostile));
    const elsewhere = results.filter((r) => runner.placement(r.ns) !== runner.placement(hostile));
    for (const r of sameSandbox) expect(r.o.response.status).toBe('whisk internal error');
    for (const r of elsewhere) expect(r.o.response.result).toEqual({ ok: true });
    console.log(`blast radius: ${sameSandbox.length} of ${others.length} other tenants with an activation in flight lost it (internal error); ${elsewhere.length} unaffected`);
  }, 30_000);
});

describe('shutting down', () => {
  it('close() ends within its bound even with a wedged sandbox; the wedged activation gets one record; nothing is left behind', async () => {
    const own = new SandboxRunner({ invokerId: 'tsbc', namespaces: cache, count: 1, graceMs: GRACE_MS, prewarm: { count: 0, memoryMb: 128 }, log: (l) => logLines.push(l) });
    await own.start();
    const pid = own.pids()[0]!;
    const inUse = cache.stats().inUse;
    const wedged = own.run({ action: makeAction('function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { limits: { timeout: 60_000 } }), params: {}, activationId: randomBytes(16).toString('hex'), namespace: 'wedged', deadline: Date.now() + 60_000 });
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    await own.close(1000);
    expect(Date.now() - t0).toBeLessThan(1000 + 2000);
    const o = await wedged;
    expect(o.response.status).toBe('whisk internal error');
    expect(o.response.result.error).toBe('The invoker shut down before the activation ended.');
    expect(() => process.kill(pid, 0)).toThrow(); // the process is gone
    expect(cache.stats().inUse).toBeLessThanOrEqual(inUse); // its namespaces went back
    const after = await own.run({ action: HELLO, params: {}, activationId: randomBytes(16).toString('hex'), namespace: 'late', deadline: Date.now() + 5000 });
    expect(after.refused).toBe('closed');
  }, 30_000);
});

describe('a supervisor killed by SIGKILL', () => {
  it('takes its sandbox with it, even one wedged in uninterruptible code', async () => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', fileURLToPath(new URL('./sandbox-supervisor-fixture.ts', import.meta.url)), `tsbk${process.pid}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const pid = Number(await waitFor('the sandbox pid', () => /SANDBOX (\d+)/.exec(out)?.[1], { timeoutMs: 20_000 }));
    await new Promise((r) => child.once('exit', r));
    const alive = (): boolean => { try { process.kill(pid, 0); return /\) ([A-Z])/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] !== 'Z'; } catch { return false; } };
    await waitFor('the sandbox to be gone', () => (alive() ? undefined : true), { timeoutMs: 5000 });
    // Its cgroups outlive it (nobody is left to remove them): what a restarted supervisor reclaims.
    // Until the kernel has let go of the dead task, rmdir answers EBUSY, so retry until none is left.
    const prefix = `photon-tsbk${process.pid}-sb-`;
    const left = (): string[] => ['memory', 'pids', 'cpu'].flatMap((c) => {
      try { return readdirSync(`/sys/fs/cgroup/${c}`).filter((n) => n.startsWith(prefix)); } catch { return []; }
    });
    await waitFor('its cgroups to be removed', () => { removeStaleCgroups(prefix); return left().length === 0 ? true : undefined; }, { timeoutMs: 5000 });
  }, 30_000);
});

describe('the sandbox process itself (its lowest layer, driven directly)', () => {
  it('cannot connect to Redis, Kafka or a controller, cannot enter a namespace, cannot read root-only files', async () => {
    const secret = `/tmp/photon-sandbox-secret-${process.pid}`;
    writeFileSync(secret, 'supervisor secret');
    chmodSync(secret, 0o600);
    const controller = http.createServer((_q, s) => s.end('controller'));
    await new Promise<void>((r) => controller.listen(0, '0.0.0.0', r));
    const port = (controller.address() as net.AddressInfo).port;
    const ns = await cache.acquire();
    try {
      const sb = spawnSandbox({ name: `photon-tsb-probe-${process.pid}`, entry: fileURLToPath(new URL('./sandbox-probe.ts', import.meta.url)), args: [secret, `/run/netns/${ns.name}`, String(port)], memoryMb: 256, pids: 64 });
      expect(sb.missing).toEqual([]);
      const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
        sb.child.once('message', (m) => resolve(m as Record<string, unknown>));
        sb.child.once('exit', (code) => reject(new Error(`probe exited ${code}`)));
      });
      await new Promise((r) => sb.child.once('exit', r));
      await sb.cgroup?.remove();
      expect(report.uid).toBe(65534);
      expect(report.capEff).toBe('0000000000000000');
      expect(report.capBnd).toBe('0000000000000000');
      expect(report.noNewPrivs).toBe('1');
      expect(report.cgroups).toMatch(/memory:\/photon-tsb-probe-/);
      expect(report.cgroups).toMatch(/pids:\/photon-tsb-probe-/);
      // EPERM: seccomp refuses the AF_INET socket before the empty network namespace is reached.
      expect(report.redis).toMatch(/^error: .*(EPERM|ENETUNREACH|ECONNREFUSED)/);
      expect(report.kafka).toMatch(/^error: .*(EPERM|ENETUNREACH|ECONNREFUSED)/);
      expect(report.controller).toMatch(/^error: .*(EPERM|ENETUNREACH|ECONNREFUSED)/);
      expect(report.setns).not.toBe('entered');
      expect(report.secret).toBe('error: EACCES');
      expect(report.shadow).toBe('error: EACCES');
      // seccomp (native/seccomp.ts), installed by spawnSandbox's preload before the entry ran.
      expect(report.seccomp).toBe('2');
      const EPERM = 'errno 1';
      const ENOSYS = 'errno 38';
      expect(report.syscalls).toEqual({
        arch: 'x64',
        socketInet: EPERM, socketInet6: EPERM, socketNetlink: EPERM, socketPacket: EPERM, socketpairInet: EPERM,
        socketUnix: 'ok', // the one family a sandbox uses (its IPC channel)
        ptrace: EPERM, mount: EPERM, umount: EPERM, unshareUser: EPERM, unshareNet: EPERM, setns: EPERM,
        clone3: ENOSYS, bpf: EPERM, keyctl: EPERM, addKey: EPERM, perfEventOpen: EPERM, kexecLoad: EPERM,
        initModule: EPERM, processVmReadv: EPERM, processVmWritev: EPERM, personality: EPERM,
        personalityQuery: 'ok', ioUringSetup: ENOSYS, schedGetaffinity: ENOSYS, pthreadGetattr: 'ok',
      });
    } finally {
      cache.release(ns);
      rmSync(secret, { force: true });
      controller.close();
    }
  }, 30_000);
});
