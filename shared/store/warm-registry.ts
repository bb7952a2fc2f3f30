// The warm-isolate registry: which invoker holds warm isolates of which action. Invokers write it
// as their pools change (pool events, coalesced) and replace it with every heartbeat; controllers read it to place an
// activation where an idle warm isolate of its action already is.

export interface WarmCounts {
  /** Revision the isolates were built from: a warm isolate of an older revision is no match. */
  revision: string;
  warm: number;
  idle: number;
  busy: number;
}

// Contract:
// - An invoker's entries live as long as its last write or refresh() plus ttlMs; an invoker that
//   stops heartbeating vanishes from every read once that passes, without anyone deleting it.
// - replace() sets an invoker's whole snapshot (actions absent from it are gone); set() changes
//   one action's counts and removes it when warm is 0. Both extend the invoker's expiry.
// - forAction() answers, per live invoker, the counts for one action; forInvoker() one invoker's.
// - Keys are warmKey(invoking namespace, owner namespace, name): the identity the invoker's pool
//   shares a warm isolate by (warm state never crosses invoking namespaces), minus the revision,
//   which is in the counts.
export interface WarmRegistry {
  replace(invoker: string, snapshot: Record<string, WarmCounts>, ttlMs: number): Promise<void>;
  set(invoker: string, actionKey: string, counts: WarmCounts, ttlMs: number): Promise<void>;
  refresh(invoker: string, ttlMs: number): Promise<void>;
  remove(invoker: string): Promise<void>;
  forAction(actionKey: string): Promise<Record<string, WarmCounts>>;
  forInvoker(invoker: string): Promise<Record<string, WarmCounts>>;
}

export function actionKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The registry's key: who invokes which action. The pool's isolate key is this plus `@revision`. */
export function warmKey(invokingNamespace: string, owner: string, name: string): string {
  return `${invokingNamespace}|${owner}/${name}`;
}
