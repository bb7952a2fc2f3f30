// The names sequences and conductor actions use for their components: OpenWhisk's fully qualified
// entity names, `/ns/name` or `/ns/pkg/name`, with `_` for the caller's namespace; a name without a
// leading slash (`name`, `pkg/name`) is the caller's, as OpenWhisk's resolveName reads it.
import { validateName } from '../action-validation.js';
import { ApiError } from '../api-error.js';

export interface ComponentRef {
  /** `ns` or `ns/pkg` (a package or a binding). */
  namespace: string;
  name: string;
}

/** The component a name refers to, or undefined when the name is not an action name. */
export function parseActionName(raw: string, callerNamespace: string): ComponentRef | undefined {
  const absolute = raw.startsWith('/');
  const parts = (absolute ? raw.slice(1) : raw).split('/');
  if (!absolute) parts.unshift(callerNamespace);
  if (parts.length < 2 || parts.length > 3) return undefined;
  if (parts[0] === '_') parts[0] = callerNamespace;
  try {
    for (const p of parts) validateName(p);
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
  const name = parts.pop()!;
  return { namespace: parts.join('/'), name };
}

/** The canonical spelling stored in a sequence: `/ns/name` or `/ns/pkg/name`. */
export function componentName(ref: ComponentRef): string {
  return `/${ref.namespace}/${ref.name}`;
}
