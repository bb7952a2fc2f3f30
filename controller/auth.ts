// HTTP Basic `uuid:key` authentication (OpenWhisk's BasicAuthenticationAuthKey) and the rule that
// a key sees only its own namespace.
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthStore, Identity } from '../shared/store/auth-store.js';
import { ApiError, MESSAGES } from './api-error.js';

export function parseBasicAuth(header: string | undefined): { uuid: string; key: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { uuid: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

export async function authenticate(headers: IncomingHttpHeaders, auth: Pick<AuthStore, 'authenticate'>): Promise<Identity> {
  if (!headers.authorization) throw new ApiError(401, MESSAGES.authMissing);
  const creds = parseBasicAuth(headers.authorization);
  const identity = creds && (await auth.authenticate(creds.uuid, creds.key));
  if (!identity) throw new ApiError(401, MESSAGES.authInvalid);
  return identity;
}

/**
 * The namespace path a request names, `_` resolved to the caller's own: `ns`, or `ns/pkg` when the
 * client sent a package path as one segment (`ns%2Fpkg`). Which namespaces the caller may touch is
 * entitlement.ts's decision, not this one's.
 */
export function resolveNamespacePath(segment: string, identity: Identity): string {
  const parts = segment.split('/');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) throw new ApiError(400, `The namespace '${segment}' is not valid: use 'namespace' or 'namespace/package'.`);
  if (parts[0] === '_') parts[0] = identity.namespace;
  return parts.join('/');
}
