// What every REST resource handler gets and gives back, and the query-parameter parsers they share.
import type { IncomingMessage } from 'node:http';
import type { Context } from '@opentelemetry/api';
import type { Identity } from '../shared/store/auth-store.js';
import type { Stores } from '../shared/store/stores.js';
import { ApiError } from './api-error.js';
import type { ControllerConfig } from './config.js';
import type { IdentityCache } from './identity-cache.js';
import type { LoadBalancer } from './load-balancer.js';
import type { ActivationService } from './activation/activation-service.js';
import type { Entitlement } from './entitlement.js';
import type { FeedService } from './triggers/feed-service.js';
import type { TriggerFirer } from './triggers/trigger-firer.js';
import type { ApiGateway } from './web/api-gateway.js';
import type { WebActions } from './web/web-actions.js';
import type { RequestTarget } from './request-target.js';

export interface Reply {
  status: number;
  body?: unknown;
  /** The body as JSON already made (bytes a completion brought): written as it is, `body` ignored. */
  json?: Buffer;
  headers?: Record<string, string>;
}

export interface ApiDeps {
  stores: Stores;
  balancer: LoadBalancer;
  /** The one activation path: resolve → admit → schedule → await. */
  activations: ActivationService;
  identities: IdentityCache;
  /** The one authorisation check (entitlement.ts). */
  entitlement: Entitlement;
  config: ControllerConfig;
  firer: TriggerFirer;
  feeds: FeedService;
  /** Web actions under /api/v1/web (web/web-actions.ts). */
  web: WebActions;
  /** API gateway routes under /api/gw (web/api-gateway.ts). */
  gateway: ApiGateway;
}

export interface ApiRequest {
  req: IncomingMessage;
  method: string;
  /** The path and query (request-target.ts): a URL, or the same read without one for a plain target. */
  url: RequestTarget;
  identity: Identity;
  /** The namespace the request names, after resolving `_` (the caller's own, or another one for shared packages). */
  namespace: string;
  /** The namespace path the request names: `namespace`, or `namespace/pkg` (the client's `ns%2Fpkg`). */
  path: string;
  deps: ApiDeps;
  /** The trace context of the request's span: parent of every span the handler starts. */
  trace: Context;
}

/** An integer query parameter within [min, max]; 400 names the parameter and the range. */
export function intParam(url: RequestTarget, name: string, min: number, max: number, fallback?: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError(400, `The query parameter '${name}' must be an integer between ${min} and ${max}, got '${raw}'.`);
  return n;
}

export function boolParam(url: RequestTarget, name: string, fallback = false): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ApiError(400, `The query parameter '${name}' must be true or false, got '${raw}'.`);
}

/** OpenWhisk's collection paging: limit 0..200 (0 = the maximum), default 30; skip ≥ 0. */
export function paging(url: RequestTarget): { limit: number; skip: number } {
  const limit = intParam(url, 'limit', 0, 200, 30)!;
  return { limit: limit === 0 ? 200 : limit, skip: intParam(url, 'skip', 0, Number.MAX_SAFE_INTEGER, 0)! };
}
