// An in-process photon for controller tests: InProcessBus + memory stores + the real controller
// on 127.0.0.1:0, with fake invokers above the bus and a small fetch-based API client.
import type { AlarmScheduler } from '../../../controller/alarms/alarm-scheduler.js';
import { startController, type ControllerOptions, type RunningController } from '../../../controller/controller.js';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import type { MessageBus } from '../../../shared/bus/message-bus.js';
import { topics as makeTopics, type Topics } from '../../../shared/bus/topics.js';
import { GUEST_KEY, GUEST_UUID } from '../../../shared/store/guest.js';
import { createMemoryStores } from '../../../shared/store/memory-stores.js';
import type { Stores } from '../../../shared/store/stores.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { FakeInvoker } from './fake-invoker.js';

export const GUEST_AUTH = `${GUEST_UUID}:${GUEST_KEY}`;

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  body: any;
  /** The body's text as it came. */
  text: string;
}

export interface Fixture {
  controller: RunningController;
  bus: MessageBus;
  stores: Stores;
  topics: Topics;
  invokers: FakeInvoker[];
  addInvoker(id: string, userMemory?: number): Promise<FakeInvoker>;
  api(method: string, path: string, options?: { body?: unknown; auth?: string | null }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** What the fixture runs on; default InProcessBus + memory stores. The fixture closes bus and stores. */
export interface Backend {
  bus: MessageBus;
  stores: Stores;
  topics: Topics;
  /** How long to wait for the controller to see the invokers' heartbeats. */
  readyTimeoutMs?: number;
}

export async function startFixture(options: ControllerOptions & { invokers?: number; backend?: Backend; alarms?: AlarmScheduler } = {}): Promise<Fixture> {
  const { invokers: count = 1, backend, alarms, ...controllerOptions } = options;
  const { bus, stores, topics, readyTimeoutMs = 5_000 } = backend ?? { bus: new InProcessBus(), stores: createMemoryStores(), topics: makeTopics(uniquePrefix('ctl')) };
  const controller = await startController({ bus, stores, topics, ...(alarms ? { alarms } : {}) }, { port: 0, controllerId: 'controller0', ...controllerOptions });
  const invokers: FakeInvoker[] = [];
  const addInvoker = async (id: string, userMemory?: number): Promise<FakeInvoker> => {
    const inv = new FakeInvoker({ id, bus, stores, topics, ...(userMemory ? { userMemory } : {}) });
    await inv.start();
    invokers.push(inv);
    return inv;
  };
  for (let i = 0; i < count; i++) await addInvoker(`invoker${i}`);
  // Heartbeats go through the bus: wait until the controller has seen them all.
  const deadline = Date.now() + readyTimeoutMs;
  while (controller.balancer.usableInvokers() < count) {
    if (Date.now() > deadline) throw new Error(`controller saw ${controller.balancer.usableInvokers()} of ${count} invokers`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    controller, bus, stores, topics, invokers, addInvoker,
    async api(method, path, { body, auth = GUEST_AUTH } = {}) {
      const headers: Record<string, string> = {};
      if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${controller.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
    },
    async close() {
      for (const inv of invokers) await inv.stop();
      await controller.close();
      await bus.close();
      await stores.close();
    },
  };
}

export const HELLO = { exec: { kind: 'nodejs:20', code: 'function main(params) { return params; }' } };

/** The HTTP status an `openwhisk` client call failed with, or undefined when it succeeded. */
export async function statusOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode;
  }
}
