// A Redis of a test's own on another port, with persistence on (append-only file, as in
// deploy/docker-compose.yml), for drills that stop and restart Redis without disturbing the shared
// one other tests use. restart() is an operator's restart: SHUTDOWN (the AOF is flushed), a
// chosen outage, then the same data directory again.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

export interface PrivateRedis {
  url: string;
  /** Stops Redis, keeps it down for `outageMs`, starts it on the same data. */
  restart(outageMs: number): Promise<void>;
  down(): Promise<void>;
}

export async function privateRedis(port: number): Promise<PrivateRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed (Debian package redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'photon-redis-'));
  const cli = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  const answers = async (): Promise<boolean> => (await cli('ping').then((r) => r.stdout.trim(), () => '')) === 'PONG';
  const start = async (): Promise<void> => {
    await run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--appendonly', 'yes', '--appendfsync', 'everysec',
      '--save', '', '--dir', dir, '--pidfile', join(dir, 'redis.pid'), '--logfile', join(dir, 'redis.log')]);
    await waitFor(`the private Redis on :${port}`, answers, { timeoutMs: 15_000, intervalMs: 50 });
  };
  const stop = async (mode: 'save' | 'nosave'): Promise<void> => {
    // SHUTDOWN closes the connection without a reply: redis-cli's error is expected.
    await cli('shutdown', mode).catch(() => undefined);
    await waitFor(`the private Redis on :${port} to stop`, async () => !(await answers()), { timeoutMs: 15_000, intervalMs: 50 });
  };
  if (await answers()) throw new Error(`port ${port} already has a Redis: the drill needs a private one`);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async (outageMs) => {
      await stop('save');
      await new Promise((r) => setTimeout(r, outageMs));
      await start();
    },
    down: async () => {
      await stop('nosave');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
