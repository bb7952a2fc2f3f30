// ActivationStore in process memory, with the same retention semantics as Redis' TTLs, and a size
// bound Redis does not need: a standalone process at full speed would otherwise fill the machine's
// memory with a week of records. Past the bound the oldest records go first (Map order is insertion
// order, and a record is inserted once), so memory stays flat under any load.
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { DEFAULT_ACTIVATION_MAX_BYTES, DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

interface Entry {
  record: ActivationRecord;
  expires: number;
  bytes: number;
}

export class MemoryActivationStore implements ActivationStore {
  readonly #records = new Map<string, Entry>();
  readonly #retentionMs: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #writes = 0;

  constructor(retentionMs = DEFAULT_ACTIVATION_RETENTION_MS, maxBytes = DEFAULT_ACTIVATION_MAX_BYTES) {
    this.#retentionMs = retentionMs;
    this.#maxBytes = maxBytes;
  }

  /** Estimated bytes held (JSON size of the records), for tests and metrics. */
  get bytes(): number {
    return this.#bytes;
  }

  async putIfAbsent(record: ActivationRecord): Promise<boolean> {
    const now = Date.now();
    const existing = this.#records.get(record.activationId);
    if (existing && existing.expires > now) return false;
    if (existing) this.#remove(record.activationId, existing);
    // JSON size: one pass over the record, which the copy below makes anyway; strings count as
    // UTF-16 code units, close enough to what the heap holds.
    const bytes = JSON.stringify(record).length;
    this.#records.set(record.activationId, { record: structuredClone(record), expires: now + this.#retentionMs, bytes });
    this.#bytes += bytes;
    for (const [id, e] of this.#records) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(id, e);
    }
    // Expired entries are dropped now and then, so a long-running standalone process stays bounded.
    if (++this.#writes % 1000 === 0) this.#purge(now);
    return true;
  }

  async get(activationId: string): Promise<ActivationRecord | undefined> {
    const e = this.#records.get(activationId);
    return e && e.expires > Date.now() ? structuredClone(e.record) : undefined;
  }

  async list(namespace: string, q: ActivationQuery): Promise<ActivationRecord[]> {
    const now = Date.now();
    const out: ActivationRecord[] = [];
    for (const { record, expires } of this.#records.values()) {
      if (expires <= now || record.namespace !== namespace) continue;
      if (q.name !== undefined && record.name !== q.name) continue;
      if (q.since !== undefined && record.start < q.since) continue;
      if (q.upto !== undefined && record.start > q.upto) continue;
      out.push(record);
    }
    out.sort((a, b) => b.start - a.start || (a.activationId < b.activationId ? 1 : -1));
    return out.slice(q.skip, q.skip + q.limit).map((r) => structuredClone(r));
  }

  #remove(id: string, e: Entry): void {
    this.#records.delete(id);
    this.#bytes -= e.bytes;
  }

  #purge(now: number): void {
    for (const [id, e] of this.#records) if (e.expires <= now) this.#remove(id, e);
  }
}
