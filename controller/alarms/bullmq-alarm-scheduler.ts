// AlarmScheduler on BullMQ, the one file that imports bullmq. One queue per photon cluster
// ({redisPrefix}bull:alarms): interval and cron alarms are job schedulers (repeatable jobs keyed by
// the trigger, each tick a job with a deterministic id), once alarms are delayed jobs with a job id
// per trigger. BullMQ keeps them in Redis and locks each job to one worker, which is what makes
// "survives a restart of every process" and "two controllers never fire the same tick twice" hold.
import { Queue, Worker, type Job } from 'bullmq';
import type { AlarmFeedConfig } from '../../shared/model/trigger.js';
import { AlarmConfigError, type AlarmScheduler, type AlarmTick } from './alarm-scheduler.js';

export interface BullmqAlarmSchedulerOptions {
  /** redis://[user:password@]host:port[/db] */
  redisUrl: string;
  /** Redis key prefix of the photon cluster; BullMQ's keys go under `{prefix}bull:`. */
  prefix: string;
  /** Ticks processed at once per process. */
  concurrency?: number;
}

interface TickData {
  namespace: string;
  trigger: string;
}

const QUEUE = 'alarms';

export class BullmqAlarmScheduler implements AlarmScheduler {
  readonly #queue: Queue<TickData>;
  readonly #options: BullmqAlarmSchedulerOptions;
  readonly #connection: Connection;
  #worker: Worker<TickData> | undefined;

  constructor(options: BullmqAlarmSchedulerOptions) {
    this.#options = options;
    this.#connection = connectionOf(options.redisUrl);
    this.#queue = new Queue<TickData>(QUEUE, { connection: this.#connection, prefix: `${options.prefix}bull` });
  }

  async start(onTick: (tick: AlarmTick) => Promise<void>): Promise<void> {
    this.#worker = new Worker<TickData>(QUEUE, async (job: Job<TickData>) => {
      await onTick({ namespace: job.data.namespace, trigger: job.data.trigger, tickId: job.id ?? `${job.name}-${job.timestamp}` });
    }, {
      // BullMQ's workers block on Redis: they need a connection that never gives up on a command.
      connection: { ...this.#connection, maxRetriesPerRequest: null },
      prefix: `${this.#options.prefix}bull`,
      concurrency: this.#options.concurrency ?? 4,
      // A controller that dies mid-tick leaves the job stalled; another takes it over after this.
      stalledInterval: 5_000,
    });
    this.#worker.on('error', (err) => console.error('alarms: worker error:', err));
    this.#worker.on('failed', (job, err) => console.error(`alarms: tick ${job?.id ?? '?'} failed:`, err.message));
    await this.#worker.waitUntilReady();
  }

  async schedule(namespace: string, trigger: string, config: AlarmFeedConfig): Promise<void> {
    const id = schedulerId(namespace, trigger);
    const data: TickData = { namespace, trigger };
    // A replaced schedule must not keep ticking in its old shape.
    await this.unschedule(namespace, trigger);
    // A failed fire (429, no invoker, Redis hiccup) is retried with backoff, with the same job id.
    const opts = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };
    try {
      if (config.feed === 'once') {
        await this.#queue.add('tick', data, { ...opts, jobId: onceId(namespace, trigger), delay: Math.max(0, (config.date ?? Date.now()) - Date.now()), removeOnComplete: true });
        return;
      }
      const window = { ...(config.startDate !== undefined ? { startDate: config.startDate } : {}), ...(config.stopDate !== undefined ? { endDate: config.stopDate } : {}) };
      const repeat = config.feed === 'interval'
        ? { every: Math.round((config.minutes ?? 1) * 60_000), ...window }
        : { pattern: config.cron!, ...(config.timezone ? { tz: config.timezone } : {}), ...window };
      await this.#queue.upsertJobScheduler(id, repeat, { name: 'tick', data, opts });
    } catch (err) {
      throw new AlarmConfigError(`The schedule cannot run: ${(err as Error).message}`);
    }
  }

  async unschedule(namespace: string, trigger: string): Promise<void> {
    await this.#queue.removeJobScheduler(schedulerId(namespace, trigger));
    await this.#queue.remove(onceId(namespace, trigger)).catch(() => 0);
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
  }
}

// BullMQ refuses ':' in custom ids; '|' occurs in neither namespace nor trigger names.
function schedulerId(namespace: string, trigger: string): string {
  return `alarm|${namespace}/${trigger}`;
}

function onceId(namespace: string, trigger: string): string {
  return `once|${namespace}/${trigger}`;
}

interface Connection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
}

function connectionOf(url: string): Connection {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
  };
}
