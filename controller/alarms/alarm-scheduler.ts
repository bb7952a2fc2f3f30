// Alarms: the schedules of the alarms feeds (interval, cron, once), kept outside the process so
// they survive restarts, and ticked once per schedule however many controllers run.
import type { AlarmFeedConfig } from '../../shared/model/trigger.js';

export interface AlarmTick {
  namespace: string;
  trigger: string;
  /** Unique per scheduled tick and the same if the tick is handed out again: the fire's dedup key. */
  tickId: string;
}

// Contract:
// - schedule() creates or replaces the schedule of trigger {namespace}/{trigger}; replacing never
//   leaves the old schedule ticking. A config the scheduler cannot run throws AlarmConfigError.
// - unschedule() removes it (no-op when absent); no tick of it starts afterwards.
// - start() begins handing ticks to onTick. Each tick goes to exactly one onTick across every
//   process sharing the scheduler's store; a tick whose onTick throws, or whose process dies
//   mid-tick, is handed out again with the same tickId (so onTick must be idempotent by tickId).
// - Schedules live in the shared store: a schedule created before every process restarted ticks
//   again once any process has started.
// - close() stops taking ticks and waits for running ones.
export interface AlarmScheduler {
  start(onTick: (tick: AlarmTick) => Promise<void>): Promise<void>;
  schedule(namespace: string, trigger: string, config: AlarmFeedConfig): Promise<void>;
  unschedule(namespace: string, trigger: string): Promise<void>;
  close(): Promise<void>;
}

export class AlarmConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlarmConfigError';
  }
}
