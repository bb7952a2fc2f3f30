// OpenWhisk's API gateway (`wsk api`, the openwhisk client's `routes`), inside the controller:
//
//   management  /api/v1/web/whisk.system/apimgmt/{createApi,getApi,deleteApi}: the web actions the
//               official client calls, answered here (NativeWebAction) with the shapes of OpenWhisk's
//               core/routemgmt actions (apigw-utils.js, the API GW v2 flavour): an API per namespace
//               and base path, a swagger 2.0 document whose operations carry `x-openwhisk`
//   serving     /api/gw/{namespace}{basePath}{relPath}: the route's web action answers, through the
//               same web action path as /api/v1/web; path parameters (`/books/{isbn}`) are passed
//               by name, and with response type http `__ow_path` is the request's base path +
//               path, as OpenWhisk's gateway appends it
//
// Errors are OpenWhisk's: 502 `{error}` bodies from the management actions (their application
// errors), 404 for a gateway path no route matches.
import type { IncomingMessage } from 'node:http';
import type { GatewayApi, SwaggerApi, SwaggerOperation } from '../../shared/model/gateway-api.js';
import type { EntityStore } from '../../shared/store/entity-store.js';
import { EXTENSIONS, type WebExtension, type WebPath } from './web-path.js';
import type { NativeWebAction } from './web-actions.js';

/** Where the gateway serves routes on the controller's port. */
export const GATEWAY_PREFIX = '/api/gw';

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

type Result = Record<string, unknown>;

const ok = (body: unknown): Result => ({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body });
const failed = (error: string): Result => ({ statusCode: 502, headers: { 'Content-Type': 'application/json' }, body: { error } });

export interface RouteMatch {
  target: WebPath;
  pathParams: Record<string, string>;
}

export class ApiGateway {
  readonly #apis: EntityStore<GatewayApi>;

  constructor(apis: EntityStore<GatewayApi>) {
    this.#apis = apis;
  }

  /** The management actions, keyed as the web action router looks them up (`apimgmt/createApi`, …). */
  actions(): Map<string, NativeWebAction> {
    return new Map<string, NativeWebAction>([
      ['apimgmt/createApi', (p, req) => this.#create(p, req)],
      ['apimgmt/getApi', (p, req) => this.#get(p, req)],
      ['apimgmt/deleteApi', (p) => this.#delete(p)],
    ]);
  }

  async #create(p: Result, req: IncomingMessage): Promise<Result> {
    const user = p.__ow_user;
    if (typeof user !== 'string') return failed('A valid auth key is required.');
    let doc = p.apidoc;
    if (typeof doc === 'string') {
      try { doc = JSON.parse(doc); } catch { return failed('apidoc field cannot be parsed. Ensure it is valid JSON.'); }
    }
    if (!isObject(doc)) return failed('apidoc is required.');
    if (!doc.namespace) return failed('apidoc is missing the namespace field');
    const responseType = typeof p.responsetype === 'string' ? p.responsetype : 'json';
    if (!(EXTENSIONS as readonly string[]).includes(responseType)) return failed(`API creation failure: response type '${responseType}' is not one of ${EXTENSIONS.join(', ')}.`);
    let swagger: SwaggerApi;
    if (doc.swagger !== undefined) {
      const s = typeof doc.swagger === 'string' ? safeParse(doc.swagger) : doc.swagger;
      if (!isObject(s) || typeof s.basePath !== 'string' || !isObject(s.paths) || !isObject(s.info)) return failed('swagger is missing the basePath, paths or info field.');
      swagger = s as unknown as SwaggerApi;
    } else {
      const missing = ['gatewayBasePath', 'gatewayPath', 'gatewayMethod', 'action'].find((f) => !doc[f]);
      if (missing) return failed(`apidoc is missing the ${missing} field`);
      const action = doc.action as Result;
      if (!isObject(action) || typeof action.name !== 'string' || typeof action.namespace !== 'string') return failed('action is missing the name or namespace field.');
      const basePath = String(doc.gatewayBasePath);
      const relPath = String(doc.gatewayPath);
      const verb = String(doc.gatewayMethod).toLowerCase();
      if (!VERBS.has(verb)) return failed(`API creation failure: '${verb}' is not an HTTP verb.`);
      if (/\{[^/]+\}/.test(basePath)) return failed(`API creation failure: The base path (${basePath}) cannot have parameters. Only the relative path supports path parameters.`);
      const params = pathParameters(relPath);
      if (params.length > 0 && responseType !== 'http') return failed("API creation failure: The action must use a response type of '.http' in order to receive the path parameters.");
      // `_` is the caller's own namespace (OpenWhisk's updateNamespace).
      const namespace = action.namespace === '_' ? user : action.namespace;
      const [pkg, name] = action.name.includes('/') ? action.name.split('/', 2) as [string, string] : ['', action.name];
      const existing = await this.#apis.get(user, basePath);
      swagger = existing?.swagger ?? {
        swagger: '2.0', info: { title: typeof doc.apiName === 'string' ? doc.apiName : basePath, version: '1.0.0' }, basePath, paths: {},
        'x-ibm-configuration': { assembly: {}, cors: { enabled: true } },
      };
      const op: SwaggerOperation = {
        operationId: operationId(verb, relPath),
        ...(params.length > 0 ? { parameters: params.map((n) => ({ name: n, in: 'path', description: `Default description for '${n}'`, required: true, type: 'string' })) } : {}),
        'x-openwhisk': { url: `${origin(req)}/api/v1/web/${namespace}/${pkg || 'default'}/${name}.${responseType}`, namespace, package: pkg, action: name },
        responses: { default: { description: 'Default response' } },
      };
      swagger.paths[relPath] = { ...(swagger.paths[relPath] ?? {}), [verb]: op };
    }
    await this.#apis.put({ namespace: user, name: swagger.basePath, swagger }, { overwrite: true });
    return ok(cliValue(swagger, user, req));
  }

  async #get(p: Result, req: IncomingMessage): Promise<Result> {
    const user = p.__ow_user;
    // OpenWhisk's getApi also takes a `namespace` parameter from anyone; photon answers only a
    // caller's own APIs, to its key.
    if (typeof user !== 'string') return failed('Invalid authentication.');
    const limit = Math.min(Math.max(Number(p.limit ?? 200) || 200, 1), 200);
    const skip = Math.max(Number(p.skip ?? 0) || 0, 0);
    const all = await this.#apis.list(user, { limit: 200, skip: 0 });
    const basepath = typeof p.basepath === 'string' ? p.basepath : undefined;
    const chosen = all.filter((a) => basepath === undefined || a.name === basepath || a.swagger.info.title === basepath)
      .map((a) => filtered(a.swagger, p.relpath, p.operation)).filter((s): s is SwaggerApi => s !== undefined);
    return ok({ apis: chosen.slice(skip, skip + limit).map((s) => ({ id: 'Not Used', key: 'Not Used', value: cliValue(s, user, req) })) });
  }

  async #delete(p: Result): Promise<Result> {
    const user = p.__ow_user;
    if (typeof user !== 'string') return failed('Invalid authentication.');
    if (typeof p.basepath !== 'string' || p.basepath === '') return failed('basepath is required.');
    if (!p.relpath && p.operation) return failed('When specifying an operation, the path is required.');
    const all = await this.#apis.list(user, { limit: 200, skip: 0 });
    const api = all.find((a) => a.name === p.basepath || a.swagger.info.title === p.basepath);
    if (!api) return failed(`API deletion failure: API '${p.basepath}' does not exist.`);
    if (typeof p.relpath === 'string' && p.relpath !== '') {
      const path = api.swagger.paths[p.relpath];
      const verb = typeof p.operation === 'string' ? p.operation.toLowerCase() : undefined;
      if (!path || (verb !== undefined && !path[verb])) return failed(`API deletion failure: path '${p.relpath}'${verb ? ` with operation '${verb}'` : ''} does not exist in the API`);
      const relpath = p.relpath;
      const remaining = Object.fromEntries(Object.entries(path).filter(([v]) => verb !== undefined && v !== verb));
      api.swagger.paths = Object.fromEntries(Object.entries(api.swagger.paths).filter(([r]) => r !== relpath || Object.keys(remaining).length > 0)
        .map(([r, ops]) => [r, r === relpath ? remaining : ops]));
      if (Object.keys(api.swagger.paths).length > 0) {
        await this.#apis.put({ namespace: user, name: api.name, swagger: api.swagger }, { overwrite: true });
        return ok({});
      }
    }
    await this.#apis.delete(user, api.name);
    return ok({});
  }

  /** The route a gateway request names: segments after /api/gw/ (raw), and its verb. */
  async match(segments: string[], method: string): Promise<RouteMatch | undefined> {
    const [namespace, ...rest] = segments.map((s) => decodeURIComponent(s));
    if (!namespace || rest.length === 0) return undefined;
    const verb = method.toLowerCase();
    const apis = await this.#apis.list(namespace, { limit: 200, skip: 0 });
    let best: (RouteMatch & { score: number }) | undefined;
    for (const api of apis) {
      const base = api.name.split('/').filter((s) => s.length > 0);
      if (!base.every((b, i) => rest[i] === b)) continue;
      const relSegments = rest.slice(base.length);
      for (const [template, ops] of Object.entries(api.swagger.paths)) {
        const op = isObject(ops) ? ops[verb] : undefined;
        const params = isObject(op) ? matchTemplate(template, relSegments) : undefined;
        if (!op || !params) continue;
        // A literal path wins over a template with parameters.
        const score = base.length * 100 - Object.keys(params).length;
        if (best && best.score >= score) continue;
        const xo = op['x-openwhisk'] as Partial<SwaggerOperation['x-openwhisk']> | undefined;
        // A swagger document the user uploaded may name no action (or not in this shape): not a route.
        if (!xo || typeof xo.namespace !== 'string' || typeof xo.action !== 'string' || typeof xo.url !== 'string') continue;
        const url = xo.url;
        const extension = (EXTENSIONS.find((e) => url.endsWith(`.${e}`)) ?? 'json') as WebExtension;
        best = {
          score, pathParams: params,
          target: { namespace: xo.namespace, ...(typeof xo.package === 'string' && xo.package !== '' ? { pkg: xo.package } : {}), name: xo.action, extension, rest: extension === 'http' ? `/${rest.join('/')}` : '' },
        };
      }
    }
    return best && { target: best.target, pathParams: best.pathParams };
  }
}

/** `{isbn}` in a relative path → parameter names. */
function pathParameters(relPath: string): string[] {
  return [...relPath.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1]!);
}

function matchTemplate(template: string, segments: string[]): Record<string, string> | undefined {
  const t = template.split('/').filter((s) => s.length > 0);
  if (t.length !== segments.length) return undefined;
  const out: Record<string, string> = {};
  for (const [i, part] of t.entries()) {
    const m = /^\{([^}/]+)\}$/.exec(part);
    if (m) out[m[1]!] = segments[i]!;
    else if (part !== segments[i]) return undefined;
  }
  return out;
}

function filtered(s: SwaggerApi, relpath: unknown, operation: unknown): SwaggerApi | undefined {
  if (typeof relpath !== 'string' || relpath === '') return s;
  const path = s.paths[relpath];
  if (!path) return undefined;
  const verb = typeof operation === 'string' ? operation.toLowerCase() : undefined;
  if (verb !== undefined && !path[verb]) return undefined;
  return { ...s, paths: { [relpath]: verb === undefined ? path : { [verb]: path[verb]! } } };
}

/** OpenWhisk's generateCliApiFromGwApi(...).value. */
function cliValue(swagger: SwaggerApi, namespace: string, req: IncomingMessage): Result {
  return { namespace: 'Not Used', gwApiActivated: true, tenantId: 'Not Used', gwApiUrl: `${origin(req)}${GATEWAY_PREFIX}/${namespace}${swagger.basePath}`, apidoc: swagger };
}

/** OpenWhisk's makeOperationId: verb + camel-cased path. */
function operationId(verb: string, relPath: string): string {
  return verb + relPath.replace(/[^0-9a-z_-]/gi, ' ').replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).replace(/\s/g, '');
}

/** The address the client reached the controller at: what its route URLs must start with. */
function origin(req: IncomingMessage): string {
  const host = typeof req.headers.host === 'string' && /^[\w.:[\]-]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
  return `http://${host}`;
}

function safeParse(s: string): unknown {
  try { return JSON.parse(s); } catch { return undefined; }
}

function isObject(v: unknown): v is Result {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
