// photon's cluster as real processes for e2e tests: controllers and invokers from deploy/'s entry
// points, over the real Kafka and Redis, isolated from other tests by a topic prefix, a Redis key
// prefix and unique invoker ids. Every process's output is kept for the failure message.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createRedisStores } from '../../shared/store/redis-stores.js';
import type { Stores } from '../../shared/store/stores.js';
import { GUEST_KEY, GUEST_UUID } from '../../shared/store/guest.js';
import { kafkaBrokers, redisUrl } from './services.js';
import { uniquePrefix } from './unique-prefix.js';
import { waitFor } from './wait-for.js';

const root = resolve(import.meta.dirname, '../..');

export interface PhotonProcess {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

export interface ClusterOptions {
  label: string;
  invokers: number;
  controllers?: number;
  /** 'on' needs root; 'off' runs functions in the host namespace. */
  isolation: 'on' | 'off';
  /** First address id of the invokers' namespace blocks (128 ids each). Test files keep to their own ranges: pipeline and tracing 57344-58879, drills 62464-63487, invoker 61440-61631, native 64896-65535, api-callback 59776-59903, bench:pipeline counts 35120-35247. */
  idBase?: number;
  /** Address ids per invoker (default 128). */
  idCount?: number;
  /** The first controller's port (default: any free one); set it when invokers must know it first (PHOTON_API_HOST_FOR_ACTIONS). */
  controllerPort?: number;
  env?: Record<string, string>;
  /**
   * Each process serves its OpenTelemetry metrics in Prometheus format (the SDK's exporter) on its
   * own port: controller c on metricsPortBase + c, invoker i on metricsPortBase + 64 + i (see
   * metricsUrl). Off by default: the SDK costs CPU that a benchmark of the hot path should not pay.
   */
  metricsPortBase?: number;
}

export class ProcessCluster {
  readonly prefix: string;
  readonly apiKey = `${GUEST_UUID}:${GUEST_KEY}`;
  readonly controllers: Array<PhotonProcess & { url: string }> = [];
  readonly invokers = new Map<string, PhotonProcess>();
  stores!: Stores;
  readonly #options: ClusterOptions;
  readonly #all: PhotonProcess[] = [];

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.prefix = uniquePrefix(options.label).replace(/-$/, '');
  }

  get env(): Record<string, string> {
    return {
      PHOTON_KAFKA_BROKERS: kafkaBrokers().join(','),
      PHOTON_REDIS_URL: redisUrl(),
      PHOTON_REDIS_PREFIX: `${this.prefix}:`,
      PHOTON_TOPIC_PREFIX: `${this.prefix}.`,
      PHOTON_NETWORK_ISOLATION: this.#options.isolation,
      PHOTON_HEARTBEAT_STALE_MS: '3000',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...(this.#options.env ?? {}),
    };
  }

  /** Where process `name` (controller0, or an invoker id) serves its metrics, with metricsPortBase. */
  metricsUrl(name: string): string {
    const base = this.#options.metricsPortBase;
    if (base === undefined) throw new Error('the cluster was started without metricsPortBase');
    const port = name.startsWith('controller') ? base + Number(name.slice('controller'.length)) : base + 64 + Number(name.slice(name.lastIndexOf('i') + 1));
    return `http://127.0.0.1:${port}/metrics`;
  }

  invokerId(i: number): string {
    return `${this.prefix.slice(-6)}i${i}`;
  }

  async start(): Promise<void> {
    // The cluster's own Redis (a test may point it at a private one with PHOTON_REDIS_URL).
    this.stores = await createRedisStores({ url: this.env.PHOTON_REDIS_URL!, prefix: `${this.prefix}:` });
    await Promise.all(Array.from({ length: this.#options.invokers }, (_, i) => this.startInvoker(i)));
    for (let c = 0; c < (this.#options.controllers ?? 1); c++) {
      const p = this.#spawn(`controller${c}`, 'deploy/controller-main.ts', {
        PHOTON_CONTROLLER_ID: `${this.prefix}-c${c}`,
        PHOTON_CONTROLLER_PORT: String(c === 0 ? this.#options.controllerPort ?? 0 : 0),
        PHOTON_CONTROLLER_SHARE: String(this.#options.controllers ?? 1),
      });
      const line = await waitFor(`controller${c} to listen`, () => p.output.find((l) => l.includes(' listening on ')), { timeoutMs: 60_000 });
      this.controllers.push({ ...p, url: /listening on (http:\/\/\S+)/.exec(line)![1]! });
    }
    await this.waitForInvokers(this.#options.invokers);
  }

  /** Starts (or restarts) invoker i; resolves once it serves. */
  async startInvoker(i: number): Promise<PhotonProcess> {
    const id = this.invokerId(i);
    const count = this.#options.idCount ?? 128;
    const base = (this.#options.idBase ?? 57344) + i * count;
    const p = this.#spawn(id, 'deploy/invoker-main.ts', {
      PHOTON_INVOKER_ID: id,
      PHOTON_NETNS_ID_BASE: String(base),
      PHOTON_NETNS_ID_COUNT: String(count),
      PHOTON_NETNS_FLOOR: '4',
      PHOTON_NETNS_CEILING: '64',
    });
    this.invokers.set(id, p);
    await waitFor(`${id} to serve`, () => {
      if (p.child.exitCode !== null) throw new Error(`${id} exited:\n${p.output.join('')}`);
      return p.output.some((l) => l.includes(' serving '));
    }, { timeoutMs: 90_000 });
    return p;
  }

  /** Waits until the first controller sees `n` usable invokers. */
  async waitForInvokers(n: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(`the controller to see ${n} usable invokers`, async () => {
      const res = await fetch(`${this.controllers[0]!.url}/invokers`);
      const list = (await res.json()) as Array<{ id: string; usable: boolean }>;
      return list.filter((x) => x.usable).length >= n;
    }, { timeoutMs, intervalMs: 200 });
  }

  /** An HTTP call to the API as the guest. */
  async api(method: string, path: string, body?: unknown, controller = 0): Promise<{ status: number; headers: Headers; json: unknown }> {
    const res = await fetch(`${this.controllers[controller]!.url}/api/v1/${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(this.apiKey).toString('base64')}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown = text;
    try { json = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    return { status: res.status, headers: res.headers, json };
  }

  async kill(name: string, signal: NodeJS.Signals): Promise<number | null> {
    const p = this.#all.find((x) => x.name === name && x.child.exitCode === null && x.child.signalCode === null);
    if (!p) throw new Error(`no running process ${name}`);
    p.child.kill(signal);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') return null;
    return p.exited;
  }

  logs(): string {
    return this.#all.map((p) => `--- ${p.name}\n${p.output.join('')}`).join('\n');
  }

  /**
   * Stops every process with SIGTERM (each drains and removes its namespaces). An invoker that a
   * test killed and never restarted is started once more first: its start reclaims the namespaces
   * and veths the dead process left, which would otherwise outlive the test on this machine.
   */
  async stop(): Promise<void> {
    for (const [id, p] of this.invokers) {
      if (p.child.signalCode === 'SIGKILL') {
        await this.startInvoker(Number(id.slice(id.lastIndexOf('i') + 1))).catch((err: unknown) => {
          console.error(`could not restart ${id} to reclaim its namespaces: ${String(err)}`);
        });
      }
    }
    const running = this.#all.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of running) {
      p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
    }
    await Promise.all(running.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 20_000))])));
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await this.stores?.close();
  }

  #spawn(name: string, entry: string, env: Record<string, string>): PhotonProcess {
    // PHOTON_NODE_ARGS: flags Node refuses in NODE_OPTIONS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
    const extra = (this.env.PHOTON_NODE_ARGS ?? process.env.PHOTON_NODE_ARGS ?? '').split(' ').filter(Boolean);
    if (this.#options.metricsPortBase !== undefined) {
      env = { ...env, OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: new URL(this.metricsUrl(name)).port };
    }
    const child = spawn(process.execPath, ['--no-node-snapshot', ...extra, '--import', 'tsx', entry], {
      cwd: root,
      env: { ...process.env, ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const p: PhotonProcess = { name, child, output, exited };
    this.#all.push(p);
    return p;
  }
}
