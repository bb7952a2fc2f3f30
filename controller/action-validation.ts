// Validation of action PUT bodies and entity names: every 400 says which field is wrong and what
// would be accepted, so a user can fix the request without reading photon's source.
import { DEFAULT_LIMITS, LIMIT_RANGES, type Action, type ActionLimits, type KeyValue } from '../shared/model/action.js';
import type { ActionInput } from '../shared/store/action-store.js';
import { isBase64Code } from '../shared/archive/action-archive.js';
import { ApiError } from './api-error.js';

import { actionKind, kindNames } from './kinds/action-kinds.js';

// OpenWhisk's EntityName pattern (common/.../entity/EntityPath.scala), at most 256 characters.
const NAME = /^(?:\w|\w[\w@ .-]*[\w@.-]+)$/;
const MAIN = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const MB = 1024 * 1024;

/** OpenWhisk's EntityName rules; the 400 opens with OpenWhisk's message (Messages.entityNameIllegal / entityNameTooLong). */
export function validateName(name: string, what = 'name'): string {
  if (name.length > 256) {
    throw new ApiError(400, `The name of the entity is longer than allowed: ${name.length} > 256 characters (the ${what} '${name.slice(0, 32)}…').`);
  }
  if (name.length === 0 || !NAME.test(name)) {
    throw new ApiError(400, `The name of the entity contains illegal characters. The ${what} '${name}' is not valid: use letters, digits, '_', '@', '.', '-' and spaces (not first or last), at most 256 characters.`);
  }
  return name;
}

/**
 * The action a PUT body describes. On update (existing given) absent fields keep their current
 * value and limits merge per field, as OpenWhisk's update does.
 */
export function validateActionPut(namespace: string, name: string, body: Record<string, unknown>, existing?: Action): ActionInput {
  validateName(name, 'action name');
  const exec = body.exec === undefined && existing ? existing.exec : validateExec(body.exec);
  return {
    namespace,
    name,
    exec,
    parameters: body.parameters === undefined ? (existing?.parameters ?? []) : validateKeyValues(body.parameters, 'parameters'),
    annotations: body.annotations === undefined ? (existing?.annotations ?? []) : validateKeyValues(body.annotations, 'annotations'),
    limits: validateLimits(body.limits, existing?.limits ?? DEFAULT_LIMITS),
    publish: body.publish === undefined ? (existing?.publish ?? false) : validateBoolean(body.publish, 'publish'),
  };
}

function validateExec(raw: unknown): Action['exec'] {
  if (raw === undefined) throw new ApiError(400, "The action needs 'exec': {\"kind\": \"nodejs:20\", \"code\": \"function main(params) { ... }\"}.");
  if (!isObject(raw)) throw new ApiError(400, "'exec' must be an object with 'kind' and 'code'.");
  const kind = raw.kind;
  // The registry (kinds/action-kinds.ts) says which kinds exist and how each checks its exec.
  const registered = typeof kind === 'string' ? actionKind(kind) : undefined;
  if (!registered) {
    throw new ApiError(400, `exec.kind ${JSON.stringify(kind)} is not supported: use one of ${kindNames().join(', ')} (blackbox images and other runtimes are not available).`);
  }
  if (registered.validateExec) return registered.validateExec(raw, registered.kind);
  if (typeof raw.code !== 'string') throw new ApiError(400, 'exec.code must be a string holding the JavaScript source of the action, or a base64 zip or tar.gz archive.');
  // OpenWhisk (Exec.isBinaryCode) decides by the code itself, not by the flag: base64 is an archive
  // (action-code.ts checks it), anything else is JavaScript text.
  const exec: Action['exec'] = { kind: registered.kind, code: raw.code, binary: isBase64Code(raw.code) };
  if (raw.main !== undefined) {
    if (typeof raw.main !== 'string' || !MAIN.test(raw.main)) throw new ApiError(400, `exec.main ${JSON.stringify(raw.main)} must be the name of a function, e.g. "main".`);
    exec.main = raw.main;
  }
  return exec;
}

export function validateKeyValues(raw: unknown, field: string): KeyValue[] {
  if (!Array.isArray(raw)) throw new ApiError(400, `'${field}' must be an array of {"key": string, "value": any}.`);
  return raw.map((kv, i) => {
    if (!isObject(kv) || typeof kv.key !== 'string' || kv.key.length === 0) {
      throw new ApiError(400, `${field}[${i}] must be {"key": non-empty string, "value": any}.`);
    }
    const out: KeyValue = { key: kv.key, value: kv.value === undefined ? null : kv.value };
    if (kv.init === true) out.init = true;
    return out;
  });
}

/** Limits as the REST API spells them: timeout ms, memory MB, logs MB, concurrency. */
export type ApiLimits = ActionLimits;

function validateLimits(raw: unknown, base: Readonly<ActionLimits>): ActionLimits {
  const limits = { ...base };
  if (raw === undefined || raw === null) return limits;
  if (!isObject(raw)) throw new ApiError(400, "'limits' must be an object: {timeout, memory, logs, concurrency}.");
  const units: Record<keyof ActionLimits, [string, number]> = { timeout: ['ms', 1], memory: ['MB', 1], logs: ['MB', MB], concurrency: ['', 1] };
  for (const [field, value] of Object.entries(raw)) {
    if (!(field in units)) throw new ApiError(400, `limits.${field} is not a limit: use timeout, memory, logs or concurrency.`);
    const f = field as keyof ActionLimits;
    const [unit, scale] = units[f];
    const [lo, hi] = LIMIT_RANGES[f];
    const n = typeof value === 'number' ? value : NaN;
    if (!Number.isInteger(n) || n * scale < lo || n * scale > hi) {
      const range = `${lo / scale}${unit ? ' ' + unit : ''} and ${hi / scale}${unit ? ' ' + unit : ''}`;
      throw new ApiError(400, `limits.${f} ${JSON.stringify(value)} is out of range: it must be an integer between ${range}.`);
    }
    limits[f] = n * scale;
  }
  return limits;
}

/** The store keeps log limits in bytes; the API speaks MB (OpenWhisk's LogLimit). */
export function apiLimits(limits: ActionLimits): ApiLimits {
  return { ...limits, logs: Math.round(limits.logs / MB) };
}

function validateBoolean(raw: unknown, field: string): boolean {
  if (typeof raw !== 'boolean') throw new ApiError(400, `'${field}' must be true or false.`);
  return raw;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
