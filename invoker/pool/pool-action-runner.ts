// The execution layer as the invoker service sees it (service/action-runner.ts): an ActionRunner
// over an IsolatePool.
import type { WarmCounts } from '../../shared/store/warm-registry.js';
import { actionKey } from '../../shared/store/warm-registry.js';
import type { NamespaceCache } from '../../native/contracts.js';
import type { ActionRunner, RunOutcome, RunRequest, RunnerStats } from '../service/action-runner.js';
import type { IsolatePool } from './isolate-pool.js';

/** Contract: run() resolves for everything a function does and rejects only when the pool cannot serve at all. */
export class PoolActionRunner implements ActionRunner {
  constructor(
    private readonly pool: IsolatePool,
    private readonly namespaces: NamespaceCache,
  ) {}

  async run(request: RunRequest): Promise<RunOutcome> {
    const { action } = request;
    const o = await this.pool.run(action, request.params, {
      activationId: request.activationId,
      namespace: request.namespace,
      actionName: `/${action.namespace}/${action.name}`,
      deadline: request.deadline,
    });
    // An outcome without an isolate is the pool refusing work (closed, limits it cannot honour).
    if (o.isolateId === '' && o.response.status === 'whisk internal error') throw new Error(String(o.response.result.error));
    const out: RunOutcome = { response: o.response, logs: o.logs, runStart: o.runStart, end: o.end, start: o.startKind, isolateId: o.isolateId, annotations: o.annotations };
    if (o.initTime !== undefined) out.initTime = o.initTime;
    if (o.namespaceId !== null) out.namespaceId = o.namespaceId;
    if (o.phases) {
      out.createTime = o.phases.createMs;
      out.namespaceTime = o.phases.namespaceMs;
    }
    return out;
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
