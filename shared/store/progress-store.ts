// Progress records of compositions (sequences and conductor actions) in flight: the one piece of
// state a composition holds while a component runs, so that any controller can advance it and a
// controller that dies loses none.
//
// Contract:
// - create() writes a record unless one with the same id exists (answers false then), owned by
//   `owner` (a controller incarnation), version 1.
// - replace() writes new data only if the stored version is `version` (compare-and-set), bumping
//   it; it answers the new version, or undefined when the record is gone or was changed meanwhile.
//   Two controllers advancing the same step therefore never both succeed.
// - remove() deletes the record (the composition has its activation record by then).
// - alive() says that `owner` is running, for ttlMs. An owner that stops saying so is an orphan's
//   owner: claimOrphans() hands every record of such owners to the caller, atomically per record,
//   so each orphan is claimed by exactly one controller. Records of a live owner are never claimed.
// - owned() lists the caller's own records (its periodic re-check of steps that went quiet).
// - Records expire after retentionMs (a composition that nobody finishes must not stay forever).
export interface ProgressRecord {
  id: string;
  owner: string;
  version: number;
  /** The composition's state, as the controller defines it (JSON). */
  data: Record<string, unknown>;
}

export interface ProgressStore {
  create(record: Omit<ProgressRecord, 'version'>): Promise<boolean>;
  get(id: string): Promise<ProgressRecord | undefined>;
  replace(id: string, version: number, data: Record<string, unknown>): Promise<number | undefined>;
  remove(id: string): Promise<void>;
  alive(owner: string, ttlMs: number): Promise<void>;
  claimOrphans(owner: string, limit: number): Promise<ProgressRecord[]>;
  owned(owner: string, limit: number): Promise<ProgressRecord[]>;
}

/** A day: far past any composition's steps (at most 50 components of at most 5 minutes each, and their conductor runs). */
export const PROGRESS_RETENTION_MS = 24 * 3600 * 1000;
