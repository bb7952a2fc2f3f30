// The REST API's HTTP layer on node:http: routing under /api/v1, authentication, OpenWhisk's
// error bodies, CORS. Resource handlers (actions-api.ts, invoke-api.ts, activations-api.ts)
// return a Reply or throw an ApiError; web actions and gateway routes (web/) return a WebReply
// (any status, headers and bytes, their own CORS), written as it is by writeWebReply. Nothing else
// writes to the response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { StoreUnavailableError } from '../shared/store/store-unavailable-error.js';
import { ATTR, PHASE, TRACER_NAME } from '../shared/tracing/attributes.js';
import { inPhase } from '../shared/tracing/in-phase.js';
import { traceparentOf, tracingOff } from '../shared/tracing/in-span.js';
import { ROOT } from '../shared/tracing/root-context.js';
import { extractTraceContext } from '../shared/tracing/trace-headers.js';
import { splitPath } from '../shared/model/package.js';
import { actionRef, actionsApi } from './actions-api.js';
import { activationsApi } from './activations-api.js';
import { ApiError, MESSAGES, apiErrorOf } from './api-error.js';
import { authenticate, resolveNamespacePath } from './auth.js';
import type { Collection, Privilege } from './entitlement.js';
import { boolParam, type ApiDeps, type ApiRequest, type Reply } from './api-request.js';
import type { ControllerMetrics } from './controller-metrics.js';
import { invokeApi } from './invoke-api.js';
import { packagesApi } from './packages/packages-api.js';
import { readJsonObject } from './http-body.js';
import { requestTarget } from './request-target.js';
import { answeredByEdge, installClientErrorHandler, KEEP_ALIVE_TIMEOUT_MS, prepareLingeringClose, serverTimeoutOptions, statusHeaders } from './http-edge.js';
import { isFeedAction } from './triggers/feed-validation.js';
import { rulesApi, triggersApi } from './triggers/triggers-api.js';
import { GATEWAY_PREFIX } from './web/api-gateway.js';
import { parseWebPath } from './web/web-path.js';
import type { WebReply } from './web/web-response.js';
import { randomHex } from '../shared/ids/random-hex.js';

const WEB_PREFIX = '/api/v1/web/';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, DELETE, POST, PUT, HEAD, OPTIONS',
  'access-control-allow-headers': 'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent',
};

const tracer = trace.getTracer(TRACER_NAME);

/**
 * A request's span and its context without an SDK (tracing off) and without a caller's
 * traceparent: what the API's no-op tracer would answer, made once instead of per request.
 */
const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const NO_SPAN_CONTEXT = trace.setSpan(ROOT, NO_SPAN);

export function createApiServer(deps: ApiDeps, metrics?: ControllerMetrics): Server {
  const server = createServer(serverTimeoutOptions(deps.config), (req, res) => {
    const startedAt = performance.now();
    // The root of an activation's trace, with the controller's phases as its attributes; across the
    // bus, the invoker's span hangs below. A caller's own traceparent makes photon's spans part of
    // the caller's trace; without one there is nothing for the propagator to parse.
    // Without an SDK the span and its context would be built for nothing on every request (a
    // caller's traceparent is still carried through, by the registered propagator if any).
    const off = typeof req.headers.traceparent !== 'string' && tracingOff();
    const parent = typeof req.headers.traceparent === 'string' ? extractTraceContext(headerRecord(req.headers)) : ROOT;
    const span = off ? NO_SPAN : tracer.startSpan(`${req.method ?? 'GET'} /api/v1`, { kind: SpanKind.SERVER, attributes: { [ATTR.httpMethod]: req.method ?? 'GET', [ATTR.urlPath]: (req.url ?? '/').split('?')[0] } }, parent);
    void handle(req, res, deps, span, off ? NO_SPAN_CONTEXT : trace.setSpan(parent, span), metrics?.active === true).then((status) => {
      span.setAttribute(ATTR.httpStatus, status);
      metrics?.answered(req, res, status, startedAt);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }, (err: unknown) => {
      console.error(`controller: ${req.method} ${req.url} could not be answered:`, err);
      span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }).finally(() => span.end());
  });
  installClientErrorHandler(server);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

function headerRecord(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers.traceparent === 'string') out.traceparent = headers.traceparent;
  if (typeof headers.tracestate === 'string') out.tracestate = headers.tracestate;
  return out;
}

/** `readBack`: the metrics or the access log read the response's headers back (res.getHeader). */
async function handle(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, span: Span, ctx: Context, readBack: boolean): Promise<number> {
  const traceId = span.spanContext().traceId;
  const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomHex(16);
  let reply: Reply;
  try {
    // Web actions and gateway routes write their own answers (any body, any headers, their CORS).
    const web = await webReply(req, deps, requestId, ctx);
    if (web) return writeWebReply(req, res, web, requestId, span);
    reply = await route(req, deps, ctx);
  } catch (caught) {
    const err = apiErrorOf(caught) ?? caught;
    if (err instanceof ApiError) {
      reply = { status: err.status, body: { error: err.message, code: requestId }, headers: err.headers };
    } else if (err instanceof StoreUnavailableError) {
      // A Redis outage: retryable, and already logged once by the store (not once per request).
      reply = { status: 503, body: { error: err.message, code: requestId } };
    } else if (answeredByEdge(req.socket)) {
      // The client went away (or was timed out) mid-request: nobody to answer, nothing to log.
      reply = { status: 499 };
    } else {
      console.error(`controller: ${req.method} ${req.url} failed:`, err);
      reply = { status: 500, body: { error: MESSAGES.internal, code: requestId } };
    }
  }
  const headers: Record<string, string> = { ...CORS, 'x-request-id': requestId, ...(reply.headers ?? {}), ...statusHeaders(reply.status, reply.headers ?? {}) };
  // Without an SDK the trace id is all zeros: nothing to point a user at.
  if (!/^0+$/.test(traceId)) {
    headers['x-photon-trace-id'] = traceId;
    headers.traceparent = traceparentOf(span)!;
  }
  let payload: string | Buffer | undefined;
  if (reply.json !== undefined) {
    payload = reply.json;
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  // A refused body (413) may still be arriving: close instead of reading it to keep the socket,
  // but only after the client could read the answer (http-edge.ts).
  if (!req.complete) {
    headers.connection = 'close';
    prepareLingeringClose(req, res);
  }
  if (answeredByEdge(req.socket)) return reply.status;
  // setHeader when the metrics or the access log read them back; else writeHead(status, headers),
  // which writes the same header block without building node's header map first. (setHeader also
  // merges names that differ only in case: a handler's header named so goes that way too.)
  if (readBack || !lowerCaseNames(reply.headers)) {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.writeHead(reply.status);
  } else {
    res.writeHead(reply.status, headers);
  }
  res.end(payload);
  return reply.status;
}

/** The raw path's segments (still percent-encoded, never normalised) when the request is for a web action or a gateway route. */
async function webReply(req: IncomingMessage, deps: ApiDeps, requestId: string, trace: Context): Promise<WebReply | undefined> {
  const url = req.url ?? '/';
  const rawPath = url.split('?')[0]!;
  const o = { requestId, trace };
  if (rawPath.startsWith(WEB_PREFIX)) return deps.web.serve(req, parseWebPath(rawPath.slice(WEB_PREFIX.length).split('/')), o);
  if (rawPath.startsWith(`${GATEWAY_PREFIX}/`)) {
    const segments = rawPath.slice(GATEWAY_PREFIX.length + 1).split('/').filter((s) => s.length > 0);
    if (segments.some((s) => { try { return ['.', '..'].includes(decodeURIComponent(s)); } catch { return true; } })) {
      throw new ApiError(400, `${MESSAGES.malformed} The path may not contain '.' or '..' segments or invalid percent-encoding.`);
    }
    const match = await deps.gateway.match(segments, req.method ?? 'GET');
    if (!match) throw new ApiError(404, MESSAGES.notFound);
    return deps.web.serve(req, match.target, { ...o, extra: match.pathParams });
  }
  return undefined;
}

/** A web action's answer as it is: its status, headers and bytes; HEAD gets the headers only. */
function writeWebReply(req: IncomingMessage, res: ServerResponse, reply: WebReply, requestId: string, span: Span): number {
  if (answeredByEdge(req.socket)) return reply.status;
  const grouped = new Map<string, string[]>();
  for (const [name, value] of reply.headers) {
    const key = name.toLowerCase();
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  for (const [name, values] of grouped) res.setHeader(name, name === 'set-cookie' || values.length > 1 ? values : values[0]!);
  res.setHeader('x-request-id', requestId);
  const traceId = span.spanContext().traceId;
  if (!/^0+$/.test(traceId)) {
    res.setHeader('x-photon-trace-id', traceId);
    res.setHeader('traceparent', traceparentOf(span)!);
  }
  if (!req.complete) {
    res.setHeader('connection', 'close');
    prepareLingeringClose(req, res);
  }
  for (const [name, value] of Object.entries(statusHeaders(reply.status, Object.fromEntries([...grouped].map(([k, v]) => [k, v.join(', ')]))))) res.setHeader(name, value);
  const bodyless = reply.status === 204 || reply.status === 304 || (reply.status >= 100 && reply.status < 200);
  if (reply.body === undefined || bodyless) {
    if (!bodyless) res.setHeader('content-length', '0');
    res.writeHead(reply.status);
    res.end();
    return reply.status;
  }
  // One buffer (or string) handed to the socket as it is: node writes it without another copy,
  // and keeps what the socket cannot take yet until the client reads it. HEAD sends the length only.
  res.setHeader('content-length', String(typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length));
  res.writeHead(reply.status);
  if (req.method === 'HEAD') res.end();
  else res.end(reply.body);
  return reply.status;
}

async function route(req: IncomingMessage, deps: ApiDeps, ctx: Context): Promise<Reply> {
  const method = req.method ?? 'GET';
  const url = requestTarget(req.url ?? '/');
  if (method === 'OPTIONS') return { status: 200 };
  const segments = url.pathname.split('/').filter((s) => s.length > 0).map(decodeSegment);

  // Unauthenticated operator endpoints, like OpenWhisk's controller /ping and /invokers.
  if (segments.length === 1 && segments[0] === 'ping') return only(method, ['GET'], () => ({ status: 200, body: 'pong' }));
  if (segments[0] === 'invokers') {
    const path = segments.slice(1).join('/');
    if (path === '') return only(method, ['GET'], () => ({ status: 200, body: deps.balancer.invokers() }));
    if (path === 'healthy/count') return only(method, ['GET'], () => ({ status: 200, body: deps.balancer.usableInvokers() }));
    // Readiness for deploy scripts and orchestrators: at least one invoker can take work.
    if (path === 'ready') return only(method, ['GET'], () => (deps.balancer.usableInvokers() > 0 ? { status: 200, body: { ready: true } } : { status: 503, body: { ready: false } }));
  }
  if (segments[0] !== 'api' || segments[1] !== 'v1') throw new ApiError(404, MESSAGES.notFound);
  if (segments.length === 2) return only(method, ['GET'], () => ({ status: 200, body: { description: 'photon: OpenWhisk-compatible REST API', api_paths: ['/api/v1'] } }));
  if (segments[2] !== 'namespaces') throw new ApiError(404, MESSAGES.notFound);

  const identity = await inPhase(ctx, PHASE.auth, async (note) => {
    const id = await authenticate(req.headers, deps.identities);
    note(ATTR.namespace, id.namespace);
    return id;
  });
  if (segments.length === 3) return only(method, ['GET'], () => ({ status: 200, body: [identity.namespace] }));
  // The system feed actions (openwhisk client's feeds.*) are answered here, for every namespace's
  // keys, as if /whisk.system published them: photon has no whisk.system namespace of actions.
  if (segments[3] === 'whisk.system' && segments[4] === 'actions' && method === 'POST') {
    const feedAction = segments.slice(5).join('/');
    if (isFeedAction(feedAction)) return deps.feeds.invoke(identity, feedAction, await readJsonObject(req, deps.config.payloadLimitBytes), boolParam(url, 'result'));
  }
  const path = resolveNamespacePath(segments[3]!, identity);
  const namespace = splitPath(path).namespace;
  const r: ApiRequest = { req, method, url, identity, namespace, path, deps, trace: ctx };
  const [, , , , collection, ...rest] = segments;
  // Who may do what is decided in one place (entitlement.ts), before any handler runs.
  // Only actions may be named below a package path (the client's `ns%2Fpkg`).
  if (path !== namespace && collection !== 'actions') throw new ApiError(404, MESSAGES.notFound);

  switch (collection) {
    case undefined:
      // GET namespaces/{ns}: OpenWhisk lists the namespace's entities.
      await allowed(deps, identity, 'read', 'namespace', undefined, path);
      return only(method, ['GET'], async () => {
        const brief = (e: { name: string; namespace: string; version: string }): Record<string, string> => ({ name: e.name, namespace: e.namespace, version: e.version });
        const all = { limit: 200, skip: 0 };
        const [actions, packages, triggers, rules] = await Promise.all([
          deps.stores.actions.list(namespace, all), deps.stores.packages.list(namespace, all), deps.stores.triggers.list(namespace, all), deps.stores.rules.list(namespace, all),
        ]);
        return { status: 200, body: { actions: actions.map(brief), packages: packages.map(brief), triggers: triggers.map(brief), rules: rules.map(brief) } };
      });
    case 'actions': {
      // `…/actions` and `…/actions/{pkg}/` (the CLI's package listing) list; otherwise `name` or `pkg/name`.
      if (rest.length === 0 || (rest.length === 1 && url.pathname.endsWith('/'))) {
        const listed = rest.length === 0 ? path : actionRef(path, `${rest[0]!}/x`).path;
        await allowed(deps, identity, 'read', 'actions', undefined, listed);
        return only(method, ['GET'], () => actionsApi.list({ ...r, path: listed }));
      }
      const ref = actionRef(path, rest.join('/'));
      await allowed(deps, identity, privilegeOf(method), 'actions', ref.name, ref.path);
      if (method === 'POST') return invokeApi(r, ref);
      return only(method, ['GET', 'PUT', 'DELETE', 'POST'], () =>
        method === 'GET' ? actionsApi.get(r, ref) : method === 'PUT' ? actionsApi.put(r, ref) : actionsApi.delete(r, ref));
    }
    case 'activations':
      await allowed(deps, identity, 'read', 'activations', undefined, path);
      if (rest.length === 0) return only(method, ['GET'], () => activationsApi.list(r));
      if (rest.length === 1) return only(method, ['GET'], () => activationsApi.get(r, rest[0]!));
      if (rest.length === 2 && (rest[1] === 'logs' || rest[1] === 'result')) return only(method, ['GET'], () => activationsApi.part(r, rest[0]!, rest[1] as 'logs' | 'result'));
      throw new ApiError(404, MESSAGES.notFound);
    case 'limits':
      await allowed(deps, identity, 'read', 'limits', undefined, path);
      return only(method, ['GET'], () => ({ status: 200, body: { ...deps.config.namespaceLimits, ...identity.limits } }));
    case 'triggers': {
      await allowed(deps, identity, privilegeOf(method), 'triggers', rest[0], path);
      if (rest.length === 0) return only(method, ['GET'], () => triggersApi.list(r));
      const name = rest[0]!;
      if (rest.length === 2 && rest[1] === 'deadletters') return only(method, ['GET', 'DELETE'], () => triggersApi.deadLetters(r, name));
      if (rest.length !== 1) throw new ApiError(404, MESSAGES.notFound);
      return only(method, ['GET', 'PUT', 'DELETE', 'POST'], () =>
        method === 'GET' ? triggersApi.get(r, name) : method === 'PUT' ? triggersApi.put(r, name) : method === 'DELETE' ? triggersApi.delete(r, name) : triggersApi.fire(r, name));
    }
    case 'rules': {
      await allowed(deps, identity, privilegeOf(method), 'rules', rest[0], path);
      if (rest.length === 0) return only(method, ['GET'], () => rulesApi.list(r));
      if (rest.length !== 1) throw new ApiError(404, MESSAGES.notFound);
      const name = rest[0]!;
      return only(method, ['GET', 'PUT', 'DELETE', 'POST'], () =>
        method === 'GET' ? rulesApi.get(r, name) : method === 'PUT' ? rulesApi.put(r, name) : method === 'DELETE' ? rulesApi.delete(r, name) : rulesApi.setStatus(r, name));
    }
    case 'packages': {
      if (rest.length > 1) throw new ApiError(400, `The name of the entity contains illegal characters. The package name '${rest.join('/')}' is not valid: a package name has no '/'.`);
      await allowed(deps, identity, method === 'GET' ? 'read' : 'write', 'packages', rest[0], path);
      if (rest.length === 0) return only(method, ['GET'], () => packagesApi.list(r));
      const name = rest[0]!;
      return only(method, ['GET', 'PUT', 'DELETE'], () =>
        method === 'GET' ? packagesApi.get(r, name) : method === 'PUT' ? packagesApi.put(r, name) : packagesApi.delete(r, name));
    }
    default:
      throw new ApiError(404, MESSAGES.notFound);
  }
}

/** True when every header name is lower case (photon's own always are): none can clash with another in case only. */
function lowerCaseNames(headers: Record<string, string> | undefined): boolean {
  if (headers === undefined) return true;
  for (const name in headers) if (name !== name.toLowerCase()) return false;
  return true;
}

/** Who may do what is decided in one place (entitlement.ts). */
function allowed(deps: ApiDeps, identity: ApiRequest['identity'], privilege: Privilege, c: Collection, name: string | undefined, at: string): Promise<void> {
  return deps.entitlement.check(identity, privilege, name !== undefined ? { path: at, collection: c, name } : { path: at, collection: c });
}

function privilegeOf(method: string): Privilege {
  return method === 'GET' ? 'read' : method === 'POST' ? 'activate' : 'write';
}

async function only(method: string, allowed: string[], run: () => Reply | Promise<Reply>): Promise<Reply> {
  if (!allowed.includes(method)) throw new ApiError(405, MESSAGES.methodNotAllowed, { allow: allowed.join(', ') });
  return run();
}

function decodeSegment(s: string): string {
  // Most segments hold no escape: decodeURIComponent would answer them as they are, at ~1 µs each.
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, `${MESSAGES.malformed} The path segment '${s}' is not valid percent-encoding.`);
  }
}
