// bench:peers' columns that are not photon, each as a process of its own so that its CPU time
// comes from /proc: Cloudflare's workerd (npm `workerd`, its prebuilt binary, a hello-world worker
// config written at run time), the node + isolated-vm floor (isolate-floor-server.ts) and the
// bare node:http floor (http-floor-server.ts).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { waitFor } from '../test/harness/wait-for.js';
import type { PeerLoad, Target } from './peer-load.js';
import { treeSchedCpuMs } from './process-tree.js';

export type PeerServer = 'workerd' | 'isolate floor' | 'http floor';

export const PEER_LABELS: Record<PeerServer, string> = {
  'workerd': 'workerd',
  'isolate floor': 'node + isolated-vm (floor)',
  'http floor': 'node http (floor)',
};

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => r(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  return gone;
}

function target(label: string, url: URL, child: ChildProcess, name: string): Target {
  const pid = child.pid!;
  return { label, url, headers: {}, cpuMs: () => new Map([[name, treeSchedCpuMs(pid)]]), threadPids: [[name, pid]], stop: () => stopChild(child) };
}

async function workerd(dir: string, load: PeerLoad): Promise<Target> {
  const bin = (await import('workerd')).default;
  execFileSync(bin, ['--version'], { stdio: 'ignore' });
  const port = await freePort();
  writeFileSync(join(dir, 'hello.js'), 'export default { async fetch(req) { const p = await req.json(); return Response.json({ greeting: "Hello, " + (p.name || "world") }); } };\n');
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .hello) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const hello :Workerd.Worker = (
  modules = [ (name = "hello", esModule = embed "hello.js") ],
  compatibilityDate = "2024-09-23",
);
`);
  const child = spawn(bin, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const t = target(PEER_LABELS.workerd, new URL(`http://127.0.0.1:${port}/`), child, 'workerd');
  await waitFor('workerd to answer', async () => {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${err}`);
    return load.post(t).then(() => true, () => undefined);
  }, { timeoutMs: 30_000, intervalMs: 100 });
  return t;
}

async function nodeServer(kind: 'isolate floor' | 'http floor'): Promise<Target> {
  const file = kind === 'isolate floor' ? 'isolate-floor-server.ts' : 'http-floor-server.ts';
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', resolve(import.meta.dirname, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const port = await waitFor(`the ${kind} server`, () => {
    if (child.exitCode !== null) throw new Error(`the ${kind} server exited ${child.exitCode}`);
    return /listening (\d+)/.exec(out)?.[1];
  }, { timeoutMs: 30_000, intervalMs: 50 });
  return target(PEER_LABELS[kind], new URL(`http://127.0.0.1:${port}/`), child, 'node');
}

/** Starts one peer or floor and resolves once it answers; `dir` holds workerd's config. */
export function startPeerServer(kind: PeerServer, dir: string, load: PeerLoad): Promise<Target> {
  return kind === 'workerd' ? workerd(dir, load) : nodeServer(kind);
}
