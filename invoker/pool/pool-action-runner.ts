// The execution layer as the invoker service sees it (service/action-runner.ts): an ActionRunner
// over an IsolatePool.
import type { WarmCounts } from '../../shared/store/warm-registry.js';
import type { NamespaceCache } from '../../native/index.js';
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
      ...(request.env ? { env: request.env } : {}),
    });
  }

  stats(): RunnerStats {
    const s = this.pool.stats();
    return { userMemory: s.userMemoryMb, busyMemory: this.pool.busyMemoryMb(), freeNamespaces: this.namespaces.stats().free };
  }

  warmSnapshot(): Record<string, WarmCounts> {
    const out: Record<string, WarmCounts> = {};
    for (const w of this.pool.warmIsolates()) {
      const c = (out[w.warmKey] ??= { revision: w.action.revision, warm: 0, idle: 0, busy: 0 });
      // Several revisions may be warm at once during an update; the registry keeps the newest seen.
      if (c.revision !== w.action.revision) continue;
      c.warm++;
      if (w.inFlight === 0) c.idle++;
      else c.busy++;
    }
    return out;
  }

  onWarmChange(listener: (changed: Record<string, WarmCounts | null>) => void): () => void {
    let last = this.warmSnapshot();
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      const now = this.warmSnapshot();
      const changed: Record<string, WarmCounts | null> = {};
      let any = false;
      for (const [k, c] of Object.entries(now)) {
        const p = last[k];
        // Isolates coming and going (and revisions) are reported at once; idle/busy flips with every
        // activation and is left to the heartbeat's full replace, so a steady load writes nothing.
        if (!p || p.revision !== c.revision || p.warm !== c.warm) { changed[k] = c; any = true; }
      }
      for (const k of Object.keys(last)) if (!(k in now)) { changed[k] = null; any = true; }
      last = now;
      if (any) listener(changed);
    };
    const off = this.pool.events.subscribe((e) => {
      if (e.type === 'queued' || e.type === 'created' || e.type === 'error' || timer) return;
      timer = setTimeout(flush, WARM_FLUSH_MS);
      timer.unref();
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }
}

/** How long pool events are gathered before the changed warm counts are reported: one write per burst. */
const WARM_FLUSH_MS = 20;
