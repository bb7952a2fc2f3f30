// An error the REST API answers with: OpenWhisk's `{error, code}` body and its status codes. Any
// other exception becomes a 500 whose message does not leak internals. Domain errors of the
// activation path become ApiErrors here (apiErrorOf), at the HTTP edge, and nowhere else.
import { ActivationError, ThrottledError } from './activation/activation-errors.js';

export class ApiError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.headers = headers;
  }
}

// OpenWhisk's wording (common/.../http/ErrorResponse.scala Messages) where clients match on it.
export const MESSAGES = Object.freeze({
  authMissing: 'The resource requires authentication, which was not supplied with the request.',
  authInvalid: 'The supplied authentication is invalid.',
  notAuthorized: 'The supplied authentication is not authorized to access this resource.',
  notFound: 'The requested resource does not exist.',
  exists: 'resource already exists',
  methodNotAllowed: 'The requested method is not allowed.',
  noInvokers: 'No invokers available.',
  internal: 'The server encountered an internal error.',
  malformed: 'The request content was malformed.',
});

export function tooLarge(size: number | string, limit: number): ApiError {
  return new ApiError(413, `The request content was malformed:\nRequest larger than allowed: ${size} > ${limit} bytes.`);
}

/** The REST answer for a domain error of the activation path (OpenWhisk's statuses and wording); undefined for anything else. */
export function apiErrorOf(err: unknown): ApiError | undefined {
  if (!(err instanceof ActivationError)) return undefined;
  switch (err.reason) {
    case 'not-found': return new ApiError(404, MESSAGES.notFound);
    case 'forbidden': return new ApiError(403, MESSAGES.notAuthorized);
    // Retry-After (http-edge.ts adds 60 s to a 429 without one): a concurrency slot frees as soon
    // as an activation ends, a per-minute budget only as the minute rolls on.
    case 'throttled': return new ApiError(429, err.message, err instanceof ThrottledError && err.limit === 'concurrentInvocations' ? { 'retry-after': '1' } : {});
    case 'no-invokers': return new ApiError(503, MESSAGES.noInvokers);
    case 'not-scheduled': return new ApiError(503, 'The activation could not be handed to an invoker; try again.');
  }
}
