// ActivationStore in process memory, with the same retention semantics as Redis' TTLs, and a size
// bound Redis does not need: a standalone process at full speed would otherwise fill the machine's
// memory with a week of records. Past the bound the oldest records go first, so memory stays flat
// under any load.
//
// Records live off the JavaScript heap, as UTF-8 bytes appended to a queue of Buffer chunks (the
// record's JSON text behind a small header: start, expiry, namespace, name). The heap holds only
// the index (activationId → position) and each chunk's ids, so the bound is what the process really
// holds (`bytes` counts each record's bytes plus its share of the index), and a major GC has two
// small objects per record to mark instead of five, none of them the JSON. Every record gets the
// same retention, so insertion order is expiry order: both the bound and the expiry drop records
// from the front of the queue (a cursor in the oldest chunk), never by walking the index. (The
// previous Map of entries walked the Map from its start for every eviction: V8 keeps deleted
// entries as holes until the table is rehashed, so each put at the bound skipped ever more holes,
// 0.2–1.4 ms per put: bench/README.md "soak".)
import type { ActivationRecord } from '../model/activation-record.js';
import type { ActivationQuery, ActivationStore } from './activation-store.js';
import { DEFAULT_ACTIVATION_MAX_BYTES, DEFAULT_ACTIVATION_RETENTION_MS } from './stores.js';

/** Bytes of a record's header in its chunk: start (f64), expiry (f64), length (u32), namespace and name lengths (u16 each). */
const HEADER = 24;
/** What a record costs on the JavaScript heap beyond its chunk bytes: its id string, its index entry and the chunk's slot for it. */
export const RECORD_INDEX_BYTES = 96;
/** Chunk size: 1/64 of the bound (eviction frees memory in these steps), between 4 KiB and 1 MiB. */
const chunkBytes = (maxBytes: number): number => Math.min(1 << 20, Math.max(4096, Math.floor(maxBytes / 64)));
/** Position of a record: its chunk's sequence number and its byte offset in the chunk. */
const STRIDE = 1 << 24;

interface Chunk {
  seq: number;
  buf: Buffer;
  /** Bytes written. */
  used: number;
  /** Ids of the records in this chunk, in order. */
  ids: string[];
  /** The front cursor: index in `ids` and byte offset of the oldest record not yet dropped. */
  first: number;
  front: number;
}

export class MemoryActivationStore implements ActivationStore {
  readonly #index = new Map<string, number>();
  readonly #chunks: Chunk[] = [];
  readonly #retentionMs: number;
  readonly #maxBytes: number;
  readonly #chunkBytes: number;
  #seq = 0;
  #bytes = 0;
  #writes = 0;

  constructor(retentionMs = DEFAULT_ACTIVATION_RETENTION_MS, maxBytes = DEFAULT_ACTIVATION_MAX_BYTES) {
    this.#retentionMs = retentionMs;
    this.#maxBytes = maxBytes;
    this.#chunkBytes = chunkBytes(maxBytes);
  }

  /** Bytes held by the records kept (their chunk bytes and index share), for tests and metrics. */
  get bytes(): number {
    return this.#bytes;
  }

  async putIfAbsent(record: ActivationRecord, json = JSON.stringify(record)): Promise<boolean> {
    const now = Date.now();
    const id = record.activationId;
    const existing = this.#index.get(id);
    if (existing !== undefined) {
      const { chunk, offset } = this.#at(existing);
      if (chunk.buf.readDoubleLE(offset + 8) > now) return false;
      // Expired and not yet dropped: forgotten now; its bytes go when the front passes them.
      this.#index.delete(id);
      this.#bytes -= recordBytes(chunk, offset);
    }
    const nsBytes = Buffer.byteLength(record.namespace);
    const nameBytes = Buffer.byteLength(record.name);
    const size = HEADER + nsBytes + nameBytes + Buffer.byteLength(json);
    const chunk = this.#room(size);
    const o = chunk.used;
    const b = chunk.buf;
    b.writeDoubleLE(record.start, o);
    b.writeDoubleLE(now + this.#retentionMs, o + 8);
    b.writeUInt32LE(size, o + 16);
    b.writeUInt16LE(nsBytes, o + 20);
    b.writeUInt16LE(nameBytes, o + 22);
    b.write(record.namespace, o + HEADER, 'utf8');
    b.write(record.name, o + HEADER + nsBytes, 'utf8');
    b.write(json, o + HEADER + nsBytes + nameBytes, 'utf8');
    chunk.used += size;
    chunk.ids.push(id);
    this.#index.set(id, chunk.seq * STRIDE + o);
    this.#bytes += size + RECORD_INDEX_BYTES;
    while (this.#bytes > this.#maxBytes && this.#dropFront(Number.POSITIVE_INFINITY));
    // Expired records are dropped now and then, so a long-running standalone process stays bounded.
    if (++this.#writes % 1000 === 0) while (this.#dropFront(now));
    return true;
  }

  async get(activationId: string): Promise<ActivationRecord | undefined> {
    const pos = this.#index.get(activationId);
    if (pos === undefined) return undefined;
    const { chunk, offset } = this.#at(pos);
    return chunk.buf.readDoubleLE(offset + 8) > Date.now() ? parseAt(chunk, offset) : undefined;
  }

  async list(namespace: string, q: ActivationQuery): Promise<ActivationRecord[]> {
    const now = Date.now();
    const ns = Buffer.from(namespace, 'utf8');
    const name = q.name === undefined ? null : Buffer.from(q.name, 'utf8');
    const out: { start: number; id: string; chunk: Chunk; offset: number }[] = [];
    for (const chunk of this.#chunks) {
      const b = chunk.buf;
      for (let i = chunk.first, o = chunk.front; i < chunk.ids.length; i++, o += b.readUInt32LE(o + 16)) {
        if (b.readDoubleLE(o + 8) <= now) continue;
        const nsLen = b.readUInt16LE(o + 20);
        if (nsLen !== ns.length || b.compare(ns, 0, nsLen, o + HEADER, o + HEADER + nsLen) !== 0) continue;
        if (name !== null) {
          const nameLen = b.readUInt16LE(o + 22);
          const at = o + HEADER + nsLen;
          if (nameLen !== name.length || b.compare(name, 0, nameLen, at, at + nameLen) !== 0) continue;
        }
        const start = b.readDoubleLE(o);
        if (q.since !== undefined && start < q.since) continue;
        if (q.upto !== undefined && start > q.upto) continue;
        // (A record replaced after it expired is still in its chunk: the expiry above skips it.)
        out.push({ start, id: chunk.ids[i]!, chunk, offset: o });
      }
    }
    out.sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1));
    return out.slice(q.skip, q.skip + q.limit).map((r) => parseAt(r.chunk, r.offset));
  }

  /** The chunk to append `size` bytes to: the newest one if they fit, else a new one (a record larger than a chunk gets a chunk of its size). */
  #room(size: number): Chunk {
    const last = this.#chunks.at(-1);
    if (last && last.used + size <= last.buf.length) return last;
    const chunk: Chunk = { seq: this.#seq++, buf: Buffer.allocUnsafeSlow(Math.max(this.#chunkBytes, size)), used: 0, ids: [], first: 0, front: 0 };
    this.#chunks.push(chunk);
    return chunk;
  }

  /** Drops the oldest record if it expires at or before `until`; false when there is none to drop. Frees its chunk once it is passed. */
  #dropFront(until: number): boolean {
    const chunk = this.#chunks[0];
    if (!chunk || chunk.first >= chunk.ids.length) return false;
    const o = chunk.front;
    if (chunk.buf.readDoubleLE(o + 8) > until) return false;
    const id = chunk.ids[chunk.first]!;
    const pos = chunk.seq * STRIDE + o;
    if (this.#index.get(id) === pos) {
      this.#index.delete(id);
      this.#bytes -= recordBytes(chunk, o);
    }
    chunk.first++;
    chunk.front += chunk.buf.readUInt32LE(o + 16);
    if (chunk.first >= chunk.ids.length) {
      if (this.#chunks.length > 1) this.#chunks.shift();
      else Object.assign(chunk, { used: 0, ids: [], first: 0, front: 0 }); // the only chunk: reused from its start
    }
    return true;
  }

  #at(pos: number): { chunk: Chunk; offset: number } {
    const seq = Math.floor(pos / STRIDE);
    return { chunk: this.#chunks[seq - this.#chunks[0]!.seq]!, offset: pos - seq * STRIDE };
  }
}

function recordBytes(chunk: Chunk, offset: number): number {
  return chunk.buf.readUInt32LE(offset + 16) + RECORD_INDEX_BYTES;
}

function parseAt(chunk: Chunk, o: number): ActivationRecord {
  const b = chunk.buf;
  const from = o + HEADER + b.readUInt16LE(o + 20) + b.readUInt16LE(o + 22);
  return JSON.parse(b.toString('utf8', from, o + b.readUInt32LE(o + 16))) as ActivationRecord;
}
