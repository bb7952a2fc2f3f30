// What a finished activation hands its waiter: the record, as an object or as the bytes of its JSON
// text from a framed completion (shared/model/completion-message.ts). A blocking invoke answers from
// the bytes as they came (the result's slice, or the extended record: the text without its
// statusCode member), so the controller's warm path neither parses the record nor stringifies its
// answer; whoever needs the object (web actions, compositions) parses it once, on first use.
import type { ActivationRecord, ActivationStatus } from '../../shared/model/activation-record.js';
import type { RecordBytes } from '../../shared/model/completion-message.js';
import { isRecord } from '../../shared/model/message-codec.js';

export class FinishedRecord {
  /** response.status, known without parsing. */
  readonly status: ActivationStatus;
  /** The record's JSON bytes with its answers' places, when it came framed; undefined: an object. */
  readonly bytes: RecordBytes | undefined;
  #record: ActivationRecord | undefined;
  readonly #activationId: string;

  private constructor(status: ActivationStatus, activationId: string, record?: ActivationRecord, bytes?: RecordBytes) {
    this.status = status;
    this.#activationId = activationId;
    this.#record = record;
    this.bytes = bytes;
  }

  static of(record: ActivationRecord): FinishedRecord {
    return new FinishedRecord(record.response.status, record.activationId, record);
  }

  /** `activationId`: the completion's, which the record's must equal when it is parsed. */
  static fromBytes(bytes: RecordBytes, activationId: string): FinishedRecord {
    return new FinishedRecord(bytes.status, activationId, undefined, bytes);
  }

  /**
   * The record object, parsed from the bytes on first use and kept (callers must not change it).
   * Throws when the bytes are not an activation record of this id (checked as a completion that
   * carries its record as an object is checked on arrival).
   */
  record(): ActivationRecord {
    if (this.#record !== undefined) return this.#record;
    const r: unknown = JSON.parse(this.bytes!.bytes.toString('utf8'));
    if (!isRecord(r) || r.activationId !== this.#activationId || !isRecord(r.response) || r.response.status !== this.status || !Array.isArray(r.logs) || !Array.isArray(r.annotations)) {
      throw new Error(`the completion of ${this.#activationId} carries no activation record of that id`);
    }
    this.#record = r as unknown as ActivationRecord;
    return this.#record;
  }

  /** response.result's JSON as it came; undefined when the record is an object (stringify it). */
  resultBytes(): Buffer | undefined {
    const b = this.bytes;
    return b === undefined ? undefined : b.bytes.subarray(b.result[0], b.result[1]);
  }

  /** OpenWhisk's extended record (activation-json.ts extendedRecord) as JSON bytes; undefined when the record is an object. */
  extendedBytes(): Buffer | undefined {
    const b = this.bytes;
    return b === undefined ? undefined : Buffer.concat([b.bytes.subarray(0, b.statusCode[0]), b.bytes.subarray(b.statusCode[1])]);
  }
}
