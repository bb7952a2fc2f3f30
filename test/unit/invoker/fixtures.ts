// Actions and a stand-in namespace cache for the invoker's tests. The fake cache is for unit tests
// of pool logic only: it hands out namespace records without creating anything in the kernel, and
// its sockets refuse to open (unit tests never touch the network).
import { randomBytes } from 'node:crypto';
import type { Action, ActionLimits, KeyValue } from '../../../shared/model/action.js';
import { DEFAULT_LIMITS } from '../../../shared/model/action.js';
import type { NamespaceCache, NetworkNamespace } from '../../../native/contracts.js';
import type { ActivationInput } from '../../../invoker/pool/activation-outcome.js';

let revision = 0;

export function makeAction(code: string, options: { name?: string; limits?: Partial<ActionLimits>; main?: string; annotations?: KeyValue[]; parameters?: KeyValue[] } = {}): Action {
  return {
    namespace: 'guest',
    name: options.name ?? `a${++revision}`,
    version: '0.0.1',
    revision: `r${++revision}`,
    exec: { kind: 'nodejs:20', code, ...(options.main !== undefined ? { main: options.main } : {}) },
    parameters: options.parameters ?? [],
    annotations: options.annotations ?? [],
    limits: { ...DEFAULT_LIMITS, timeout: 5_000, memory: 128, ...options.limits },
    publish: false,
    updated: Date.now(),
  };
}

export function activation(action: Action, overrides: Partial<ActivationInput> = {}): ActivationInput {
  return { activationId: randomBytes(16).toString('hex'), namespace: 'guest', actionName: `/guest/${action.name}`, ...overrides };
}

export interface FakeNamespaceCache extends NamespaceCache {
  readonly acquired: number[];
  readonly released: number[];
  readonly outstanding: Set<number>;
}

export function fakeNamespaceCache(): FakeNamespaceCache {
  let next = 1;
  const free: NetworkNamespace[] = [];
  const outstanding = new Set<number>();
  const acquired: number[] = [];
  const released: number[] = [];
  const refuse = (): never => {
    throw new Error('the fake namespace cache opens no sockets');
  };
  return {
    isolation: 'off',
    acquired,
    released,
    outstanding,
    start: () => Promise.resolve(),
    acquire: () => {
      const ns = free.pop() ?? { id: next, name: `fake-${next}`, hostAddress: `10.0.${next}.1`, functionAddress: `10.0.${next++}.2` };
      if (outstanding.has(ns.id)) throw new Error(`namespace ${ns.id} handed out twice`);
      outstanding.add(ns.id);
      acquired.push(ns.id);
      return Promise.resolve(ns);
    },
    release: (ns) => {
      if (!outstanding.delete(ns.id)) throw new Error(`namespace ${ns.id} released twice or never acquired`);
      released.push(ns.id);
      free.push(ns);
    },
    exposeApi: (target) => Promise.resolve(target),
    link: () => Promise.resolve(),
    unlink: () => Promise.resolve(),
    sockets: { tcpSocket: refuse, tcpListen: refuse, udpBind: refuse, within: (_ns, fn) => fn() },
    stats: () => ({ free: free.length, inUse: outstanding.size, created: next - 1, deleted: 0 }),
    close: () => Promise.resolve(),
  };
}
