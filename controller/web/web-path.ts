// The web action a URL names: /api/v1/web/{namespace}/{package|default}/{action}[.{ext}][/{rest}]
// (OpenWhisk's WebActions.scala routes + mediaTranscoderForName). The raw path is read, never a
// normalised one: `..` must not walk from one action to another, and an encoded slash must not
// split a name, so both are refused here with 400 instead of being resolved.
import { ApiError, MESSAGES } from '../api-error.js';

export type WebExtension = 'http' | 'json' | 'html' | 'svg' | 'text';

export const EXTENSIONS: readonly WebExtension[] = ['http', 'json', 'html', 'svg', 'text'];

export interface WebPath {
  namespace: string;
  /** undefined for `default`: the action is outside any package. */
  pkg?: string;
  name: string;
  extension: WebExtension;
  /** The unmatched rest of the path after the extension, raw (`/a/b`, `/`, or ''): the action's `__ow_path`. */
  rest: string;
  /** The name ended in `.something` that is not an extension (then `name` keeps it, as OpenWhisk does). */
  unknownExtension?: string;
}

// OpenWhisk's EntityName (common/.../entity/EntityPath.scala), at most 256 characters.
const NAME = /^(?:\w|\w[\w@ .-]*[\w@.-]+)$/;

export const ENTITY_NAME_ILLEGAL = 'The name of the entity contains illegal characters.';

/** Parses the segments after `/api/v1/web/` (raw, still percent-encoded). */
export function parseWebPath(rawSegments: string[]): WebPath {
  if (rawSegments.length < 3 || rawSegments.slice(0, 3).some((s) => s.length === 0)) throw new ApiError(404, MESSAGES.notFound);
  const [ns, pkg, last] = rawSegments.slice(0, 3).map(decodeName) as [string, string, string];
  const restSegments = rawSegments.slice(3);
  for (const s of restSegments) {
    const d = decodeOrThrow(s);
    if (d === '..' || d === '.') throw new ApiError(400, `${MESSAGES.malformed} The path may not contain '.' or '..' segments.`);
  }
  const ext = EXTENSIONS.find((e) => last.endsWith(`.${e}`) && last.length > e.length + 1);
  const name = ext ? last.slice(0, -(ext.length + 1)) : last;
  for (const n of [ns, pkg, name]) {
    if (n.length > 256 || !NAME.test(n)) throw new ApiError(400, `${ENTITY_NAME_ILLEGAL} '${n.slice(0, 64)}' is not a valid name.`);
  }
  const unknown = ext ? undefined : /\.([A-Za-z0-9]+)$/.exec(name)?.[1];
  return {
    namespace: ns, ...(pkg === 'default' ? {} : { pkg }), name, extension: ext ?? 'http',
    rest: restSegments.length > 0 ? `/${restSegments.join('/')}` : '',
    ...(unknown !== undefined ? { unknownExtension: unknown } : {}),
  };
}

/** OpenWhisk's message for a missing or unknown extension (Messages.contentTypeExtensionNotSupported). */
export function extensionNotSupported(): string {
  return `Extension must be specified and one of [${EXTENSIONS.map((e) => `.${e}`).join(', ')}].`;
}

function decodeName(s: string): string {
  const d = decodeOrThrow(s);
  // An encoded slash (or a '..' that arrived as one segment) would make one name two.
  if (d.includes('/')) throw new ApiError(400, `${ENTITY_NAME_ILLEGAL} '${d.slice(0, 64)}' holds a '/'.`);
  return d;
}

function decodeOrThrow(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, `${MESSAGES.malformed} The path segment '${s.slice(0, 64)}' is not valid percent-encoding.`);
  }
}
