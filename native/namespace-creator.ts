// Creates namespaces on a worker thread so that the cache's background top-up and its slow path
// never block the event loop for the ~2 ms a creation takes. The worker is started from a small
// CommonJS bootstrap (eval) because a worker does not inherit the main thread's TypeScript
// loader: when this file runs as .ts, the bootstrap registers tsx in the worker first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerRequest } from './creation-worker.js';
import type { CreateOptions, KernelNamespace } from './namespace-kernel.js';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  (await import(workerData.target)).runCreationWorker();
})().catch((err) => {
  require('node:worker_threads').parentPort.postMessage({ kind: 'boot-error', error: String((err && err.stack) || err) });
});
`;

interface Pending {
  resolve(ns: KernelNamespace): void;
  reject(err: Error): void;
}

export class NamespaceCreator {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private failure: Error | undefined;
  private onClosed: (() => void) | undefined;
  readonly ready: Promise<void>;

  constructor() {
    const ownUrl = import.meta.url;
    const typescript = ownUrl.endsWith('.ts');
    const target = new URL(`./creation-worker.${typescript ? 'ts' : 'js'}`, ownUrl).href;
    const tsx = typescript ? tsxEsmApi(ownUrl) : undefined;
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { target, tsx } });
    // The worker must never keep the process alive: close() or exit ends it.
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (msg: WorkerMessage) => {
        if (msg.kind === 'ready') return resolve();
        if (msg.kind === 'closed') return this.onClosed?.();
        if (msg.kind === 'boot-error') return reject(this.fail(new Error(`namespace creation worker failed to start: ${msg.error}`)));
        const p = this.pending.get(msg.seq);
        if (!p) return;
        this.pending.delete(msg.seq);
        if (msg.kind === 'created') p.resolve(msg.ns);
        else p.reject(Object.assign(new Error(msg.error), msg.code ? { code: msg.code } : {}));
      });
      this.worker.on('error', (err) => reject(this.fail(err)));
      this.worker.on('exit', (code) => reject(this.fail(new Error(`namespace creation worker exited (${code})`))));
    });
    this.ready.catch(() => undefined);
  }

  /** Whether the worker has died; the cache then creates on its own thread. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  create(tag: string, id: number, options: CreateOptions): Promise<KernelNamespace> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    const request: WorkerRequest = { kind: 'create', seq, tag, id, options };
    return new Promise<KernelNamespace>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  /** Lets the worker close its own fds (netlink socket, namespace fd), then ends it. */
  async close(): Promise<void> {
    const running = !this.failure;
    this.fail(new Error('namespace creator closed'));
    if (running) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.onClosed = () => (clearTimeout(timer), resolve());
        this.worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
      });
    }
    await this.worker.terminate();
  }

  /** For exit paths that cannot wait: the process is going away and its fds with it. */
  terminate(): void {
    this.fail(new Error('namespace creator closed'));
    void this.worker.terminate();
  }

  private fail(err: Error): Error {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    return this.failure;
  }
}

/**
 * The ESM entry of tsx's register API. require.resolve would give the CommonJS build, which
 * cannot be imported from an ESM context here, so the path comes from tsx's own exports map.
 */
function tsxEsmApi(from: string): string {
  const packageJson = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const entry = pkg.exports?.['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(join(dirname(packageJson), entry)).href;
}
