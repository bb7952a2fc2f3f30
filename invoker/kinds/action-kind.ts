// What a kind module of the invoker provides (registered in action-kinds.ts): how the action's
// exec becomes what the guest runtime installs, and which runtime runs it.
import type { ActionExec } from '../../shared/model/action.js';

/** What the guest runtime installs: the source and the name of the entry function. */
export interface GuestCode {
  code: string;
  entry: string;
}

/** Contract: load() is pure and cheap (it runs on every cold start); it throws only for an exec the controller would have refused. */
export interface InvokerActionKind {
  /** The canonical kind (shared/model/action-kinds.ts) this module runs. */
  kind: string;
  /** The runtime that runs it: today every kind runs in a V8 isolate of the pool. */
  runtime: 'isolate';
  load(exec: ActionExec): GuestCode;
}
