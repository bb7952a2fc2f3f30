// photon in one process for web action tests: the real controller and a real invoker (real
// isolates) on the in-process bus and memory stores, reached over real HTTP. Requests go out with
// node:http so that the path is sent exactly as written ('..' and '%2F' included: fetch would
// normalise them away). Network isolation is chosen by the caller: off in the unit tier, on (with
// an address-id block) in the e2e tier.
import { request } from 'node:http';
import { startController, type RunningController } from '../../../controller/controller.js';
import { startInvoker, type RunningInvoker } from '../../../invoker/start-invoker.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { topics as makeTopics } from '../../../shared/bus/topics.js';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';

export const GUEST = `${GUEST_UUID}:${GUEST_KEY}`;
export const basic = (key: string): string => `Basic ${Buffer.from(key).toString('base64')}`;

export interface WebAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  json(): any;
}

export interface WebPhoton {
  controller: RunningController;
  invoker: RunningInvoker;
  stores: Stores;
  /** A request as written: method, raw path (with query), headers, body. */
  http(method: string, path: string, options?: { headers?: Record<string, string>; body?: Buffer | string }): Promise<WebAnswer>;
  /** PUT an action of the guest namespace (`name` or `pkg/name`), overwriting. */
  action(name: string, code: string, annotations?: Record<string, unknown>, extra?: Record<string, unknown>): Promise<void>;
  /** An authenticated REST call as guest. */
  api(method: string, path: string, body?: unknown): Promise<WebAnswer>;
  close(): Promise<void>;
}

export interface WebPhotonOptions {
  isolation: 'on' | 'off';
  namespaceIdBase?: number;
  namespaceIdCount?: number;
  blockingWaitMs?: number;
}

export async function startWebPhoton(o: WebPhotonOptions): Promise<WebPhoton> {
  const bus = new InProcessBus();
  const stores = createMemoryStores();
  const topics = makeTopics(uniquePrefix('web'));
  const invoker = await startInvoker({
    invokerId: 'web0', bus, stores, topics, isolation: o.isolation, namespaceFloor: 4, heartbeatMs: 200, resultLimitBytes: 16 * 1024 * 1024,
    ...(o.namespaceIdBase !== undefined ? { namespaceIdBase: o.namespaceIdBase, namespaceIdCount: o.namespaceIdCount ?? 64, namespaceCeiling: o.namespaceIdCount ?? 64 } : {}),
  });
  const controller = await startController({ bus, stores, topics }, { port: 0, controllerId: 'webctl', ...(o.blockingWaitMs ? { blockingWaitMs: o.blockingWaitMs } : {}) });
  const deadline = Date.now() + 10_000;
  while (controller.balancer.usableInvokers() < 1) {
    if (Date.now() > deadline) throw new Error('the invoker never became usable');
    await new Promise((r) => setTimeout(r, 10));
  }
  const http: WebPhoton['http'] = (method, path, options = {}) => new Promise((resolve, reject) => {
    // Options, not a URL string: a URL would be parsed and normalised; `path` is sent as given.
    const req = request({ host: '127.0.0.1', port: controller.port, path, method, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
  const api: WebPhoton['api'] = (method, path, body) => http(method, path, {
    headers: { authorization: basic(GUEST), 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    controller, invoker, stores, http, api,
    async action(name, code, annotations = { 'web-export': true }, extra = {}) {
      const r = await api('PUT', `/api/v1/namespaces/_/actions/${name}?overwrite=true`, {
        exec: { kind: 'nodejs:20', code }, annotations: Object.entries(annotations).map(([key, value]) => ({ key, value })), ...extra,
      });
      if (r.status !== 200) throw new Error(`PUT ${name} answered ${r.status}: ${r.text}`);
    },
    async close() {
      await controller.close();
      await invoker.close();
      await bus.close();
      await stores.close();
    },
  };
}
