// What every bus message's decoder answers, and the checks they share. A decoder never throws: a
// message it cannot read is a value (`ok: false` with the reason) that the consumer logs with the
// message's topic and offset, counts and sets aside, so one bad message can neither crash a
// process nor block its partition.

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

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
