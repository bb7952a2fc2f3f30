// ActivationStore in process memory, with the same retention semantics as Redis' TTLs, and a size
// bound Redis does not need: a standalone process at full speed would otherwise fill the machine's
// memory with a week of records. Past the bound the oldest records go first (Map order is insertion
// order, and a record is inserted once), so memory stays flat under any load.
// A record is kept as its JSON text, as Redis keeps it: the one stringify the size bound needs is
// also the copy that keeps the writer's object out of the store (no deep copy on the hot write),
// and a reader parses a fresh object of its own (reads are rare: the REST API).
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { DEFAULT_ACTIVATION_MAX_BYTES, DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

interface Entry {
  /** The record's JSON text. */
  json: string;
  namespace: string;
  name: string;
  start: number;
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

  async putIfAbsent(record: ActivationRecord, json = JSON.stringify(record)): Promise<boolean> {
    const now = Date.now();
    const existing = this.#records.get(record.activationId);
    if (existing && existing.expires > now) return false;
    if (existing) this.#remove(record.activationId, existing);
    // Size in UTF-16 code units of the JSON, close enough to what the heap holds.
    const bytes = json.length;
    this.#records.set(record.activationId, { json, namespace: record.namespace, name: record.name, start: record.start, expires: now + this.#retentionMs, bytes });
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
    return e && e.expires > Date.now() ? (JSON.parse(e.json) as ActivationRecord) : undefined;
  }

  async list(namespace: string, q: ActivationQuery): Promise<ActivationRecord[]> {
    const now = Date.now();
    const out: Array<[string, Entry]> = [];
    for (const entry of this.#records) {
      const e = entry[1];
      if (e.expires <= now || e.namespace !== namespace) continue;
      if (q.name !== undefined && e.name !== q.name) continue;
      if (q.since !== undefined && e.start < q.since) continue;
      if (q.upto !== undefined && e.start > q.upto) continue;
      out.push(entry);
    }
    out.sort(([ia, a], [ib, b]) => b.start - a.start || (ia < ib ? 1 : -1));
    return out.slice(q.skip, q.skip + q.limit).map(([, e]) => JSON.parse(e.json) as ActivationRecord);
  }

  #remove(id: string, e: Entry): void {
    this.#records.delete(id);
    this.#bytes -= e.bytes;
  }

  #purge(now: number): void {
    // Insertion order is expiry order (every record gets now + retention once): the expired ones
    // are a prefix, so the walk stops at the first live record instead of visiting every record.
    for (const [id, e] of this.#records) {
      if (e.expires > now) break;
      this.#remove(id, e);
    }
  }
}
