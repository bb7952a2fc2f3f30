// The host half of a built-in module: what a module's `require('photon:host')` calls reach.
import type { NetworkNamespace } from '../../native/index.js';
import type { NamespaceNetwork } from '../host-apis/namespace-network.js';

/**
 * One context's view of the host, for one module. Contract: `signal` aborts when the context has
 * no activation in flight any more (HostApis.endScope) or the isolate goes away: everything the
 * handler opened for this context must be closed then; `emit` after that is dropped; `state` is
 * this module's private object for this context, forgotten with the scope.
 */
export interface HostBuiltinScope {
  readonly contextId: number;
  readonly signal: AbortSignal;
  /** Pushes an event to the module's `host.on(fn)` listeners in this context: fn(event, data). Data is copied. */
  emit(event: string, data: unknown): void;
  /** The isolate's network namespace: sockets must be opened in it, through `network`. */
  readonly namespace: NetworkNamespace;
  readonly network: NamespaceNetwork;
  readonly state: Record<string, unknown>;
  /** The isolate's heap: V8's used/total/external bytes and the action's limit (memoryLimit). */
  memory(): Promise<{ limit: number; used: number; total: number; external: number }>;
}

/**
 * A built-in's host side. Contract: call() answers both the guest's synchronous `host.call(op, …)`
 * (the isolate waits, the event loop does not: do heavy work asynchronously, on the thread pool
 * or a worker) and its asynchronous `host.request(op, …)`. It returns a value or a promise of one,
 * plain data only (strings, numbers, arrays, objects, ArrayBuffers, typed arrays), which is copied
 * into the isolate. To fail, throw or reject: the guest gets an Error with the same name (Error,
 * TypeError, RangeError, SyntaxError), message and `code`, never the host's object or stack.
 * Arguments arrive copied from the guest and are hostile input: check their types.
 */
export interface HostBuiltin {
  call(op: string, args: unknown[], scope: HostBuiltinScope): unknown;
}
