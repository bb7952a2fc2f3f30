// Feeds bound to triggers (Kafka topics, alarms), where each Kafka feed has fired up to, and the
// dead letters of rule activations that failed after every retry.
import type { DeadLetter, FeedBinding } from '../model/trigger.js';
import type { ListOptions } from './action-store.js';

// Contract:
// - put() writes (or replaces) the binding of trigger {namespace}/{trigger}; get()/delete() by the
//   same pair; delete() answers whether there was one. list() answers every binding of every
//   namespace: the feed managers of all controllers reconcile against it.
// - markFired() records that a Kafka feed fired a partition through `offset` (inclusive); it only
//   ever moves forward, atomically, so a late writer cannot move it back. firedThrough() answers it
//   (-1 when nothing was fired). clearFired() forgets every partition of a feed (feed deleted).
// - pushDeadLetter() adds an entry to a trigger's dead-letter list, newest first, keeping at most
//   `cap` entries; deadLetters() pages through it; clearDeadLetters() empties it.
export interface FeedStore {
  put(binding: FeedBinding): Promise<void>;
  get(namespace: string, trigger: string): Promise<FeedBinding | undefined>;
  delete(namespace: string, trigger: string): Promise<boolean>;
  list(): Promise<FeedBinding[]>;
  markFired(feedId: string, partition: number, offset: number): Promise<void>;
  firedThrough(feedId: string, partition: number): Promise<number>;
  clearFired(feedId: string): Promise<void>;
  pushDeadLetter(namespace: string, trigger: string, entry: DeadLetter, cap: number): Promise<void>;
  deadLetters(namespace: string, trigger: string, options: ListOptions): Promise<DeadLetter[]>;
  clearDeadLetters(namespace: string, trigger: string): Promise<void>;
}
