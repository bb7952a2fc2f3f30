// The framed completion (completion-message.ts, version 2): the record travels as the very JSON text
// the store keeps, with the places of a blocking invoke's answers in it (record-json.ts), and the
// controller answers from those bytes (finished-record.ts) exactly what it answers from an object.
import { describe, expect, it } from 'vitest';
import { extendedRecord } from '../../../controller/activation-json.js';
import { FinishedRecord } from '../../../controller/activation/finished-record.js';
import { STATUS_CODES, type ActivationRecord, type ActivationStatus } from '../../../shared/model/activation-record.js';
import { COMPLETION_MESSAGE_VERSION, decodeCompletionMessage, encodeCompletionMessage, type CompletionMessage } from '../../../shared/model/completion-message.js';
import { recordJson } from '../../../shared/model/record-json.js';

const STATUSES = Object.keys(STATUS_CODES) as ActivationStatus[];
const STRINGS = ['', 'plain', 'é ✓ 𝄞', '"quoted" \\ back', 'line\nbreak', '","record":{"a":1}', '\u2028', '}\n{'];

/** A record like the invoker's, its strings and values varied by `i`. */
function record(i: number): ActivationRecord {
  const s = (k: number): string => STRINGS[(i + k) % STRINGS.length]!;
  const status = STATUSES[i % STATUSES.length]!;
  return {
    namespace: `ns${s(0)}`, name: s(1) || 'n', version: '0.0.1', subject: s(2), activationId: 'a'.repeat(32),
    start: 1_700_000_000_000 + i, end: 1_700_000_000_010 + i, duration: 10,
    ...(i % 3 === 0 ? { cause: 'c'.repeat(32) } : {}),
    response: { status, statusCode: STATUS_CODES[status], success: status === 'success', result: i % 4 === 0 ? {} : { payload: s(3), n: i, nested: { list: [s(4), null, 1.5, -2], 10: s(5) } } },
    logs: i % 2 === 0 ? [] : [s(6), s(7)],
    annotations: [{ key: 'path', value: `ns/${s(1)}` }, { key: 'limits', value: { timeout: 60000, memory: 256 } }, { key: 'response', value: { status: s(0) } }],
    publish: false,
  };
}

const completion = (r: ActivationRecord): CompletionMessage => ({ v: COMPLETION_MESSAGE_VERSION, activationId: r.activationId, invoker: 'invoker-é', systemError: false, slotReleased: true, record: r });

describe('framed completions', () => {
  it('recordJson is JSON.stringify of the record, and its spans hold the result and the statusCode member', () => {
    for (let i = 0; i < 64; i++) {
      const r = record(i);
      const { text, spans } = recordJson(r);
      expect(text).toBe(JSON.stringify(r));
      const bytes = Buffer.from(text);
      expect(spans!.status).toBe(r.response.status);
      expect(bytes.subarray(...spans!.result).toString()).toBe(JSON.stringify(r.response.result));
      expect(bytes.subarray(...spans!.statusCode).toString()).toBe(`"statusCode":${r.response.statusCode},`);
    }
  });

  it('recordJson gives no spans for a response not of the invoker\'s shape, and the text still', () => {
    const r = record(1);
    const sized = { ...r, response: { ...r.response, size: 3 } };
    expect(recordJson(sized)).toEqual({ text: JSON.stringify(sized) });
    const reordered = { ...r, response: { statusCode: r.response.statusCode, status: r.response.status, success: r.response.success, result: r.response.result } };
    expect(recordJson(reordered)).toEqual({ text: JSON.stringify(reordered) });
  });

  it('decode to the record\'s bytes, which answer what the object answers, byte for byte', () => {
    for (let i = 0; i < 64; i++) {
      const r = record(i);
      const c = completion(r);
      // Copied: bytes from Kafka, not this process's own Buffer.
      const decoded = decodeCompletionMessage(Buffer.from(encodeCompletionMessage(c, recordJson(r))));
      expect(decoded.ok).toBe(true);
      const m = decoded.ok ? decoded.value : undefined;
      expect(m).toMatchObject({ v: 1, activationId: r.activationId, invoker: 'invoker-é', systemError: false, slotReleased: true });
      expect(m!.record).toBeUndefined();
      const finished = FinishedRecord.fromBytes(m!.recordBytes!, m!.activationId);
      expect(finished.status).toBe(r.response.status);
      expect(finished.resultBytes()!.toString()).toBe(JSON.stringify(r.response.result));
      expect(finished.extendedBytes()!.toString()).toBe(JSON.stringify(extendedRecord(r)));
      expect(finished.record()).toEqual(r);
    }
  });

  it('refuse a frame whose spans do not fit its bytes, and a record of another id when it is read', () => {
    const r = record(5);
    const framed = encodeCompletionMessage(completion(r), recordJson(r)).toString();
    const newline = framed.indexOf('\n');
    const line = JSON.parse(framed.slice(0, newline)) as Record<string, unknown> & { record: Record<string, unknown> };
    const text = framed.slice(newline + 1);
    const frame = (l: unknown, t = text): Buffer => Buffer.from(`${JSON.stringify(l)}\n${t}`);
    expect(decodeCompletionMessage(frame(line)).ok).toBe(true);
    expect(decodeCompletionMessage(frame({ ...line, record: { ...line.record, result: [0, text.length + 5] } })).ok).toBe(false);
    expect(decodeCompletionMessage(frame({ ...line, record: { ...line.record, statusCode: [3, 2] } })).ok).toBe(false);
    expect(decodeCompletionMessage(frame({ ...line, record: { ...line.record, status: 'fine' } })).ok).toBe(false);
    expect(decodeCompletionMessage(frame({ ...line, record: undefined })).ok).toBe(false);
    expect(decodeCompletionMessage(frame({ ...line, systemError: 'no' })).ok).toBe(false);
    expect(decodeCompletionMessage(frame({ ...line, v: 3 })).ok).toBe(false);
    expect(decodeCompletionMessage(frame(line, text.slice(0, -1))).ok).toBe(false);
    const other = decodeCompletionMessage(frame({ ...line, activationId: 'b'.repeat(32) }));
    expect(other.ok).toBe(true);
    const m = other.ok ? other.value : undefined;
    expect(() => FinishedRecord.fromBytes(m!.recordBytes!, m!.activationId).record()).toThrow(/no activation record of that id/);
  });
});
