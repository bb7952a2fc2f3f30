// What every bus message's decoder answers, and the checks they share. A decoder never throws: a
// message it cannot read is a value (`ok: false` with the reason) that the consumer logs with the
// message's topic and offset, counts and sets aside, so one bad message can neither crash a
// process nor block its partition.

import { deepFreeze } from './deep-freeze.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/**
 * The object a bus message's bytes were encoded from, kept on the very Buffer this process made.
 * The in-process bus (standalone) hands the publisher's Buffer to the consumer, which then takes
 * the encoder's object instead of parsing its JSON again (the parse and the Buffer's decoding were
 * ~5% of a standalone's CPU per warm activation): ownership of the object passes with the message.
 * The rule that makes this safe: neither the publisher after encoding nor any consumer changes a
 * message object. Under the test runner every handed object is deep-frozen at encode, so a change
 * anywhere fails the tests loudly; in production the freeze is skipped (it cost about what the
 * parse saves). Bytes from Kafka are new Buffers without it, parsed and validated as ever. A
 * symbol property, not a WeakMap: an ephemeron table of every Buffer in flight cost more than the
 * parse it saved (profile: encode 110 → 329 ms of 7 s at c=16).
 */
const HANDED = Symbol('photon.handed');
type HandedBuffer = Buffer & { [HANDED]?: Record<string, unknown> };
const FREEZE_HANDED = process.env.VITEST !== undefined;

/** The one way a bus message becomes bytes: its JSON (or `json`, made by the caller), carrying its object for an in-process consumer. */
export function encodeJson(m: object, json = JSON.stringify(m)): Buffer {
  const value: HandedBuffer = Buffer.from(json);
  value[HANDED] = (FREEZE_HANDED ? deepFreeze(m) : m) as Record<string, unknown>;
  return value;
}

/**
 * A message for a bus that hands the publisher's Buffer itself to the consumer (MessageBus.handsOver,
 * the standalone): the object and no bytes, since nothing there reads them. The JSON text and its
 * UTF-8 bytes were ~8 µs of every warm activation, made only to be thrown away.
 */
export function handOnly(m: object): Buffer {
  const value: HandedBuffer = Buffer.alloc(0);
  value[HANDED] = (FREEZE_HANDED ? deepFreeze(m) : m) as Record<string, unknown>;
  return value;
}

/** The object encodeJson made `value` of, when this process made it (the in-process bus), and it is of `version`. */
export function handedOver(value: Buffer, version: number): Record<string, unknown> | undefined {
  const own = (value as HandedBuffer)[HANDED];
  return own !== undefined && own.v === version ? own : undefined;
}

/** JSON object of a known version, or why not. */
export function parseVersioned(value: Buffer, version: number, what: string): Decoded<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return fail(`${what}: not JSON`);
  }
  if (!isRecord(parsed)) return fail(`${what}: not a JSON object`);
  if (parsed.v !== version) return fail(`${what}: unknown version ${JSON.stringify(parsed.v)} (this process reads ${version})`);
  return { ok: true, value: parsed };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first field of `fields` whose type is not `type`, or undefined when all are. */
export function wrongField(o: Record<string, unknown>, type: 'string' | 'number' | 'boolean', fields: readonly string[]): string | undefined {
  return fields.find((f) => typeof o[f] !== type || (type === 'number' && !Number.isFinite(o[f])));
}
