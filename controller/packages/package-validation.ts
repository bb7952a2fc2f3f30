// PUT bodies of packages and bindings (OpenWhisk's WhiskPackagePut), with OpenWhisk's messages
// where clients and users know them (http/ErrorResponse.scala Messages).
import type { Package } from '../../shared/model/package.js';
import type { EntityRef } from '../../shared/model/trigger.js';
import type { EntityInput } from '../../shared/store/entity-store.js';
import { validateKeyValues, validateName } from '../action-validation.js';
import { ApiError } from '../api-error.js';

export const PACKAGE_MESSAGES = Object.freeze({
  bindingDoesNotExist: 'Binding references a package that does not exist.',
  packageCannotBecomeBinding: 'Resource is a package and cannot be converted into a binding.',
  bindingCannotReferenceBinding: 'Cannot bind to another package binding.',
  notAllowedOnBinding: 'Operation not permitted on package binding.',
  reserved: (name: string): string => `Package name '${name}' is reserved.`,
  notEmpty: (n: number): string => `Package not empty (contains ${n} ${n === 1 ? 'entity' : 'entities'})`,
});

/** OpenWhisk reserves `default`: the implicit package of every namespace. */
const RESERVED = new Set(['default']);

/** The annotation OpenWhisk's controller sets on a binding (clients listing packages read it). */
export const BINDING_ANNOTATION = 'binding';

export function validatePackageName(name: string): string {
  validateName(name, 'package name');
  if (RESERVED.has(name)) throw new ApiError(400, PACKAGE_MESSAGES.reserved(name));
  return name;
}

/**
 * The package a PUT body describes. On update (existing given) absent fields keep their value,
 * as OpenWhisk's update does. The binding is only parsed here; whether it may be bound (exists,
 * is not a binding, is readable) is the API's check.
 */
export function validatePackagePut(namespace: string, name: string, body: Record<string, unknown>, existing?: Package): EntityInput<Package> {
  validatePackageName(name);
  // An empty binding `{}` (what packages answer for `binding`) on an update keeps what the entity is.
  const binding = body.binding === undefined ? existing?.binding : (bindingRef(body.binding, namespace) ?? existing?.binding);
  if (body.publish !== undefined && typeof body.publish !== 'boolean') throw new ApiError(400, "'publish' must be true or false.");
  // The binding annotation is always the controller's: one from the body is dropped.
  const annotations = (body.annotations === undefined ? (existing?.annotations ?? []) : validateKeyValues(body.annotations, 'annotations'))
    .filter((kv) => kv.key !== BINDING_ANNOTATION);
  if (binding) annotations.push({ key: BINDING_ANNOTATION, value: { namespace: binding.namespace, name: binding.name } });
  return {
    namespace,
    name,
    ...(binding ? { binding } : {}),
    parameters: body.parameters === undefined ? (existing?.parameters ?? []) : validateKeyValues(body.parameters, 'parameters'),
    annotations,
    publish: typeof body.publish === 'boolean' ? body.publish : (existing?.publish ?? false),
  };
}

/** `{namespace, name}` (OpenWhisk's Binding); `_` or no namespace is the caller's. `{}` means no binding. */
function bindingRef(raw: unknown, callerNamespace: string): EntityRef | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError(400, "'binding' must be {\"namespace\": \"ns\", \"name\": \"package\"}.");
  const b = raw as Record<string, unknown>;
  if (Object.keys(b).length === 0) return undefined;
  if (typeof b.name !== 'string') throw new ApiError(400, "'binding' must be {\"namespace\": \"ns\", \"name\": \"package\"}: 'name' is missing.");
  if (b.namespace !== undefined && typeof b.namespace !== 'string') throw new ApiError(400, "'binding.namespace' must be a string.");
  const ns = b.namespace === undefined || b.namespace === '_' || b.namespace === '' ? callerNamespace : b.namespace.replace(/^\//, '');
  return { namespace: validateName(ns, 'binding namespace'), name: validateName(b.name, 'binding package name') };
}
