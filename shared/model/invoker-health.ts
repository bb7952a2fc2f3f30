// An invoker's heartbeat, published every second (OpenWhisk's PingMessage carries userMemory
// the same way): controllers place only on invokers whose last heartbeat is fresh.

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
