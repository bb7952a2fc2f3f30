// An HTTP request → a web action's parameters (OpenWhisk's WebActions.scala Context and
// extractEntityAndProcessRequest, docs/webactions.md "HTTP Context"):
//
//   always      __ow_method (lower case), __ow_headers (lower-cased names), __ow_path (the rest of the
//               path after the extension), __ow_user (the caller's namespace, when authenticated)
//   default     query parameters, then the body's fields (JSON object or form data) on top; any other
//               body in __ow_body: a JSON value as is, binary content base64, text as a string.
//               A query or body key that is a reserved __ow_ name, or a parameter the action made
//               final, is refused: 400 "Request defines parameters that are not allowed".
//   raw-http    __ow_query (the query string, unparsed) and __ow_body ('' when empty; base64 for
//               binary content and, as OpenWhisk keeps doing for old actions, for application/json)
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../api-error.js';
import { isBinary, isJsonFamily, parseMediaType } from './media-types.js';

export const RESERVED = Object.freeze(['__ow_method', '__ow_headers', '__ow_path', '__ow_user', '__ow_query', '__ow_body']);

export const PARAMETERS_NOT_ALLOWED = 'Request defines parameters that are not allowed (e.g., reserved properties).';

export interface WebRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The rest of the path after the extension (`__ow_path`). */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  /** The body's bytes; empty when there was none. */
  body: Buffer;
  /** The caller's namespace when it sent a valid key. */
  user?: string;
  /** Parameters given beside the query's, with the same precedence and checks (an API route's path parameters). */
  extra?: Record<string, string>;
}

export function webParameters(r: WebRequest, raw: boolean, immutable: ReadonlySet<string>): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    __ow_method: r.method.toLowerCase(),
    __ow_headers: headerMap(r.headers),
    __ow_path: r.path,
    ...(r.user !== undefined ? { __ow_user: r.user } : {}),
  };
  const type = parseMediaType(typeof r.headers['content-type'] === 'string' ? r.headers['content-type'] : undefined)
    // A body without a Content-Type is bytes (pekko: application/octet-stream).
    ?? { value: 'application/octet-stream' };
  if (raw) {
    const body = r.body.length === 0 ? '' : isBinary(type) || type.value === 'application/json' ? r.body.toString('base64') : r.body.toString('utf8');
    return { ...meta, __ow_query: r.query, __ow_body: body };
  }
  const query: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(r.query)) query[k] = v;
  Object.assign(query, r.extra);
  let fields: Record<string, unknown> = {};
  let opaque: { value: unknown } | undefined;
  if (r.body.length > 0) {
    if (isJsonFamily(type)) {
      const parsed = parseJson(r.body);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>;
      else opaque = { value: parsed };
    } else if (type.value === 'application/x-www-form-urlencoded') {
      for (const [k, v] of new URLSearchParams(r.body.toString('utf8'))) fields[k] = v;
    } else {
      opaque = { value: isBinary(type) ? r.body.toString('base64') : r.body.toString('utf8') };
    }
  }
  for (const key of [...Object.keys(query), ...Object.keys(fields)]) {
    if (RESERVED.includes(key) || immutable.has(key)) throw new ApiError(400, PARAMETERS_NOT_ALLOWED);
  }
  // Precedence: query < body, and the request's own context on top (it cannot be overridden).
  return { ...query, ...fields, ...(opaque ? { __ow_body: opaque.value } : {}), ...meta };
}

/** Node lower-cases header names already; repeated headers are joined the way HTTP folds them. */
function headerMap(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    // pekko's MalformedRequestContentRejection, which OpenWhisk answers with.
    throw new ApiError(400, `The request content was malformed:\n${err instanceof Error ? err.message : String(err)}`);
  }
}
