// Web actions (OpenWhisk's docs/webactions.md, WebActions.scala): an action annotated
// `web-export: true` answers HTTP at /api/v1/web/{namespace}/{package|default}/{action}.{ext} with
// no key needed. It runs through the one activation path (ActivationService) as its owner: the
// owner's throttles apply and the owner is billed; any action kind the service runs can be a web
// action. The steps, in OpenWhisk's order:
//
//   find      the owner namespace (404), the action through its package or binding (404, 403), its
//             `web-export` annotation (404 without it)
//   CORS      added to every answer unless `web-custom-options: true`; OPTIONS is then answered 200
//             here, without running the action (with custom options the action answers OPTIONS)
//   auth      `require-whisk-auth`: true → a valid key by Basic auth; a string or number → the
//             `X-Require-Whisk-Auth` header must equal it; else 401
//   request   → parameters (web-request.ts); body over the payload limit → 413
//   run       blocking, up to the blocking wait (202 "Response not yet ready." after it)
//   answer    success → the result, application error → its `error` field, both through the
//             extension's transcoder (web-response.ts); developer and system errors → 400
import type { IncomingMessage } from 'node:http';
import type { Context } from '@opentelemetry/api';
import type { Action, KeyValue } from '../../shared/model/action.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { Stores } from '../../shared/store/stores.js';
import type { ActivationService } from '../activation/activation-service.js';
import { ApiError, MESSAGES, apiErrorOf } from '../api-error.js';
import { parseBasicAuth } from '../auth.js';
import type { Entitlement } from '../entitlement.js';
import { readBody } from '../http-body.js';
import type { IdentityCache } from '../identity-cache.js';
import { ACTIVATION_ID_HEADER } from '../activation-json.js';
import { resolveAction, type ResolvedAction } from '../packages/package-resolver.js';
import { SYSTEM_NAMESPACE } from '../packages/system-catalog.js';
import { extensionNotSupported, type WebPath } from './web-path.js';
import { webParameters } from './web-request.js';
import { MEDIA_MESSAGES, transcode, type WebReply } from './web-response.js';

export const WEB_CORS_METHODS = 'OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH';
const DEFAULT_ALLOW_HEADERS = 'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent';
/** pekko-http's default message for 401, which OpenWhisk's web actions answer with. */
export const UNAUTHORIZED = 'Authentication is possible but has failed or not yet been provided.';

/** A controller-native system web action: its parameters in, an `.http` result out (api-gateway.ts). */
export type NativeWebAction = (params: Record<string, unknown>, req: IncomingMessage) => Promise<Record<string, unknown>>;

export interface WebActionsDeps {
  stores: Stores;
  activations: ActivationService;
  identities: IdentityCache;
  entitlement: Entitlement;
  payloadLimitBytes: number;
  blockingWaitMs: number;
  /** How long an owner namespace looked up is reused (the identity cache's TTL). */
  ownerCacheMs: number;
  /** `whisk.system/{package}/{action}` run by the controller itself, keyed `package/action`. */
  native?: ReadonlyMap<string, NativeWebAction>;
}

export interface ServeOptions {
  requestId: string;
  trace: Context;
  /** Parameters on top of the query's (an API route's path parameters). */
  extra?: Record<string, string>;
}

export class WebActions {
  readonly #d: WebActionsDeps;
  readonly #owners = new Map<string, { identity: Identity | undefined; expires: number }>();

  constructor(deps: WebActionsDeps) {
    this.#d = deps;
  }

  /** The answer to a web action request; never throws for anything the request or the action did. */
  async serve(req: IncomingMessage, target: WebPath, o: ServeOptions): Promise<WebReply> {
    let cors: Array<[string, string]> | undefined = defaultCors(req);
    try {
      const method = req.method ?? 'GET';
      const [caller, found] = await Promise.all([this.#caller(req), this.#find(target)]);
      const { owner, action, ref } = found;
      const custom = annotation(action.annotations, 'web-custom-options') === true;
      if (custom) cors = undefined;
      if (method === 'OPTIONS' && !custom) return withHeaders({ status: 200, headers: [] }, cors);
      // With custom options the action answers OPTIONS itself, even for a caller it would refuse.
      if (!(method === 'OPTIONS' && custom) && !authorized(action.annotations, req, caller)) throw new ApiError(401, UNAUTHORIZED);
      const body = await readBody(req, this.#d.payloadLimitBytes);
      const raw = annotation(action.annotations, 'raw-http') === true;
      const query = queryOf(req.url ?? '/');
      const params = webParameters({
        method, headers: strippedHeaders(req, caller !== undefined), path: target.rest, query, body,
        ...(caller ? { user: caller.namespace } : {}), ...(o.extra ? { extra: o.extra } : {}),
      }, raw, immutableParameters(action, ref.packageLayers));
      const result = await this.#run(req, target, owner, action, ref, params, o.trace);
      return withHeaders(result, cors);
    } catch (err) {
      const api = err instanceof ApiError ? err : apiErrorOf(err);
      // Anything else (a store outage, a bug) is the HTTP layer's to answer, like every request's.
      if (!api) throw err;
      const body = JSON.stringify({ error: api.message, code: o.requestId }, null, 2);
      const headers: Array<[string, string]> = [...Object.entries(api.headers), ['content-type', 'application/json']];
      return withHeaders({ status: api.status, headers, body }, cors);
    }
  }

  /** The caller, when it sent a valid key; a wrong key is simply no caller (OpenWhisk's fallback route). */
  async #caller(req: IncomingMessage): Promise<Identity | undefined> {
    const creds = parseBasicAuth(req.headers.authorization);
    return creds ? this.#d.identities.authenticate(creds.uuid, creds.key) : undefined;
  }

  async #find(target: WebPath): Promise<{ owner: Identity; action: Action; ref: ResolvedAction }> {
    const notFound = (): ApiError => target.unknownExtension !== undefined ? new ApiError(406, extensionNotSupported()) : new ApiError(404, MESSAGES.notFound);
    const owner = await this.#owner(target.namespace);
    if (!owner) throw notFound();
    const path = target.pkg === undefined ? target.namespace : `${target.namespace}/${target.pkg}`;
    const ref = await resolveAction(this.#d.stores.packages, this.#d.entitlement, owner, { namespace: path, name: target.name });
    const action = await this.#d.stores.actions.get(ref.namespace, ref.name);
    if (!action) throw notFound();
    // The annotation is the action's own: a binding cannot export or hide it (OpenWhisk's rule).
    if (annotation(action.annotations, 'web-export') !== true) throw new ApiError(404, MESSAGES.notFound);
    return { owner, action, ref };
  }

  /** The namespace's owner identity: who runs (and pays for) its web actions. */
  async #owner(namespace: string): Promise<Identity | undefined> {
    const hit = this.#owners.get(namespace);
    if (hit && hit.expires > Date.now()) return hit.identity;
    const info = await this.#d.stores.auth.getNamespace(namespace);
    const identity = info ? { namespace: info.name, subject: info.name, limits: info.limits } : undefined;
    if (this.#owners.size > 10_000) this.#owners.clear();
    if (this.#d.ownerCacheMs > 0) this.#owners.set(namespace, { identity, expires: Date.now() + this.#d.ownerCacheMs });
    return identity;
  }

  async #run(req: IncomingMessage, target: WebPath, owner: Identity, action: Action, ref: ResolvedAction, params: Record<string, unknown>, trace: Context): Promise<WebReply> {
    const native = ref.namespace.startsWith(`${SYSTEM_NAMESPACE}/`) ? this.#d.native?.get(`${ref.namespace.slice(SYSTEM_NAMESPACE.length + 1)}/${ref.name}`) : undefined;
    if (native) return transcode(await native(params, req), target.extension);
    const { activations } = this.#d;
    const started = await activations.start({ caller: owner, action: { namespace: ref.namespace, name: ref.name }, params, blocking: true, trace, resolved: { ref, action } });
    const idHeader: [string, string] = [ACTIVATION_ID_HEADER, started.activationId];
    const finished = await activations.awaitRecord(started, this.#d.blockingWaitMs);
    if (!finished) throw new ApiError(202, MEDIA_MESSAGES.responseNotReady, { [ACTIVATION_ID_HEADER]: started.activationId });
    const { response } = finished.record();
    const rethrow = (err: unknown): never => {
      if (err instanceof ApiError) throw new ApiError(err.status, err.message, { ...err.headers, [ACTIVATION_ID_HEADER]: started.activationId });
      throw err;
    };
    if (response.status === 'success' || response.status === 'application error') {
      const projected = response.status === 'success' ? response.result : response.result.error;
      if (projected === undefined) rethrow(new ApiError(404, MEDIA_MESSAGES.propertyNotFound));
      try {
        const reply = transcode(projected, target.extension);
        return { ...reply, headers: [...reply.headers, idHeader] };
      } catch (err) {
        return rethrow(err);
      }
    }
    return rethrow(new ApiError(400, MEDIA_MESSAGES.errorProcessingRequest));
  }
}

/** OpenWhisk's default CORS answer; a preflight's Access-Control-Request-Headers is echoed. */
function defaultCors(req: IncomingMessage): Array<[string, string]> {
  const asked = req.headers['access-control-request-headers'];
  return [
    ['access-control-allow-origin', '*'],
    ['access-control-allow-methods', WEB_CORS_METHODS],
    ['access-control-allow-headers', typeof asked === 'string' ? asked : DEFAULT_ALLOW_HEADERS],
  ];
}

function withHeaders(reply: WebReply, extra: Array<[string, string]> | undefined): WebReply {
  return extra ? { ...reply, headers: [...extra, ...reply.headers] } : reply;
}

function annotation(annotations: KeyValue[], key: string): unknown {
  return annotations.find((a) => a.key === key)?.value;
}

/** require-whisk-auth (OpenWhisk's confirmAuthenticated): absent or false → anyone. */
function authorized(annotations: KeyValue[], req: IncomingMessage, caller: Identity | undefined): boolean {
  const a = annotations.find((kv) => kv.key === 'require-whisk-auth');
  if (!a || a.value === false) return true;
  if (a.value === true) return caller !== undefined;
  if (typeof a.value === 'string' || typeof a.value === 'number') return req.headers['x-require-whisk-auth'] === String(a.value);
  return false;
}

/** `final: true` makes every defined parameter of the action (and its packages) immutable. */
function immutableParameters(action: Action, packageLayers: KeyValue[][]): ReadonlySet<string> {
  if (annotation(action.annotations, 'final') !== true) return new Set();
  return new Set([...packageLayers.flat(), ...action.parameters].filter((kv) => kv.value !== null && kv.value !== undefined && kv.init !== true).map((kv) => kv.key));
}

/**
 * The request headers the action sees. A photon key that authenticated the caller is not handed to
 * another tenant's code (the action gets `__ow_user` instead); any other Authorization header is
 * the action's own business and passes.
 */
function strippedHeaders(req: IncomingMessage, authenticated: boolean): IncomingMessage['headers'] {
  if (!authenticated) return req.headers;
  const { authorization: _key, ...rest } = req.headers;
  void _key;
  return rest;
}

function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}
