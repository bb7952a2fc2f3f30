// Where placement puts an action on an idle ring of invokers: the expected home in tests.
import { place } from '../../../controller/placement.js';
import type { Action } from '../../../shared/model/action.js';

export function placementFor(invokers: string[], action: Action, callerNamespace = 'guest'): string {
  const ring = [...invokers].sort().map((id) => ({ id, usable: true, freeMb: 1 << 20, inFlightOfAction: 0, idleWarm: 0 }));
  return place(ring, { namespace: callerNamespace, fqn: `${action.namespace}/${action.name}`, memoryMb: action.limits.memory, concurrency: action.limits.concurrency })!.invoker;
}
