// GET/PUT/DELETE of actions and their list (openwhisk-notes §3.1), in a namespace or a package:
// `…/actions/{name}` and `…/actions/{pkg}/{name}` (the openwhisk client sends `pkg/name` as two
// path segments). Invoke is in invoke-api.ts.
import type { Action } from '../shared/model/action.js';
import { actionBodyLimit, checkActionCode } from './action-code.js';
import { mergeParameters } from '../shared/model/parameters.js';
import { splitPath } from '../shared/model/package.js';
import { apiLimits, validateActionPut, validateName } from './action-validation.js';
import { ApiError, MESSAGES } from './api-error.js';
import { boolParam, paging, type ApiRequest, type Reply } from './api-request.js';
import { readJsonObject } from './http-body.js';
import { resolveAction } from './packages/package-resolver.js';
import { PACKAGE_MESSAGES } from './packages/package-validation.js';
import { SEQUENCE_KIND } from '../shared/model/action-kinds.js';
import { checkSequence } from './compositions/sequence-check.js';

/** The entity as OpenWhisk answers it; revision stays internal. `namespace` is `ns/pkg` for an action in a package. */
export function actionJson(a: Action, withCode = true): Record<string, unknown> {
  const { code, ...execWithoutCode } = a.exec;
  // A sequence has components, never code (OpenWhisk's SequenceExec).
  if (a.exec.kind === SEQUENCE_KIND) withCode = false;
  return {
    namespace: a.namespace,
    name: a.name,
    version: a.version,
    exec: withCode ? { ...execWithoutCode, code } : execWithoutCode,
    parameters: a.parameters,
    annotations: [...a.annotations.filter((kv) => kv.key !== 'exec'), { key: 'exec', value: a.exec.kind }],
    limits: apiLimits(a.limits),
    publish: a.publish,
    updated: a.updated,
  };
}

/** An action a request names: the namespace path it lives under (`ns` or `ns/pkg`) and its name. */
export interface ActionRef {
  path: string;
  name: string;
}

/** `name` or `pkg/name` under the request's namespace path (itself `ns` or, from `ns%2Fpkg`, `ns/pkg`). */
export function actionRef(namespacePath: string, rawName: string): ActionRef {
  const parts = rawName.split('/');
  if (parts.length > 2 || (parts.length === 2 && splitPath(namespacePath).pkg !== undefined)) {
    throw new ApiError(400, `The name of the entity contains illegal characters. The action '${rawName}' is not valid: name an action 'name' or 'package/name'.`);
  }
  if (parts.length === 2) return { path: `${namespacePath}/${validateName(parts[0]!, 'package name')}`, name: validateName(parts[1]!, 'action name') };
  return { path: namespacePath, name: validateName(rawName, 'action name') };
}

/** A write into a package needs the package, and never goes into a binding (OpenWhisk's notAllowedOnBinding). */
async function writablePackage(r: ApiRequest, path: string): Promise<void> {
  const { namespace, pkg } = splitPath(path);
  if (pkg === undefined) return;
  const p = await r.deps.stores.packages.get(namespace, pkg);
  if (!p) throw new ApiError(404, MESSAGES.notFound);
  if (p.binding) throw new ApiError(400, PACKAGE_MESSAGES.notAllowedOnBinding);
}

export const actionsApi = {
  /**
   * A package's actions (`ns/pkg`), or a namespace's: its own and those of its packages, most
   * recently updated first, as OpenWhisk's list (its view emits package actions under the root too).
   */
  async list(r: ApiRequest): Promise<Reply> {
    const { limit, skip } = paging(r.url);
    const { stores } = r.deps;
    let actions: Action[];
    if (splitPath(r.path).pkg !== undefined) {
      actions = await stores.actions.list(r.path, { limit, skip });
    } else {
      const packages = (await stores.packages.list(r.path, { limit: 100_000, skip: 0 })).filter((p) => !p.binding);
      const paths = [r.path, ...packages.map((p) => `${p.namespace}/${p.name}`)];
      // Each path's first skip+limit are enough to page the merged list.
      const lists = await Promise.all(paths.map((path) => stores.actions.list(path, { limit: skip + limit, skip: 0 })));
      actions = lists.flat().sort((a, b) => b.updated - a.updated || a.name.localeCompare(b.name)).slice(skip, skip + limit);
    }
    // OpenWhisk lists without code.
    return { status: 200, body: actions.map((a) => actionJson(a, false)) };
  },

  /** Through a package or binding the action carries their parameters under its own (OpenWhisk's inherit). */
  async get(r: ApiRequest, ref: ActionRef): Promise<Reply> {
    const resolved = await resolveAction(r.deps.stores.packages, r.deps.entitlement, r.identity, { namespace: ref.path, name: ref.name });
    const stored = await r.deps.stores.actions.get(resolved.namespace, resolved.name);
    if (!stored) throw new ApiError(404, MESSAGES.notFound);
    // A new object: what the store answers may be shared and frozen (action-store.ts).
    const a = resolved.packageLayers.length === 0 ? stored
      : { ...stored, parameters: Object.entries(mergeParameters(...resolved.packageLayers, stored.parameters)).map(([key, value]) => ({ key, value })) };
    return { status: 200, body: actionJson(a, boolParam(r.url, 'code', true)) };
  },

  async put(r: ApiRequest, ref: ActionRef): Promise<Reply> {
    const overwrite = boolParam(r.url, 'overwrite');
    // Only this route (and nothing else) takes bodies the size of action code.
    const body = await readJsonObject(r.req, actionBodyLimit(r.deps.config));
    await writablePackage(r, ref.path);
    const existing = overwrite ? await r.deps.stores.actions.get(ref.path, ref.name) : undefined;
    const input = validateActionPut(ref.path, ref.name, body, existing);
    if (body.exec !== undefined) await checkActionCode(input.exec, r.deps.config.codeLimitBytes);
    if (body.exec !== undefined && input.exec.kind === SEQUENCE_KIND) {
      const { stores, entitlement, config } = r.deps;
      input.exec.components = await checkSequence({ stores, entitlement, maxLength: config.sequenceMaxLength }, r.identity, { namespace: ref.path, name: ref.name }, input.exec.components ?? []);
    }
    const result = await r.deps.stores.actions.put(input, { overwrite });
    if (result.outcome === 'exists') throw new ApiError(409, MESSAGES.exists);
    return { status: 200, body: actionJson(result.action) };
  },

  async delete(r: ApiRequest, ref: ActionRef): Promise<Reply> {
    await writablePackage(r, ref.path);
    const a = await r.deps.stores.actions.delete(ref.path, ref.name);
    if (!a) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: actionJson(a) };
  },
};
