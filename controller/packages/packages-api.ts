// Packages and bindings over REST, OpenWhisk's shapes and rules (core/controller/Packages.scala,
// openwhisk-notes §3.1): PUT (create, ?overwrite update with a version bump, bindings checked),
// GET (a binding answers the bound package's actions with its parameters on top), list
// (limit/skip/count/public; another namespace's list shows only its shared packages), DELETE
// (refused while the package holds actions; a binding is always deletable). Who may do what was
// decided before these run (entitlement.ts).
import type { Action } from '../../shared/model/action.js';
import type { Package } from '../../shared/model/package.js';
import { ApiError, MESSAGES } from '../api-error.js';
import { boolParam, paging, type ApiRequest, type Reply } from '../api-request.js';
import { readJsonObject } from '../http-body.js';
import { PACKAGE_MESSAGES, validatePackageName, validatePackagePut } from './package-validation.js';

/** Every action of one package: the package-not-empty check and GET's listing (OpenWhisk lists them all). */
const ALL = { limit: 100_000, skip: 0 };

export function packageJson(p: Package): Record<string, unknown> {
  return {
    namespace: p.namespace, name: p.name, version: p.version, publish: p.publish,
    binding: p.binding ? { namespace: p.binding.namespace, name: p.binding.name } : {},
    parameters: p.parameters, annotations: p.annotations, updated: p.updated,
  };
}

/** OpenWhisk's WhiskPackageAction: what a package GET lists of each action (feeds are the actions annotated `feed`). */
function packageActionJson(a: Action): Record<string, unknown> {
  return { name: a.name, version: a.version, annotations: a.annotations };
}

export const packagesApi = {
  async list(r: ApiRequest): Promise<Reply> {
    const { limit, skip } = paging(r.url);
    const own = r.namespace === r.identity.namespace;
    const onlyPublic = !own || boolParam(r.url, 'public');
    const all = onlyPublic
      ? (await r.deps.stores.packages.list(r.namespace, ALL)).filter((p) => p.publish && (own || !p.binding))
      : undefined;
    if (boolParam(r.url, 'count')) {
      const n = all ? all.length : (await r.deps.stores.packages.list(r.namespace, ALL)).length;
      return { status: 200, body: { packages: Math.max(0, n - skip) } };
    }
    const page = all ? all.slice(skip, skip + limit) : await r.deps.stores.packages.list(r.namespace, { limit, skip });
    return { status: 200, body: page.map(packageJson) };
  },

  async get(r: ApiRequest, rawName: string): Promise<Reply> {
    const { stores } = r.deps;
    const p = await stores.packages.get(r.namespace, validatePackageName(rawName));
    if (!p) throw new ApiError(404, MESSAGES.notFound);
    let source = p;
    let parameters = p.parameters;
    if (p.binding) {
      // The bound package must (still) be readable by the binding's owner.
      await r.deps.entitlement.check(r.identity, 'read', { path: p.binding.namespace, collection: 'packages', name: p.binding.name });
      const target = await stores.packages.get(p.binding.namespace, p.binding.name);
      if (!target || target.binding) throw new ApiError(404, MESSAGES.notFound);
      source = target;
      // OpenWhisk's inherit: the bound package's parameters, the binding's own on top.
      const own = new Set(p.parameters.map((kv) => kv.key));
      parameters = [...target.parameters.filter((kv) => !own.has(kv.key)), ...p.parameters];
    }
    const actions = await stores.actions.list(`${source.namespace}/${source.name}`, ALL);
    const isFeed = (a: Action): boolean => a.annotations.some((kv) => kv.key === 'feed');
    return {
      status: 200,
      body: {
        ...packageJson(p), parameters,
        actions: actions.filter((a) => !isFeed(a)).map(packageActionJson),
        feeds: actions.filter(isFeed).map(packageActionJson),
      },
    };
  },

  async put(r: ApiRequest, rawName: string): Promise<Reply> {
    const { stores } = r.deps;
    const name = validatePackageName(rawName);
    const overwrite = boolParam(r.url, 'overwrite');
    const body = await readJsonObject(r.req, r.deps.config.payloadLimitBytes);
    const existing = await stores.packages.get(r.namespace, name);
    if (existing && !overwrite) throw new ApiError(409, MESSAGES.exists);
    const input = validatePackagePut(r.namespace, name, body, overwrite ? existing : undefined);
    if (body.binding !== undefined && input.binding) {
      if (existing && !existing.binding) throw new ApiError(409, PACKAGE_MESSAGES.packageCannotBecomeBinding);
      const b = input.binding;
      // Reading the bound package: another namespace's private package (or binding, or nothing) is 403.
      await r.deps.entitlement.check(r.identity, 'read', { path: b.namespace, collection: 'packages', name: b.name });
      const target = await stores.packages.get(b.namespace, b.name);
      if (!target) throw new ApiError(400, PACKAGE_MESSAGES.bindingDoesNotExist);
      // Also refuses a binding to itself: the only way a binding loop could start.
      if (target.binding) throw new ApiError(400, PACKAGE_MESSAGES.bindingCannotReferenceBinding);
    }
    const result = await stores.packages.put(input, { overwrite });
    if (result.outcome === 'exists') throw new ApiError(409, MESSAGES.exists);
    return { status: 200, body: packageJson(result.entity) };
  },

  async delete(r: ApiRequest, rawName: string): Promise<Reply> {
    const { stores } = r.deps;
    const name = validatePackageName(rawName);
    const p = await stores.packages.get(r.namespace, name);
    if (!p) throw new ApiError(404, MESSAGES.notFound);
    // A package may only go once its actions are gone; bindings that point at it may stay (they
    // answer 404 from then on), as in OpenWhisk.
    if (!p.binding) {
      const held = await stores.actions.list(`${p.namespace}/${p.name}`, ALL);
      if (held.length > 0) throw new ApiError(409, PACKAGE_MESSAGES.notEmpty(held.length));
    }
    const gone = await stores.packages.delete(r.namespace, name);
    if (!gone) throw new ApiError(404, MESSAGES.notFound);
    return { status: 200, body: packageJson(gone) };
  },
};
