// The parameters of photon's system feed actions, checked and turned into a FeedConfig: the
// Kafka feed (/whisk.system/messaging/kafkaFeed) and the alarms (/whisk.system/alarms/…), with the
// parameter names of OpenWhisk's packages (openwhisk-notes §4). Every 400 names the parameter.
import type { AlarmFeedConfig, FeedConfig, KafkaFeedConfig } from '../../shared/model/trigger.js';
import { ApiError } from '../api-error.js';

/** The system feed actions photon answers itself, by their fully qualified name. */
export const FEED_ACTIONS = Object.freeze({
  'messaging/kafkaFeed': 'kafka',
  'alarms/alarm': 'alarm',
  'alarms/interval': 'interval',
  'alarms/once': 'once',
} as const);

export type FeedActionName = keyof typeof FEED_ACTIONS;

export function isFeedAction(name: string): name is FeedActionName {
  return Object.hasOwn(FEED_ACTIONS, name);
}

/** Parameters of the feed action that are the protocol, not the feed's configuration. */
const PROTOCOL = new Set(['lifecycleEvent', 'authKey', 'triggerName']);

export function feedConfig(action: FeedActionName, params: Record<string, unknown>, now = Date.now()): FeedConfig {
  const p = Object.fromEntries(Object.entries(params).filter(([k]) => !PROTOCOL.has(k)));
  return FEED_ACTIONS[action] === 'kafka' ? kafkaConfig(p) : alarmConfig(FEED_ACTIONS[action] as AlarmFeedConfig['feed'], p, now);
}

function kafkaConfig(p: Record<string, unknown>): KafkaFeedConfig {
  if (typeof p.topic !== 'string' || p.topic.length === 0 || !/^[A-Za-z0-9._-]{1,249}$/.test(p.topic)) {
    throw new ApiError(400, "The Kafka feed needs 'topic': a Kafka topic name (letters, digits, '.', '_', '-').");
  }
  let brokers: string[] = [];
  if (p.brokers !== undefined && p.brokers !== null && p.brokers !== '') {
    const raw = typeof p.brokers === 'string' ? p.brokers.split(',') : p.brokers;
    if (!Array.isArray(raw) || raw.some((b) => typeof b !== 'string' || !/^[^\s:]+:\d{1,5}$/.test(b.trim()))) {
      throw new ApiError(400, "'brokers' must be a list of host:port (an array, or a comma-separated string); leave it out for photon's own Kafka.");
    }
    brokers = (raw as string[]).map((b) => b.trim());
  }
  return { kind: 'kafka', topic: p.topic, brokers, isJSONData: flag(p, 'isJSONData'), isBinaryKey: flag(p, 'isBinaryKey'), isBinaryValue: flag(p, 'isBinaryValue') };
}

function flag(p: Record<string, unknown>, name: string): boolean {
  const v = p[name];
  if (v === undefined || v === null || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw new ApiError(400, `'${name}' must be true or false.`);
}

function alarmConfig(feed: AlarmFeedConfig['feed'], p: Record<string, unknown>, now: number): AlarmFeedConfig {
  const payload = p.trigger_payload === undefined ? {} : p.trigger_payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new ApiError(400, "'trigger_payload' must be a JSON object: its properties become the event's parameters.");
  const startDate = date(p, 'startDate');
  const stopDate = date(p, 'stopDate');
  if (startDate !== undefined && stopDate !== undefined && stopDate <= startDate) throw new ApiError(400, "'stopDate' must be after 'startDate'.");
  if (stopDate !== undefined && stopDate <= now) throw new ApiError(400, "'stopDate' is in the past: the alarm would never fire.");
  const base = { kind: 'alarm' as const, feed, payload: payload as Record<string, unknown>, ...(startDate !== undefined ? { startDate } : {}), ...(stopDate !== undefined ? { stopDate } : {}) };
  switch (feed) {
    case 'interval': {
      // OpenWhisk takes whole minutes; photon also takes fractions down to one second (0.0167).
      const minutes = Number(p.minutes);
      if (p.minutes === undefined || !Number.isFinite(minutes) || minutes * 60_000 < 1_000) throw new ApiError(400, "The interval feed needs 'minutes': a number of minutes, at least 1/60 (one second).");
      return { ...base, minutes };
    }
    case 'alarm': {
      if (typeof p.cron !== 'string') throw new ApiError(400, "The alarm feed needs 'cron': 5 fields (minute hour day month weekday) or 6 (seconds first).");
      const cron = validateCron(p.cron);
      if (p.timezone !== undefined) validateTimezone(p.timezone);
      return { ...base, cron, ...(typeof p.timezone === 'string' ? { timezone: p.timezone } : {}) };
    }
    case 'once': {
      const at = date(p, 'date');
      if (at === undefined) throw new ApiError(400, "The once feed needs 'date': epoch ms or an ISO 8601 date.");
      if (at <= now) throw new ApiError(400, `'date' ${new Date(at).toISOString()} is in the past.`);
      const d = p.deleteAfterFire;
      if (d !== undefined && d !== true && d !== false && d !== 'true' && d !== 'false' && d !== 'rules') throw new ApiError(400, "'deleteAfterFire' must be false, true (delete the trigger) or \"rules\" (the trigger and its rules).");
      const deleteAfterFire = d === true || d === 'true' ? true : d === 'rules' ? 'rules' : false;
      return { ...base, date: at, deleteAfterFire };
    }
  }
}

function date(p: Record<string, unknown>, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new ApiError(400, `'${name}' must be epoch ms or an ISO 8601 date, got ${JSON.stringify(v)}.`);
  return ms;
}

const FIELD_RANGES: ReadonlyArray<readonly [number, number]> = [[0, 59], [0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES: Readonly<Record<number, string[]>> = {
  4: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  5: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};

/**
 * A cron expression of 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first):
 * numbers, '*', ranges, steps, lists, month and weekday names. Checked here, field by field, so
 * the 400 says which field is wrong rather than whatever the scheduler's parser would throw.
 */
export function validateCron(raw: string): string {
  const fields = raw.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) throw new ApiError(400, `'cron' '${raw}' has ${fields.length} fields; it needs 5 (minute hour day month weekday) or 6 (seconds first).`);
  const offset = fields.length === 5 ? 1 : 0;
  const names = ['second', 'minute', 'hour', 'day of month', 'month', 'day of week'];
  fields.forEach((f, i) => {
    const slot = i + offset;
    const [lo, hi] = FIELD_RANGES[slot]!;
    const value = (s: string): number => {
      const named = NAMES[slot]?.indexOf(s.toUpperCase()) ?? -1;
      if (named >= 0) return named + (slot === 4 ? 1 : 0);
      if (!/^\d+$/.test(s)) return NaN;
      return Number(s);
    };
    const ok = f.split(',').every((part) => {
      const [range, step, extra] = part.split('/');
      if (extra !== undefined || range === undefined) return false;
      if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return false;
      if (range === '*' || range === '?') return true;
      const [a, b, more] = range.split('-');
      if (more !== undefined) return false;
      const x = value(a!);
      const y = b === undefined ? x : value(b);
      return Number.isInteger(x) && Number.isInteger(y) && x >= lo && y <= hi && x <= y;
    });
    if (!ok) throw new ApiError(400, `'cron' '${raw}': the ${names[slot]} field '${f}' is not valid (allowed ${lo}-${hi}, '*', ranges a-b, steps /n, lists a,b).`);
  });
  return fields.join(' ');
}

function validateTimezone(tz: unknown): void {
  try {
    if (typeof tz !== 'string') throw new Error('not a string');
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ApiError(400, `'timezone' ${JSON.stringify(tz)} is not an IANA time zone name (e.g. "Europe/Berlin").`);
  }
}
