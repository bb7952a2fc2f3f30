// Activation records: written once per activation by whoever finishes it (the invoker, or the
// controller's sweeper for a lost one), read by the REST API.
import type { ActivationRecord } from '../model/activation-record.js';

export interface ActivationQuery {
  /** Only records whose `name` equals this. */
  name?: string;
  /** epoch ms, inclusive, on `start` */
  since?: number;
  /** epoch ms, inclusive, on `start` */
  upto?: number;
  limit: number;
  skip: number;
}

// Contract:
// - putIfAbsent() writes the record unless one with the same activationId exists, atomically, and
//   answers true only for the write that created it. A redelivered activation, or a sweeper racing
//   a late invoker, therefore never produces two records; the loser reads the winner's with get().
// - Records expire after the store's retention (a TTL given at construction); expired records
//   vanish from get() and list() alike.
// - get() is by id alone; the caller checks that record.namespace is the caller's.
// - list() answers a namespace's records, newest `start` first, filtered, after `skip`, at most `limit`.
// - putIfAbsent()'s `json`, when given, is JSON.stringify(record) already made by the caller (the
//   invoker also sends it in the completion): a store that keeps JSON text may keep it as it is.
export interface ActivationStore {
  putIfAbsent(record: ActivationRecord, json?: string): Promise<boolean>;
  get(activationId: string): Promise<ActivationRecord | undefined>;
  list(namespace: string, query: ActivationQuery): Promise<ActivationRecord[]>;
}
