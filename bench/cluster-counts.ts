// What one activation costs a cluster in Redis commands and Kafka requests, counted honestly:
// Redis on a private redis-server started for the bench (the shared one serves other clusters),
// every command its MONITOR reports; Kafka from the photon processes' own count of the requests
// their clients send (photon.kafka.requests, from either Kafka client), read from each process's
// Prometheus endpoint. Deltas over a window divided by the activations in it: background traffic
// (heartbeats, idle fetches, registry refreshes) is included and amortised, as it is in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ProcessCluster } from '../test/harness/process-cluster.js';

export interface Counts {
  /** Commands clients sent, by name (EVALSHA counts once). */
  redis: Map<string, number>;
  /** Commands run inside Lua scripts, by name: work on the server, not round trips. */
  redisInScripts: Map<string, number>;
  /** Kafka requests by API name (Produce, Fetch, OffsetCommit, Heartbeat...). */
  kafka: Map<string, number>;
}

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});

const add = (m: Map<string, number>, k: string, n = 1): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};

export class ClusterCounts {
  readonly url: string;
  readonly #server: ChildProcess;
  readonly #monitor: Socket;
  readonly #redis = new Map<string, number>();
  readonly #inScripts = new Map<string, number>();

  private constructor(url: string, server: ChildProcess, monitor: Socket) {
    this.url = url;
    this.#server = server;
    this.#monitor = monitor;
    let rest = '';
    monitor.on('data', (d: Buffer) => {
      const lines = (rest + d.toString('latin1')).split('\r\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        // +1732860000.123456 [0 127.0.0.1:50312] "EVALSHA" "…" — or [0 lua] inside a script.
        const m = /^\+\S+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
        if (m) add(m[1] === 'lua' ? this.#inScripts : this.#redis, m[2]!.toUpperCase());
      }
    });
  }

  /** A private redis-server (from PATH) on a free port, no persistence, with a MONITOR connection. */
  static async start(): Promise<ClusterCounts> {
    const port = await freePort();
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const deadline = Date.now() + 10_000;
    while (!out.includes('Ready to accept connections')) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on ${port} did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const monitor = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      monitor.once('error', reject);
      monitor.once('data', (d: Buffer) => (d.toString().startsWith('+OK') ? resolve() : reject(new Error(`MONITOR answered ${d.toString()}`))));
      monitor.write('MONITOR\r\n');
    });
    return new ClusterCounts(`redis://127.0.0.1:${port}`, server, monitor);
  }

  /** Everything counted so far, Kafka summed over the cluster's processes. */
  async snapshot(cluster: ProcessCluster): Promise<Counts> {
    const kafka = new Map<string, number>();
    for (const name of ['controller0', ...cluster.invokers.keys()]) {
      const text = await (await fetch(cluster.metricsUrl(name))).text();
      for (const m of text.matchAll(/^photon_kafka_requests_total\{([^}]*)\} (\S+)/gm)) {
        add(kafka, /api="([^"]+)"/.exec(m[1]!)?.[1] ?? '?', Number(m[2]));
      }
    }
    // MONITOR lines trail the commands by a moment: let the last ones arrive.
    await new Promise((r) => setTimeout(r, 200));
    return { redis: new Map(this.#redis), redisInScripts: new Map(this.#inScripts), kafka };
  }

  async stop(): Promise<void> {
    this.#monitor.destroy();
    this.#server.kill('SIGTERM');
    if (this.#server.exitCode === null) await new Promise((r) => this.#server.once('exit', r));
  }
}

/** after − before, per activation, as "total (NAME a, NAME b, ...)" with the largest first. */
export function perActivation(before: Map<string, number>, after: Map<string, number>, activations: number): { total: number; detail: string } {
  const rows = [...after].map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / activations] as const).filter(([, v]) => v > 0.005).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, v]) => s + v, 0);
  return { total, detail: rows.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ') };
}
