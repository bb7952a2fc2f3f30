// The invoker's registry of action kinds: kind → code loader and runtime. A new kind is one module
// under invoker/kinds/ plus one line in KINDS below (and the controller's matching registration,
// controller/kinds/action-kinds.ts, which says which kinds a PUT may use and validates them).
import type { Action } from '../../shared/model/action.js';
import type { GuestCode, InvokerActionKind } from './action-kind.js';
import { nodejsKind } from './nodejs-kind.js';

export type { GuestCode, InvokerActionKind };

const KINDS: readonly InvokerActionKind[] = [
  nodejsKind,
];

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k] as const));

/** The registered kind of an action, or undefined (an action stored by a newer controller). */
export function invokerKind(kind: string): InvokerActionKind | undefined {
  return BY_KIND.get(kind);
}

/** What the guest installs for the action; throws for an unregistered kind (the pool refuses those before). */
export function loadCode(action: Action): GuestCode {
  const k = BY_KIND.get(action.exec.kind);
  if (!k) throw new Error(`The action kind '${action.exec.kind}' has no runtime on this invoker.`);
  return k.load(action.exec);
}
