// AlarmScheduler in process memory: standalone photon's alarms (interval, cron, once) without Redis.
// One process owns every schedule, so "each tick to exactly one onTick" holds trivially. A tick
// whose onTick throws is handed out again with the same tickId (up to 5 times, backing off from
// 1 s, like the BullMQ scheduler's attempts). What standalone loses on restart: the schedules, but
// standalone's stores are in memory too, so the triggers and feeds they belong to go with them.
import cronParser from 'cron-parser';
import type { AlarmFeedConfig } from '../../shared/model/trigger.js';
import { AlarmConfigError, type AlarmScheduler, type AlarmTick } from './alarm-scheduler.js';

const ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 1_000;
/** setTimeout's longest delay; later ticks are waited for in steps. */
const MAX_TIMER_MS = 2_147_483_647;

interface Schedule {
  /** epoch ms of the next tick after `after`, or undefined when the schedule is over. */
  next(after: number): number | undefined;
  timer?: NodeJS.Timeout;
}

export class InProcessAlarmScheduler implements AlarmScheduler {
  readonly #schedules = new Map<string, Schedule>();
  readonly #running = new Set<Promise<void>>();
  #onTick: ((tick: AlarmTick) => Promise<void>) | undefined;
  #closed = false;

  async start(onTick: (tick: AlarmTick) => Promise<void>): Promise<void> {
    this.#onTick = onTick;
    for (const [id, s] of this.#schedules) this.#arm(id, s, Date.now());
  }

  async schedule(namespace: string, trigger: string, config: AlarmFeedConfig): Promise<void> {
    const id = `${namespace}/${trigger}`;
    const s: Schedule = { next: nextOf(config) };
    await this.unschedule(namespace, trigger);
    this.#schedules.set(id, s);
    if (this.#onTick) this.#arm(id, s, Date.now());
  }

  async unschedule(namespace: string, trigger: string): Promise<void> {
    const id = `${namespace}/${trigger}`;
    clearTimeout(this.#schedules.get(id)?.timer);
    this.#schedules.delete(id);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const s of this.#schedules.values()) clearTimeout(s.timer);
    await Promise.allSettled([...this.#running]);
  }

  #arm(id: string, s: Schedule, after: number): void {
    if (this.#closed || this.#schedules.get(id) !== s) return;
    const at = s.next(after);
    if (at !== undefined) this.#armAt(id, s, at);
  }

  #armAt(id: string, s: Schedule, at: number): void {
    const wait = Math.max(0, at - Date.now());
    s.timer = setTimeout(() => {
      if (at > Date.now()) return this.#armAt(id, s, at); // a wait longer than one timer, in steps
      this.#arm(id, s, at);
      const cut = id.indexOf('/');
      const tick: AlarmTick = { namespace: id.slice(0, cut), trigger: id.slice(cut + 1), tickId: `${id}@${at}` };
      const run = this.#deliver(id, s, tick).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }, Math.min(wait, MAX_TIMER_MS));
    s.timer.unref();
  }

  async #deliver(id: string, s: Schedule, tick: AlarmTick): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // A schedule removed or replaced since the tick was due does not tick any more.
      if (this.#closed || this.#schedules.get(id) !== s) return;
      try {
        await this.#onTick!(tick);
        return;
      } catch (err) {
        if (attempt >= ATTEMPTS) {
          console.error(`alarms: tick ${tick.tickId} failed ${ATTEMPTS} times, given up:`, (err as Error).message);
          return;
        }
        await new Promise((r) => setTimeout(r, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }
}

/** The schedule's next-tick function; a config that cannot run throws AlarmConfigError. */
function nextOf(config: AlarmFeedConfig): (after: number) => number | undefined {
  const { startDate, stopDate } = config;
  const within = (t: number | undefined): number | undefined => (t === undefined || (stopDate !== undefined && t > stopDate) ? undefined : t);
  switch (config.feed) {
    case 'once': {
      // Once: the first question gets the date (a past one fires at once), every later one nothing.
      const date = config.date ?? Date.now();
      let asked = false;
      return () => {
        if (asked) return undefined;
        asked = true;
        return date;
      };
    }
    case 'interval': {
      const every = Math.round((config.minutes ?? 1) * 60_000);
      if (!(every >= 1)) throw new AlarmConfigError(`The interval ${String(config.minutes)} minutes cannot run.`);
      // The first tick at startDate, or one interval from now.
      const origin = startDate ?? Date.now() + every;
      return (after) => within(after < origin ? origin : origin + (Math.floor((after - origin) / every) + 1) * every);
    }
    case 'alarm': {
      try {
        cronParser.parseExpression(config.cron ?? '', config.timezone ? { tz: config.timezone } : {});
      } catch (err) {
        throw new AlarmConfigError(`The schedule cannot run: ${(err as Error).message}`);
      }
      return (after) => {
        const from = Math.max(after, (startDate ?? 0) - 1);
        const it = cronParser.parseExpression(config.cron!, { currentDate: new Date(from), ...(config.timezone ? { tz: config.timezone } : {}) });
        return within(it.next().getTime());
      };
    }
  }
}
