// GET/PUT/DELETE of actions and their list (openwhisk-notes §3.1). Invoke is in invoke-api.ts.
import type { Action } from '../shared/model/action.js';
import { actionBodyLimit, checkActionCode } from './action-code.js';
import { apiLimits, validateActionPut, validateName } from './action-validation.js';
import { ApiError, MESSAGES } from './api-error.js';
import { boolParam, paging, type ApiRequest, type Reply } from './api-request.js';
import { readJsonObject } from './http-body.js';

/** The entity as OpenWhisk answers it; revision stays internal. */
export function actionJson(a: Action, withCode = true): Record<string, unknown> {
  const { code, ...execWithoutCode } = a.exec;
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

export function actionName(name: string): string {
  // Packages are not implemented: `pkg/action` cannot exist, so it is not found rather than malformed.
  if (name.includes('/')) throw new ApiError(404, `${MESSAGES.notFound} photon does not implement packages yet.`);
  return validateName(name, 'action name');
}

export const actionsApi = {
  async list(r: ApiRequest): Promise<Reply> {
    const actions = await r.deps.stores.actions.list(r.namespace, paging(r.url));
    // OpenWhisk lists without code.
    return { status: 200, body: actions.map((a) => actionJson(a, false)) };
  },

  async get(r: ApiRequest, rawName: string): Promise<Reply> {
    const a = await r.deps.stores.actions.get(r.namespace, actionName(rawName));
    if (!a) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: actionJson(a, boolParam(r.url, 'code', true)) };
  },

  async put(r: ApiRequest, rawName: string): Promise<Reply> {
    const name = actionName(rawName);
    const overwrite = boolParam(r.url, 'overwrite');
    // Only this route (and nothing else) takes bodies the size of action code.
    const body = await readJsonObject(r.req, actionBodyLimit(r.deps.config));
    const existing = overwrite ? await r.deps.stores.actions.get(r.namespace, name) : undefined;
    const input = validateActionPut(r.namespace, name, body, existing);
    if (body.exec !== undefined) await checkActionCode(input.exec, r.deps.config.codeLimitBytes);
    const result = await r.deps.stores.actions.put(input, { overwrite });
    if (result.outcome === 'exists') throw new ApiError(409, MESSAGES.exists);
    return { status: 200, body: actionJson(result.action) };
  },

  async delete(r: ApiRequest, rawName: string): Promise<Reply> {
    const a = await r.deps.stores.actions.delete(r.namespace, actionName(rawName));
    if (!a) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: actionJson(a) };
  },
};
