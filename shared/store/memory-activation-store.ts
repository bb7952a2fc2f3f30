// ActivationStore in process memory, with the same retention semantics as Redis' TTLs.
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

interface Entry {
  record: ActivationRecord;
  expires: number;
}

export class MemoryActivationStore implements ActivationStore {
  readonly #records = new Map<string, Entry>();
  readonly #retentionMs: number;
  #writes = 0;

  constructor(retentionMs = DEFAULT_ACTIVATION_RETENTION_MS) {
    this.#retentionMs = retentionMs;
  }

  async putIfAbsent(record: ActivationRecord): Promise<boolean> {
    const now = Date.now();
    const existing = this.#records.get(record.activationId);
    if (existing && existing.expires > now) return false;
    this.#records.set(record.activationId, { record: structuredClone(record), expires: now + this.#retentionMs });
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

  #purge(now: number): void {
    for (const [id, e] of this.#records) if (e.expires <= now) this.#records.delete(id);
  }
}
