// The execution layer as the invoker service sees it (service/action-runner.ts): an ActionRunner
// over an IsolatePool.
import type { WarmCounts } from '../../shared/store/warm-registry.js';
import { actionKey } from '../../shared/store/warm-registry.js';
import type { NamespaceCache } from '../../native/contracts.js';
import type { ActionRunner, RunOutcome, RunRequest, RunnerStats } from '../service/action-runner.js';
import type { IsolatePool } from './isolate-pool.js';

/** Contract: ActionRunner's; run() answers the pool's outcome as it is (refusals included). */
export class PoolActionRunner implements ActionRunner {
  constructor(
    private readonly pool: IsolatePool,
    private readonly namespaces: NamespaceCache,
  ) {}

  run(request: RunRequest): Promise<RunOutcome> {
    const { action } = request;
    return this.pool.run(action, request.params, {
      activationId: request.activationId,
      namespace: request.namespace,
      actionName: `/${action.namespace}/${action.name}`,
      deadline: request.deadline,
    });
  }

  stats(): RunnerStats {
    const s = this.pool.stats();
    return { userMemory: s.userMemoryMb, busyMemory: this.pool.busyMemoryMb(), freeNamespaces: this.namespaces.stats().free };
  }

  warmSnapshot(): Record<string, WarmCounts> {
    const out: Record<string, WarmCounts> = {};
    for (const w of this.pool.warmIsolates()) {
      const key = actionKey(w.action.namespace, w.action.name);
      const c = (out[key] ??= { revision: w.action.revision, warm: 0, idle: 0, busy: 0 });
      // Several revisions may be warm at once during an update; the registry keeps the newest seen.
      if (c.revision !== w.action.revision) continue;
      c.warm++;
      if (w.inFlight === 0) c.idle++;
      else c.busy++;
    }
    return out;
  }
}
