// ProgressStore in process memory (standalone mode, unit tests): one process, so an orphan is a
// record of an owner incarnation that stopped calling alive() (a controller restarted in-process).
import { PROGRESS_RETENTION_MS, type ProgressRecord, type ProgressStore } from './progress-store.js';

interface Entry {
  record: ProgressRecord;
  expires: number;
}

export class MemoryProgressStore implements ProgressStore {
  readonly #records = new Map<string, Entry>();
  readonly #alive = new Map<string, number>();
  readonly #retentionMs: number;

  constructor(retentionMs = PROGRESS_RETENTION_MS) {
    this.#retentionMs = retentionMs;
  }

  async create(r: Omit<ProgressRecord, 'version'>): Promise<boolean> {
    if (this.#live(r.id)) return false;
    this.#records.set(r.id, { record: structuredClone({ ...r, version: 1 }), expires: Date.now() + this.#retentionMs });
    return true;
  }

  async get(id: string): Promise<ProgressRecord | undefined> {
    const e = this.#live(id);
    return e ? structuredClone(e.record) : undefined;
  }

  async replace(id: string, version: number, data: Record<string, unknown>): Promise<number | undefined> {
    const e = this.#live(id);
    if (!e || e.record.version !== version) return undefined;
    e.record = { ...e.record, version: version + 1, data: structuredClone(data) };
    return version + 1;
  }

  async remove(id: string): Promise<void> {
    this.#records.delete(id);
  }

  async alive(owner: string, ttlMs: number): Promise<void> {
    this.#alive.set(owner, Date.now() + ttlMs);
  }

  async claimOrphans(owner: string, limit: number): Promise<ProgressRecord[]> {
    const now = Date.now();
    const out: ProgressRecord[] = [];
    for (const [id, e] of this.#records) {
      if (out.length >= limit) break;
      if (e.expires <= now) { this.#records.delete(id); continue; }
      if (e.record.owner === owner || (this.#alive.get(e.record.owner) ?? 0) > now) continue;
      e.record = { ...e.record, owner, version: e.record.version + 1 };
      out.push(structuredClone(e.record));
    }
    return out;
  }

  async owned(owner: string, limit: number): Promise<ProgressRecord[]> {
    const now = Date.now();
    return [...this.#records.values()].filter((e) => e.expires > now && e.record.owner === owner).slice(0, limit).map((e) => structuredClone(e.record));
  }

  #live(id: string): Entry | undefined {
    const e = this.#records.get(id);
    if (e && e.expires <= Date.now()) {
      this.#records.delete(id);
      return undefined;
    }
    return e;
  }
}
