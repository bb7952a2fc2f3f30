// Start-up errors an operator meets in the first hour, against real entry-point processes: each
// must end the process within seconds with ONE line that names the variable (or command) that
// fixes it, no stack trace and no library log spam, and leave no namespace, veth or nft table.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { invokerTag, nftTableName } from '../../../native/naming.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';
import { hostVethsOf, namespacesOf } from '../native/helpers.js';

const root = resolve(import.meta.dirname, '../../..');
// An address block no other test uses (test/README.md lists the others).
const ID_BASE = 59392;

interface Run {
  code: number | null;
  lines: string[];
  ms: number;
}

function runEntry(entry: string, env: Record<string, string>, prefix: string[] = [], stopWhen?: (out: string) => boolean): { done: Promise<Run>; output: () => string; kill: () => void } {
  const t0 = Date.now();
  const args = [...prefix, process.execPath, '--no-node-snapshot', '--import', 'tsx', entry];
  const child = spawn(args[0]!, args.slice(1), {
    cwd: root,
    env: { ...process.env, PHOTON_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const take = (d: Buffer): void => {
    out += d.toString();
    if (stopWhen?.(out)) stopWhen = undefined;
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const done = new Promise<Run>((r) => child.on('exit', (code) => r({ code, lines: out.split('\n').filter((l) => l.trim() !== ''), ms: Date.now() - t0 })));
  return { done, output: () => out, kill: () => child.kill('SIGTERM') };
}

/** The one-line contract: exit 1 quickly, exactly one line, naming `mustName`, no stack. */
function expectOneLine(run: Run, ...mustName: string[]): void {
  expect(run.code, run.lines.join('\n')).toBe(1);
  expect(run.lines, 'exactly one line of output').toHaveLength(1);
  for (const name of mustName) expect(run.lines[0]).toContain(name);
  expect(run.lines[0]).not.toMatch(/\bat .*\.ts:\d+/);
  // The bound: within a few seconds (generous for a loaded machine: the process start is ~1 s).
  expect(run.ms).toBeLessThan(15_000);
}

function leftovers(invokerId: string): { namespaces: string[]; veths: string[]; table: boolean } {
  const tag = invokerTag(invokerId);
  const tables = execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' });
  return { namespaces: namespacesOf(tag), veths: hostVethsOf(tag), table: tables.includes(nftTableName(tag)) };
}

const prefix = uniquePrefix('startup');
const base = { PHOTON_REDIS_PREFIX: `${prefix}:`, PHOTON_TOPIC_PREFIX: `${prefix}.`, PHOTON_NETNS_ID_COUNT: '64', PHOTON_NETNS_FLOOR: '2', PHOTON_NETNS_CEILING: '8' };
const invokerEnv = (id: string, extra: Record<string, string> = {}): Record<string, string> => ({ ...base, PHOTON_INVOKER_ID: id, PHOTON_NETNS_ID_BASE: String(ID_BASE), PHOTON_NETWORK_ISOLATION: 'on', ...extra });

let busy: Server | undefined;
afterAll(() => busy?.close());

describe('start-up errors: one line that says what to do', () => {
  it('controller, Kafka unreachable: names the broker, PHOTON_KAFKA_BROKERS and kafka.sh up', async () => {
    const run = await runEntry('deploy/controller-main.ts', { ...base, PHOTON_CONTROLLER_PORT: '0', PHOTON_KAFKA_BROKERS: '127.0.0.1:1' }).done;
    expectOneLine(run, '127.0.0.1:1', 'PHOTON_KAFKA_BROKERS', 'deploy/local/kafka.sh up');
    expect(run.lines[0]).not.toContain('{"level"');
  });

  it('controller, Redis unreachable: names the URL, PHOTON_REDIS_URL and redis.sh up', async () => {
    const run = await runEntry('deploy/controller-main.ts', { ...base, PHOTON_CONTROLLER_PORT: '0', PHOTON_REDIS_URL: 'redis://127.0.0.1:1' }).done;
    expectOneLine(run, 'redis://127.0.0.1:1', 'PHOTON_REDIS_URL', 'deploy/local/redis.sh up');
  });

  it('controller, port in use: names the port and PHOTON_CONTROLLER_PORT', async () => {
    busy = createServer();
    await new Promise<void>((r) => busy!.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const run = await runEntry('deploy/controller-main.ts', { ...base, PHOTON_CONTROLLER_PORT: String(port) }).done;
    expectOneLine(run, String(port), 'PHOTON_CONTROLLER_PORT');
  });

  it('standalone, port in use: names PHOTON_CONTROLLER_PORT and creates no namespace', async () => {
    const port = (busy!.address() as { port: number }).port;
    const id = 'su-standalone';
    const run = await runEntry('deploy/standalone.ts', { ...invokerEnv(id), PHOTON_CONTROLLER_PORT: String(port) }).done;
    expectOneLine(run, 'PHOTON_CONTROLLER_PORT');
    expect(leftovers(id)).toEqual({ namespaces: [], veths: [], table: false });
  });

  it('invoker, Kafka unreachable: names PHOTON_KAFKA_BROKERS and creates no namespace', async () => {
    const id = 'su-nokafka';
    const run = await runEntry('deploy/invoker-main.ts', invokerEnv(id, { PHOTON_KAFKA_BROKERS: '127.0.0.1:1' })).done;
    expectOneLine(run, 'PHOTON_KAFKA_BROKERS', 'deploy/local/kafka.sh up');
    expect(leftovers(id)).toEqual({ namespaces: [], veths: [], table: false });
  });

  it('invoker, missing privileges: names PHOTON_NETWORK_ISOLATION and creates nothing', async () => {
    const id = 'su-nocaps';
    // Root without any capability (bounding and inheritable sets emptied before exec).
    const run = await runEntry('deploy/invoker-main.ts', invokerEnv(id), ['setpriv', '--bounding-set=-all', '--inh-caps=-all']).done;
    expectOneLine(run, 'CAP_SYS_ADMIN', 'PHOTON_NETWORK_ISOLATION=off');
    expect(leftovers(id)).toEqual({ namespaces: [], veths: [], table: false });
  });

  it("invoker, id already running: names PHOTON_INVOKER_ID and leaves the running one's namespaces alone", async () => {
    const id = 'su-dup';
    const first = runEntry('deploy/invoker-main.ts', invokerEnv(id));
    try {
      await waitFor('the first invoker to serve', () => {
        if (first.output().includes('did not start')) throw new Error(first.output());
        return first.output().includes(' serving ');
      }, { timeoutMs: 60_000 });
      const before = leftovers(id);
      expect(before.namespaces.length).toBeGreaterThan(0);
      const second = await runEntry('deploy/invoker-main.ts', invokerEnv(id)).done;
      expectOneLine(second, id, 'PHOTON_INVOKER_ID');
      expect(leftovers(id)).toEqual(before);
    } finally {
      first.kill();
      await first.done;
    }
    expect(leftovers(id)).toEqual({ namespaces: [], veths: [], table: false });
  });

  it('invoker that fails after creating namespaces (a port that is not Kafka) removes them all', async () => {
    const id = 'su-notkafka';
    // Accepts TCP (so the preflight passes) and closes every connection: kafkajs gives up later,
    // after the namespace cache has been filled.
    const fake = createServer((s) => s.destroy());
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    let sawNamespaces = false;
    const run = runEntry('deploy/invoker-main.ts', invokerEnv(id, { PHOTON_KAFKA_BROKERS: `127.0.0.1:${(fake.address() as { port: number }).port}` }));
    const probe = setInterval(() => { if (leftovers(id).namespaces.length > 0) sawNamespaces = true; }, 100);
    try {
      const done = await run.done;
      expect(done.code, done.lines.join('\n')).toBe(1);
      expect(done.lines.at(-1)).toContain('PHOTON_KAFKA_BROKERS');
      expect(done.lines.join('\n')).not.toMatch(/\bat .*\.ts:\d+/);
    } finally {
      clearInterval(probe);
      fake.close();
    }
    expect(sawNamespaces, 'the start got as far as creating namespaces (else this proves nothing)').toBe(true);
    expect(leftovers(id)).toEqual({ namespaces: [], veths: [], table: false });
  }, 240_000);
});
