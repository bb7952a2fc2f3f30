// An activation record's JSON text, made once by the invoker for the store and the completion,
// together with where a controller's answers to a blocking invoke lie in it: the result's JSON
// (`?result=true`) and the `"statusCode":N,` member, without which the text is OpenWhisk's extended
// record (activation-json.ts extendedRecord). With them the controller answers from the bytes it
// received, without parsing the record or stringifying its answer again.
import type { ActivationRecord, ActivationStatus } from './activation-record.js';

/** Byte ranges [start, end) into the UTF-8 bytes of a record's JSON text. */
export interface RecordSpans {
  /** The record's response.status (the blocking answer's HTTP status comes from it). */
  status: ActivationStatus;
  /** response.result's JSON. */
  result: [number, number];
  /** `"statusCode":N,` inside the response: the extended record is the text without it. */
  statusCode: [number, number];
}

export interface RecordJson {
  /** Exactly JSON.stringify(record). */
  text: string;
  /** Undefined for a record not of the invoker's shape: readers then parse the text. */
  spans?: RecordSpans;
}

/**
 * JSON.stringify(record), and where its answers lie when its response has the invoker's shape
 * (status, statusCode, success, result in that order, nothing else). Built from three pieces
 * (the fields before `response`, the response, the fields after it) so that the offsets are known
 * without searching the text; a unit test compares the text with JSON.stringify on many records.
 */
export function recordJson(record: ActivationRecord): RecordJson {
  const r = record.response;
  const keys = Object.keys(r);
  if (keys.length !== 4 || keys[0] !== 'status' || keys[1] !== 'statusCode' || keys[2] !== 'success' || keys[3] !== 'result'
    || typeof r.status !== 'string' || typeof r.statusCode !== 'number' || typeof r.success !== 'boolean' || typeof r.result !== 'object' || r.result === null) {
    return { text: JSON.stringify(record) };
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let into = before;
  for (const key of Object.keys(record)) {
    if (key === 'response') into = after;
    else into[key] = record[key as keyof ActivationRecord];
  }
  const beforeText = JSON.stringify(before);
  const afterText = JSON.stringify(after);
  const open = `${beforeText === '{}' ? '{' : `${beforeText.slice(0, -1)},`}"response":{"status":${JSON.stringify(r.status)},`;
  const statusCodeText = `"statusCode":${JSON.stringify(r.statusCode)},`;
  const successText = `"success":${String(r.success)},"result":`;
  const resultText = JSON.stringify(r.result);
  const close = afterText === '{}' ? '}}' : `},${afterText.slice(1)}`;
  const statusCodeStart = Buffer.byteLength(open);
  const resultStart = statusCodeStart + statusCodeText.length + successText.length;
  return {
    text: open + statusCodeText + successText + resultText + close,
    spans: {
      status: r.status,
      result: [resultStart, resultStart + Buffer.byteLength(resultText)],
      statusCode: [statusCodeStart, statusCodeStart + statusCodeText.length],
    },
  };
}
