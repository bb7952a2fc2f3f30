// photon in one process for archive-action tests: the real controller and a real invoker (real
// isolates, network isolation off: these tests are about code, not sockets) on the in-process bus
// and memory stores, driven through the REST API.
import { startController, type RunningController } from '../../../controller/controller.js';
import type { ControllerConfig } from '../../../controller/config.js';
import { startInvoker, type InvokerOptions, type RunningInvoker } from '../../../invoker/start-invoker.js';
import type { ActionPackages } from '../../../invoker/code/action-packages.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';

export interface ZipPhoton {
  controller: RunningController;
  invoker: RunningInvoker;
  /** The inline pool's unpacked archives (compile counts): these tests run isolates in-process. */
  packages: ActionPackages;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  put(name: string, exec: Record<string, unknown>, extra?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Blocking invoke: the whole activation record. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  invoke(name: string, params?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

export async function startZipPhoton(config: Partial<ControllerConfig> = {}, invokerOptions: Partial<InvokerOptions> = {}): Promise<ZipPhoton> {
  const bus = new InProcessBus();
  const stores = createMemoryStores();
  const topics = makeTopics(uniquePrefix('zip'));
  const invoker = await startInvoker({ invokerId: 'zip0', bus, stores, topics, isolation: 'off', namespaceFloor: 2, heartbeatMs: 200, ...invokerOptions });
  const controller = await startController({ bus, stores, topics }, { port: 0, controllerId: 'zipctl', ...config });
  const deadline = Date.now() + 10_000;
  while (controller.balancer.usableInvokers() < 1) {
    if (Date.now() > deadline) throw new Error('the invoker never became usable');
    await new Promise((r) => setTimeout(r, 10));
  }
  const auth = `Basic ${Buffer.from(`${GUEST_UUID}:${GUEST_KEY}`).toString('base64')}`;
  const api: ZipPhoton['api'] = async (method, path, body) => {
    const res = await fetch(`${controller.url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  if (!invoker.pool) throw new Error('the zip tests run isolates inline, not in sandbox processes');
  const packages = invoker.pool.packages;
  return {
    controller,
    invoker,
    packages,
    api,
    put: (name, exec, extra = {}) => api('PUT', `/api/v1/namespaces/_/actions/${name}?overwrite=true`, { exec: { kind: 'nodejs:20', ...exec }, ...extra }),
    async invoke(name, params = {}) {
      const r = await api('POST', `/api/v1/namespaces/_/actions/${name}?blocking=true`, params);
      return r.body;
    },
    async close() {
      await controller.close();
      await invoker.close();
      await bus.close();
      await stores.close();
    },
  };
}
