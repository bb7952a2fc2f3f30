// The supervisor's handle on one sandbox process: starts it (sandbox-spawn.ts), answers its
// requests for namespaces and sockets from the supervisor's own NamespaceCache, and when it exits
// for any reason gives back every namespace it held and deletes its cgroups.
import type { ChildProcess } from 'node:child_process';
import type dgram from 'node:dgram';
import type net from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NamespaceCache, NetworkNamespace } from '../../native/index.js';
import { connectingSocket, localNamespaceNetwork, whenConnected, type NamespaceNetwork } from '../host-apis/namespace-network.js';
import type { FromSandbox, SandboxConfig, ToSandbox } from './sandbox-protocol.js';
import { SECCOMP_PRELOADS, spawnSandbox, type SpawnedSandbox } from './sandbox-spawn.js';
import { bundleSandboxEntry, ensureBuiltins } from '../builtins/build-builtins.js';
import { ChannelBatcher, eachMessage, type Batched } from './channel-batcher.js';

const SOURCE_ENTRY = fileURLToPath(new URL('./sandbox-main.ts', import.meta.url));
const BUNDLED_ENTRY = fileURLToPath(new URL('./.bundle/sandbox-main.mjs', import.meta.url));
let entry = SOURCE_ENTRY;
/** The entry from source (run with tsx) and the bundled one (after prepareSandboxEntry()). */
export const SANDBOX_ENTRIES = { source: SOURCE_ENTRY, bundled: BUNDLED_ENTRY } as const;
let prepared: Promise<void> | null = null;
/** What tells a sandbox where the supervisor's layer snapshot is (layer-snapshot.ts HANDED_SNAPSHOT_ENV); empty: it builds its own. */
let snapshotEnv: Record<string, string> = {};

/**
 * The built-in layer's startup snapshot, built once here and written beside the bundled entry, so
 * that a sandbox reads it (~1.5 MB, checked against its SHA-256) instead of building its own at
 * every start. Imported here, not at the top: a supervisor without sandboxes loads no isolated-vm.
 */
async function handOverSnapshot(warn: (line: string) => void): Promise<void> {
  try {
    await import('../isolate/isolate-runtime.js'); // the V8 flags, the bundles, and the snapshot built
    const { guestBoot, HANDED_SNAPSHOT_ENV } = await import('../isolate/layer-snapshot.js');
    const handed = guestBoot.handOver(dirname(BUNDLED_ENTRY));
    if (handed !== null) snapshotEnv = { [HANDED_SNAPSHOT_ENV.file]: handed.file, [HANDED_SNAPSHOT_ENV.sha256]: handed.sha256, [HANDED_SNAPSHOT_ENV.v8]: handed.v8 };
  } catch (e) {
    warn(`the layer snapshot is not handed to sandboxes, each builds its own: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Builds the sandbox entry and its seccomp preload as one module each (build-builtins.ts bundleSandboxEntry) once per
 * supervisor process, so sandboxes start without tsx (~1.5 s → see README); on failure sandboxes
 * run from source with tsx and `warn` says why.
 */
export function prepareSandboxEntry(warn: (line: string) => void): Promise<void> {
  // The built-ins' bundles too: a sandbox cannot write them, so stale ones would stop it starting.
  return (prepared ??= ensureBuiltins()
    .then(() => Promise.all([bundleSandboxEntry(SOURCE_ENTRY, BUNDLED_ENTRY), bundleSandboxEntry(SECCOMP_PRELOADS.source, SECCOMP_PRELOADS.bundled)]))
    .then(
    async () => {
      entry = BUNDLED_ENTRY;
      if (process.env.PHOTON_SANDBOX_SNAPSHOT !== 'own') await handOverSnapshot(warn);
    },
    (e: unknown) => warn(`sandbox entry not bundled, sandboxes start from source with tsx: ${e instanceof Error ? e.message : String(e)}`),
  ));
}

export interface SandboxProcessOptions {
  config: SandboxConfig;
  /** cgroup name (unique on the machine). */
  cgroupName: string;
  namespaces: NamespaceCache;
  /** cgroup limits: memory (MB) and tasks (threads count). */
  memoryLimitMb: number;
  pidsLimit: number;
  /** cgroup cpu.shares (default 1024). */
  cpuShares?: number;
  confine?: boolean;
  /** Benchmarks only: start from this entry (SANDBOX_ENTRIES) instead of the prepared one. */
  entry?: string;
  /** Benchmarks only: `{}` makes the sandbox build its own layer snapshot. Default: the supervisor's (handOverSnapshot). */
  layerSnapshotEnv?: Record<string, string>;
  /** Every message that is not a namespace/socket request: ready, done, phase, warm. */
  onMessage(m: FromSandbox): void;
  /** Once, after the process exited and its namespaces went back. `killedBy` is set when the supervisor killed it. */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

/**
 * Contract: every namespace a sandbox acquired is released exactly once, when it releases it or
 * when the process is gone; a socket or server is handed over once and closed on this side (so the
 * sandbox holds the only copy); requests of a dead sandbox are dropped; kill() is SIGKILL.
 */
export class SandboxProcess {
  readonly id: string;
  readonly missing: string[];
  private readonly spawned: SpawnedSandbox;
  private readonly leases = new Map<number, NetworkNamespace>();
  private readonly connects = new Map<number, AbortController>();
  private readonly network: NamespaceNetwork;
  private exited = false;
  readonly exitedPromise: Promise<void>;
  /** Messages without a handle or callback: one write per turn (channel-batcher.ts). */
  private readonly batch = new ChannelBatcher<ToSandbox>((payload) => {
    const child = this.spawned.child;
    if (!this.exited && child.connected) child.send(payload); // no callback: Node then queues no extra tick
  });

  constructor(private readonly o: SandboxProcessOptions) {
    this.id = o.config.id;
    this.network = localNamespaceNetwork(o.namespaces.sockets);
    this.spawned = spawnSandbox({
      name: o.cgroupName,
      entry: o.entry ?? entry,
      args: [JSON.stringify(o.config)],
      memoryMb: o.memoryLimitMb,
      pids: o.pidsLimit,
      ...(o.cpuShares !== undefined ? { cpuShares: o.cpuShares } : {}),
      ...(o.confine !== undefined ? { confine: o.confine } : {}),
      env: o.layerSnapshotEnv ?? snapshotEnv,
    });
    this.missing = this.spawned.missing;
    const child = this.spawned.child;
    child.on('message', (payload: Batched<FromSandbox>) => eachMessage(payload, (m) => this.onMessage(m)));
    child.on('error', () => undefined); // a send to a dead channel: the exit handler settles everything
    this.exitedPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        for (const c of this.connects.values()) c.abort();
        this.connects.clear();
        for (const ns of this.leases.values()) o.namespaces.release(ns);
        this.leases.clear();
        void this.spawned.cgroup?.remove();
        o.onExit(code, signal);
        resolve();
      });
    });
  }

  get child(): ChildProcess {
    return this.spawned.child;
  }

  get alive(): boolean {
    return !this.exited;
  }

  get leasedNamespaces(): number {
    return this.leases.size;
  }

  /** `now`: written at once (with what is pending), not at the turn's end: the caller knows nothing else is coming (channel-batcher.ts). */
  send(m: ToSandbox, handle?: net.Socket | net.Server | dgram.Socket, done?: (err: Error | null) => void, now = false): void {
    const child = this.spawned.child;
    if (this.exited || !child.connected) {
      done?.(new Error('the sandbox is gone'));
      return;
    }
    // A run's send is on every activation's path: batched with the rest of its turn. A handle or a
    // callback goes in a write of its own, after what is pending (the channel keeps the order).
    if (!handle && !done) return this.batch.send(m, now);
    this.batch.flush();
    if (done) child.send(m, handle, {}, (err) => done(err));
    else child.send(m, handle);
  }

  kill(): void {
    if (!this.exited) this.spawned.child.kill('SIGKILL');
  }

  private onMessage(m: FromSandbox): void {
    switch (m.t) {
      case 'acquire':
        this.o.namespaces.acquire().then(
          (ns) => {
            if (this.exited) return this.o.namespaces.release(ns);
            this.leases.set(ns.id, ns);
            this.send({ t: 'ns', req: m.req, ns: { id: ns.id, name: ns.name, hostAddress: ns.hostAddress, functionAddress: ns.functionAddress } });
          },
          (e: unknown) => this.send({ t: 'ns', req: m.req, error: errorText(e) }),
        );
        break;
      case 'release': {
        const ns = this.leases.get(m.nsId);
        if (ns) {
          this.leases.delete(m.nsId);
          this.o.namespaces.release(ns);
        }
        break;
      }
      case 'connect': {
        const ns = this.leases.get(m.nsId);
        if (!ns) return this.send({ t: 'sock', req: m.req, error: 'the namespace is not leased to this sandbox' });
        const abort = new AbortController();
        this.connects.set(m.req, abort);
        let connecting: net.Socket;
        try {
          connecting = connectingSocket(this.o.namespaces.sockets, ns, m.host, m.port);
        } catch (e) {
          this.connects.delete(m.req);
          return this.send({ t: 'sock', req: m.req, error: errorText(e) });
        }
        // Paused: once connected, Node would start reading here, and bytes the peer sends at once
        // (a banner, a whole answer) would be consumed on this side before the handle is passed.
        connecting.pause();
        whenConnected(connecting, abort.signal).then(
          (sock) => {
            this.connects.delete(m.req);
            // Sent without keepOpen: Node closes this side's copy once it is written.
            this.send({ t: 'sock', req: m.req }, sock, (err) => { if (err) sock.destroy(); });
          },
          (e: unknown) => {
            this.connects.delete(m.req);
            if (!abort.signal.aborted) this.send({ t: 'sock', req: m.req, error: errorText(e) });
          },
        );
        break;
      }
      case 'cancel':
        this.connects.get(m.req)?.abort();
        this.connects.delete(m.req);
        break;
      case 'listen': {
        const ns = this.leases.get(m.nsId);
        if (!ns) return this.send({ t: 'server', req: m.req, error: 'the namespace is not leased to this sandbox' });
        this.network.listen(ns, m.host, m.port, m.backlog).then(
          (server) => {
            // Until this side's copy is closed it may accept a connection: forward it to the sandbox,
            // unread (pauseOnConnect is Node's own, read at each accept).
            (server as net.Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
            server.on('connection', (sock: net.Socket) => this.send({ t: 'accept', req: m.req }, sock, (err) => { if (err) sock.destroy(); }));
            this.send({ t: 'server', req: m.req }, server, () => server.close());
          },
          (e: unknown) => this.send({ t: 'server', req: m.req, error: errorText(e) }),
        );
        break;
      }
      case 'udp': {
        const ns = this.leases.get(m.nsId);
        if (!ns) return this.send({ t: 'udp', req: m.req, error: 'the namespace is not leased to this sandbox' });
        this.network.udpBind(ns, m.host, m.port).then(
          // Node keeps the sender's copy of a dgram handle open: close it once the fd is on its way.
          // (A datagram that arrives in between is read on this side and lost, as a full buffer would lose it.)
          (sock) => this.send({ t: 'udp', req: m.req }, sock, () => sock.close()),
          (e: unknown) => this.send({ t: 'udp', req: m.req, error: errorText(e) }),
        );
        break;
      }
      default:
        this.o.onMessage(m);
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
