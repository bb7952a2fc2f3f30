// An invoker's heartbeat, published every second (OpenWhisk's PingMessage carries userMemory
// the same way): controllers place only on invokers whose last heartbeat is fresh.

import { fail, parseVersioned, wrongField, type Decoded } from './message-codec.js';

export const HEARTBEAT_VERSION = 1;

export interface InvokerHeartbeat {
  v: typeof HEARTBEAT_VERSION;
  invoker: string;
  /** User memory budget in MB (OpenWhisk's userMemory). */
  userMemory: number;
  /** MB currently held by isolates that are running or reserved. */
  busyMemory: number;
  /** Free namespaces in the invoker's cache, for operators. */
  freeNamespaces: number;
  /** epoch ms */
  at: number;
  /** false while draining: controllers stop placing on it. */
  accepting: boolean;
}

/** The one encoder, used by the invoker. */
export function encodeHeartbeat(m: InvokerHeartbeat): Buffer {
  return Buffer.from(JSON.stringify(m));
}

/** The one validating decoder, used by the controller. */
export function decodeHeartbeat(value: Buffer): Decoded<InvokerHeartbeat> {
  const p = parseVersioned(value, HEARTBEAT_VERSION, 'heartbeat');
  if (!p.ok) return p;
  const m = p.value;
  const bad = wrongField(m, 'string', ['invoker']) ?? wrongField(m, 'number', ['userMemory', 'busyMemory', 'freeNamespaces', 'at']) ?? wrongField(m, 'boolean', ['accepting']);
  if (bad) return fail(`heartbeat: '${bad}' is missing or of the wrong type`);
  return { ok: true, value: m as unknown as InvokerHeartbeat };
}
