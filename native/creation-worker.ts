// The body of the namespace-creation thread (see namespace-creator.ts). unshare(CLONE_NEWNET) and
// setns(2) move only the calling thread, so creating namespaces here leaves the event loop's
// thread where it is and free to run activations meanwhile; the fds created here belong to the
// whole process and are used by the main thread from then on.
import { parentPort } from 'node:worker_threads';
import type { CreateOptions, KernelNamespace } from './namespace-kernel.js';
import { NamespaceKernel } from './namespace-kernel.js';

export type WorkerRequest =
  | { kind: 'create'; seq: number; tag: string; id: number; options: CreateOptions }
  /** Raw fds are not closed when a worker is terminated: the worker closes its own first. */
  | { kind: 'close' };
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'boot-error'; error: string }
  | { kind: 'created'; seq: number; ns: KernelNamespace }
  | { kind: 'failed'; seq: number; error: string; code?: string }
  | { kind: 'closed' };

export function runCreationWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('creation-worker must run in a worker thread');
  const kernel = new NamespaceKernel();
  port.on('message', (req: WorkerRequest) => {
    if (req.kind === 'close') {
      kernel.close();
      port.postMessage({ kind: 'closed' } satisfies WorkerMessage);
      return;
    }
    let reply: WorkerMessage;
    try {
      reply = { kind: 'created', seq: req.seq, ns: kernel.create(req.tag, req.id, req.options) };
    } catch (err) {
      const e = err as Error & { code?: unknown };
      reply = { kind: 'failed', seq: req.seq, error: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
}
