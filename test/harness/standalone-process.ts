// `npm start` as a user runs it: deploy/standalone.ts as a real process, ready once its banner
// names the API host. Tests read everything it printed, and stop it with SIGTERM expecting a clean
// exit (status 0).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GUEST_KEY, GUEST_UUID } from '../../shared/store/guest.js';
import { waitFor } from './wait-for.js';

const root = resolve(import.meta.dirname, '../..');

export interface StandaloneProcess {
  /** The API host from the banner, e.g. http://127.0.0.1:41233. */
  api: string;
  /** The guest's Authorization and JSON content-type headers. */
  headers: Record<string, string>;
  /** The process id (benchmarks read its CPU time from /proc). */
  pid: number;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, then the exit status (null when it was already gone). */
  stop(): Promise<number | null>;
}

/**
 * Starts standalone photon with `env` over this process's environment; `pollMs` is how often the
 * banner is looked for; `dir` is the checkout to run (bench:peers runs an older copy beside this one).
 */
export async function startStandalone(env: Record<string, string>, pollMs = 50, dir = root): Promise<StandaloneProcess> {
  // PHOTON_NODE_ARGS: flags Node refuses in NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const extra = (env.PHOTON_NODE_ARGS ?? process.env.PHOTON_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--no-node-snapshot', '--import', 'tsx', 'deploy/standalone.ts'], {
    cwd: dir,
    env: { ...process.env, PHOTON_CONTROLLER_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    return exited;
  };
  try {
    const api = await waitFor('the banner', () => {
      if (child.exitCode !== null) throw new Error(out);
      return /API host:\s+(http:\/\/\S+)/.exec(out)?.[1];
    }, { timeoutMs: 60_000, intervalMs: pollMs });
    const headers = { authorization: `Basic ${Buffer.from(`${GUEST_UUID}:${GUEST_KEY}`).toString('base64')}`, 'content-type': 'application/json' };
    return { api, pid: child.pid!, headers, output: () => out, stop };
  } catch (err) {
    await stop();
    // What it printed says why it never got ready (a timeout's own message does not).
    if (err instanceof Error && !err.message.includes(out)) err.message += `\n--- the standalone printed:\n${out.slice(-4000)}`;
    throw err;
  }
}
