// Triggers and rules over REST, OpenWhisk's shapes (openwhisk-notes §3.1): trigger CRUD and fire,
// a trigger's dead letters, rule CRUD and enable/disable.
import type { Rule, Trigger } from '../../shared/model/trigger.js';
import { ApiError, MESSAGES } from '../api-error.js';
import { boolParam, paging, type ApiRequest, type Reply } from '../api-request.js';
import { readJsonObject } from '../http-body.js';
import { ACTIVATION_ID_HEADER } from '../invoke-api.js';
import { validateName } from '../action-validation.js';
import { validateRulePut, validateTriggerPut } from './trigger-validation.js';
import { EntityNotFoundError } from '../activation/activation-errors.js';
import { resolveAction } from '../packages/package-resolver.js';

export function triggerJson(t: Trigger, rules?: Rule[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    namespace: t.namespace, name: t.name, version: t.version, parameters: t.parameters, annotations: t.annotations,
    limits: {}, publish: t.publish, updated: t.updated,
  };
  if (rules && rules.length > 0) {
    out.rules = Object.fromEntries(rules.map((r) => [`${r.namespace}/${r.name}`, { action: { name: r.action.name, path: r.action.namespace }, status: r.status }]));
  }
  return out;
}

export function ruleJson(r: Rule): Record<string, unknown> {
  return {
    namespace: r.namespace, name: r.name, version: r.version, status: r.status,
    trigger: { path: r.trigger.namespace, name: r.trigger.name },
    action: { path: r.action.namespace, name: r.action.name },
    annotations: r.annotations, publish: r.publish, updated: r.updated,
  };
}

async function rulesOf(r: ApiRequest, trigger: string): Promise<Rule[]> {
  const all = await r.deps.stores.rules.list(r.namespace, { limit: 10_000, skip: 0 });
  return all.filter((x) => x.trigger.namespace === r.namespace && x.trigger.name === trigger);
}

export const triggersApi = {
  async list(r: ApiRequest): Promise<Reply> {
    const ts = await r.deps.stores.triggers.list(r.namespace, paging(r.url));
    return { status: 200, body: ts.map((t) => triggerJson(t)) };
  },

  async get(r: ApiRequest, name: string): Promise<Reply> {
    const t = await r.deps.stores.triggers.get(r.namespace, validateName(name, 'trigger name'));
    if (!t) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: triggerJson(t, await rulesOf(r, t.name)) };
  },

  async put(r: ApiRequest, name: string): Promise<Reply> {
    const overwrite = boolParam(r.url, 'overwrite');
    const body = await readJsonObject(r.req, r.deps.config.payloadLimitBytes);
    const existing = overwrite ? await r.deps.stores.triggers.get(r.namespace, name) : undefined;
    const result = await r.deps.stores.triggers.put(validateTriggerPut(r.namespace, name, body, existing), { overwrite });
    if (result.outcome === 'exists') throw new ApiError(409, MESSAGES.exists);
    return { status: 200, body: triggerJson(result.entity) };
  },

  async delete(r: ApiRequest, name: string): Promise<Reply> {
    const t = await r.deps.stores.triggers.delete(r.namespace, validateName(name, 'trigger name'));
    if (!t) throw new ApiError(404, MESSAGES.notFound);
    // Its feed goes with it: a deleted trigger stops consuming and its alarms stop. Its rules stay
    // (OpenWhisk's behaviour) and can be deleted afterwards.
    await r.deps.feeds.deleteFeedOf(r.namespace, t.name);
    return { status: 200, body: triggerJson(t) };
  },

  async fire(r: ApiRequest, name: string): Promise<Reply> {
    const event = await readJsonObject(r.req, r.deps.config.payloadLimitBytes);
    const id = await r.deps.firer.fire(r.identity, validateName(name, 'trigger name'), event, { trace: r.trace });
    if (!id) return { status: 204 };
    return { status: 202, body: { activationId: id }, headers: { [ACTIVATION_ID_HEADER]: id } };
  },

  /** GET …/triggers/{t}/deadletters: rule activations that failed after every retry, newest first. */
  async deadLetters(r: ApiRequest, name: string): Promise<Reply> {
    const t = await r.deps.stores.triggers.get(r.namespace, validateName(name, 'trigger name'));
    if (!t) throw new ApiError(404, MESSAGES.notFound);
    if (r.method === 'DELETE') {
      await r.deps.stores.feeds.clearDeadLetters(r.namespace, t.name);
      return { status: 200, body: [] };
    }
    return { status: 200, body: await r.deps.stores.feeds.deadLetters(r.namespace, t.name, paging(r.url)) };
  },
};

export const rulesApi = {
  async list(r: ApiRequest): Promise<Reply> {
    const rules = await r.deps.stores.rules.list(r.namespace, paging(r.url));
    return { status: 200, body: rules.map(ruleJson) };
  },

  async get(r: ApiRequest, name: string): Promise<Reply> {
    const rule = await r.deps.stores.rules.get(r.namespace, validateName(name, 'rule name'));
    if (!rule) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: ruleJson(rule) };
  },

  async put(r: ApiRequest, name: string): Promise<Reply> {
    const { stores } = r.deps;
    const overwrite = boolParam(r.url, 'overwrite');
    const body = await readJsonObject(r.req, r.deps.config.payloadLimitBytes);
    const existing = await stores.rules.get(r.namespace, validateName(name, 'rule name'));
    if (existing && !overwrite) throw new ApiError(409, MESSAGES.exists);
    // OpenWhisk refuses to change a rule that is active: disable it first.
    if (existing && existing.status === 'active') throw new ApiError(409, `Rule '${r.namespace}/${name}' is active; disable it (POST {"status": "inactive"}) before updating it.`);
    const input = validateRulePut(r.namespace, name, body, existing);
    const trigger = await stores.triggers.get(input.trigger.namespace, input.trigger.name);
    if (!trigger) throw new ApiError(404, `The trigger '/${input.trigger.namespace}/${input.trigger.name}' named by the rule does not exist.`);
    // The action as an activation will find it: through its package or binding, with the one
    // entitlement check (another namespace's action only inside a shared package, else 403).
    const missing = new ApiError(404, `The action '/${input.action.namespace}/${input.action.name}' named by the rule does not exist.`);
    const ref = await resolveAction(stores.packages, r.deps.entitlement, r.identity, input.action).catch((err: unknown) => {
      throw err instanceof EntityNotFoundError ? missing : err;
    });
    if (!(await stores.actions.get(ref.namespace, ref.name))) throw missing;
    const result = await stores.rules.put(input, { overwrite });
    if (result.outcome === 'exists') throw new ApiError(409, MESSAGES.exists);
    return { status: 200, body: ruleJson(result.entity) };
  },

  async delete(r: ApiRequest, name: string): Promise<Reply> {
    const rule = await r.deps.stores.rules.delete(r.namespace, validateName(name, 'rule name'));
    if (!rule) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: ruleJson(rule) };
  },

  /** POST {status: "active"|"inactive"}: 200 when already so, 202 when changed. */
  async setStatus(r: ApiRequest, name: string): Promise<Reply> {
    const body = await readJsonObject(r.req, r.deps.config.payloadLimitBytes);
    const status = body.status;
    if (status !== 'active' && status !== 'inactive') throw new ApiError(400, 'The body must be {"status": "active"} or {"status": "inactive"}.');
    const rule = await r.deps.stores.rules.get(r.namespace, validateName(name, 'rule name'));
    if (!rule) throw new ApiError(404, MESSAGES.notFound);
    if (rule.status === status) return { status: 200 };
    if (!(await r.deps.stores.rules.setField(r.namespace, rule.name, 'status', status))) throw new ApiError(404, MESSAGES.notFound);
    return { status: 202 };
  },
};
