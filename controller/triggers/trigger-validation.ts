// PUT bodies of triggers and rules, fully qualified entity names, and a trigger's retry policy:
// every 400 says which field is wrong and what would be accepted.
import type { KeyValue } from '../../shared/model/action.js';
import { DEFAULT_RETRY_POLICY, type EntityRef, type RetryPolicy, type Rule, type Trigger } from '../../shared/model/trigger.js';
import type { EntityInput } from '../../shared/store/entity-store.js';
import { validateKeyValues, validateName } from '../action-validation.js';
import { ApiError } from '../api-error.js';

/** The annotation a trigger's retry policy lives in: the official client can set annotations. */
export const RETRY_ANNOTATION = 'photon:retry';

export function validateTriggerPut(namespace: string, name: string, body: Record<string, unknown>, existing?: Trigger): EntityInput<Trigger> {
  validateName(name, 'trigger name');
  const annotations = body.annotations === undefined ? (existing?.annotations ?? []) : validateKeyValues(body.annotations, 'annotations');
  retryPolicyOf(annotations, true);
  if (body.limits !== undefined && (typeof body.limits !== 'object' || body.limits === null || Array.isArray(body.limits))) {
    throw new ApiError(400, "'limits' of a trigger must be an object (triggers have no limits: {}).");
  }
  if (body.publish !== undefined && typeof body.publish !== 'boolean') throw new ApiError(400, "'publish' must be true or false.");
  return {
    namespace,
    name,
    parameters: body.parameters === undefined ? (existing?.parameters ?? []) : validateKeyValues(body.parameters, 'parameters'),
    annotations,
    limits: {},
    publish: typeof body.publish === 'boolean' ? body.publish : (existing?.publish ?? false),
  };
}

export function validateRulePut(namespace: string, name: string, body: Record<string, unknown>, existing?: Rule): EntityInput<Rule> {
  validateName(name, 'rule name');
  const trigger = body.trigger === undefined && existing ? existing.trigger : entityRef(body.trigger, 'trigger', namespace);
  const action = body.action === undefined && existing ? existing.action : entityRef(body.action, 'action', namespace);
  if (trigger.namespace !== namespace) throw new ApiError(400, `A rule and its trigger must be in one namespace: the rule is in '${namespace}', the trigger in '${trigger.namespace}'.`);
  return {
    namespace,
    name,
    trigger,
    action,
    // OpenWhisk creates rules active; an update keeps the status the rule had.
    status: existing?.status ?? 'active',
    annotations: body.annotations === undefined ? (existing?.annotations ?? []) : validateKeyValues(body.annotations, 'annotations'),
    publish: typeof body.publish === 'boolean' ? body.publish : (existing?.publish ?? false),
  };
}

/**
 * "/ns/name", "ns/name" or "name" (the caller's namespace); "_" is the caller's namespace too. An
 * action may be in a package: "/ns/pkg/name" (what the openwhisk client sends for "pkg/name"),
 * answered with the namespace path "ns/pkg".
 */
export function entityRef(raw: unknown, field: string, callerNamespace: string): EntityRef {
  if (typeof raw !== 'string' || raw.length === 0) throw new ApiError(400, `The rule needs '${field}': a name like "/${callerNamespace}/my-${field}".`);
  const parts = raw.replace(/^\//, '').split('/');
  const inPackage = parts.length === 3 && raw.startsWith('/') && field === 'action';
  if (parts.length > 2 && !inPackage) throw new ApiError(400, `'${field}' '${raw}' is not valid: use "/namespace/name"${field === 'action' ? ' or "/namespace/package/name"' : ''}.`);
  const [ns, name] = parts.length >= 2 ? [parts[0]!, parts[parts.length - 1]!] : [callerNamespace, parts[0]!];
  const namespace = ns === '_' ? callerNamespace : validateName(ns, `${field} namespace`);
  return { namespace: inPackage ? `${namespace}/${validateName(parts[1]!, 'package name')}` : namespace, name: validateName(name, `${field} name`) };
}

/** The trigger's retry policy from its `photon:retry` annotation; strict: 400 on a malformed one. */
export function retryPolicyOf(annotations: KeyValue[], strict = false): RetryPolicy {
  const raw = annotations.find((kv) => kv.key === RETRY_ANNOTATION)?.value;
  if (raw === undefined || raw === null) return { ...DEFAULT_RETRY_POLICY };
  const bad = (): RetryPolicy => {
    if (strict) throw new ApiError(400, `The annotation '${RETRY_ANNOTATION}' must be {"retries": 0..10, "delayMs": 10..3600000, "maxDelayMs": ≥ delayMs}.`);
    return { ...DEFAULT_RETRY_POLICY };
  };
  if (typeof raw !== 'object' || Array.isArray(raw)) return bad();
  const r = raw as Record<string, unknown>;
  const policy = { ...DEFAULT_RETRY_POLICY, ...r } as Record<string, unknown>;
  const { retries, delayMs, maxDelayMs } = policy;
  if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > 10) return bad();
  if (!Number.isInteger(delayMs) || (delayMs as number) < 10 || (delayMs as number) > 3_600_000) return bad();
  const max = maxDelayMs === undefined ? Math.max(delayMs as number, DEFAULT_RETRY_POLICY.maxDelayMs) : maxDelayMs;
  if (!Number.isInteger(max) || (max as number) < (delayMs as number)) return bad();
  return { retries: retries as number, delayMs: delayMs as number, maxDelayMs: max as number };
}
