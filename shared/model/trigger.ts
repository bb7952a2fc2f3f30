// Triggers, rules and the feeds bound to triggers: OpenWhisk's entity shapes (docs/rest_api.md,
// openwhisk-notes §3.1, §4) as photon stores them.
import type { KeyValue } from './action.js';

/** What every named, versioned entity has; the store assigns version and updated. */
export interface Entity {
  namespace: string;
  name: string;
  /** 0.0.1 on create, patch bumped on each update. */
  version: string;
  /** epoch ms */
  updated: number;
}

export interface Trigger extends Entity {
  parameters: KeyValue[];
  annotations: KeyValue[];
  /** OpenWhisk answers `limits: {}` for triggers. */
  limits: Record<string, never>;
  publish: boolean;
}

export interface EntityRef {
  namespace: string;
  name: string;
}

export type RuleStatus = 'active' | 'inactive';

export interface Rule extends Entity {
  trigger: EntityRef;
  action: EntityRef;
  status: RuleStatus;
  annotations: KeyValue[];
  publish: boolean;
}

/** How a trigger retries the rule activations it caused that did not succeed. */
export interface RetryPolicy {
  /** Runs after the first one; 0 = no retry (the default). */
  retries: number;
  /** Delay before the first retry; doubled for each next one, up to maxDelayMs. */
  delayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ retries: 0, delayMs: 1_000, maxDelayMs: 60_000 });

/** The Kafka topic feed (/whisk.system/messaging/kafkaFeed). */
export interface KafkaFeedConfig {
  kind: 'kafka';
  topic: string;
  /** Empty: photon's own brokers. */
  brokers: string[];
  isJSONData: boolean;
  isBinaryKey: boolean;
  isBinaryValue: boolean;
}

/** The alarms feeds (/whisk.system/alarms/{interval,alarm,once}). */
export interface AlarmFeedConfig {
  kind: 'alarm';
  feed: 'interval' | 'alarm' | 'once';
  minutes?: number;
  cron?: string;
  timezone?: string;
  /** epoch ms */
  startDate?: number;
  stopDate?: number;
  date?: number;
  deleteAfterFire?: false | true | 'rules';
  payload: Record<string, unknown>;
}

export type FeedConfig = KafkaFeedConfig | AlarmFeedConfig;

/** A trigger's feed: what to listen to and whose identity fires the trigger. */
export interface FeedBinding {
  namespace: string;
  trigger: string;
  /** The key's uuid that created the feed: the subject trigger fires run as. */
  subject: string;
  config: FeedConfig;
  active: boolean;
  /** Why the feed was turned off, like OpenWhisk's status.reason. */
  reason?: string;
  created: number;
}

/** One rule activation that failed after every retry: what a user reads from the dead-letter list. */
export interface DeadLetter {
  triggerActivationId: string;
  rule: string;
  action: string;
  /** Every activation tried, oldest first. */
  activationIds: string[];
  status: string;
  error?: unknown;
  params: Record<string, unknown>;
  failedAt: number;
}
