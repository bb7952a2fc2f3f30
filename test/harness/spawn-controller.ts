// A controller process started by a test beside a ProcessCluster: like the cluster's own (same
// env, same Kafka/Redis/prefixes), e.g. to replace a controller the test killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { ProcessCluster } from './process-cluster.js';
import { waitFor } from './wait-for.js';

const root = resolve(import.meta.dirname, '../..');

export interface SpawnedController {
  child: ChildProcess;
  output: string[];
  url: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export async function spawnController(cluster: ProcessCluster, controllerId: string, env: Record<string, string> = {}): Promise<SpawnedController> {
  const output: string[] = [];
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'deploy/controller-main.ts'], {
    cwd: root,
    env: { ...process.env, ...cluster.env, PHOTON_CONTROLLER_ID: controllerId, PHOTON_CONTROLLER_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await waitFor(`${controllerId} to listen`, () => {
    if (child.exitCode !== null) throw new Error(`${controllerId} exited:\n${output.join('')}`);
    return output.find((l) => l.includes(' listening on '));
  }, { timeoutMs: 60_000 });
  return {
    child, output, url: /listening on (http:\/\/\S+)/.exec(line)![1]!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
