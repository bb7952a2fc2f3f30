// Where the action a caller names really is, and which package parameters go under it. An action
// named `ns/pkg/name` lives in package `pkg`; through a binding `ns/binding/name` it is the bound
// package's action, with the bound package's parameters under the binding's (OpenWhisk's order:
// package < binding < action < invocation, merged once in shared/model/parameters.ts).
import type { KeyValue } from '../../shared/model/action.js';
import { splitPath, type Package } from '../../shared/model/package.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { EntityStore } from '../../shared/store/entity-store.js';
import { EntityNotFoundError, NotAuthorizedError } from '../activation/activation-errors.js';
import type { Entitlement } from '../entitlement.js';

export interface ResolvedAction {
  /** Where the action is stored: `ns` or its package's path `ns/pkg`. */
  namespace: string;
  name: string;
  /** Parameter layers below the action's own, lowest first: the package's, then the binding's. */
  packageLayers: KeyValue[][];
  /** `ns/binding` when the caller named the action through a package binding. */
  binding?: string;
}

/**
 * Follows the caller's reference to the stored action. Rejects with NotAuthorizedError (403) when
 * the caller may not use it, EntityNotFoundError (404) when a package on the way does not exist.
 * The action itself is not read here: the activation service reads it with its other lookups.
 */
export async function resolveAction(packages: EntityStore<Package>, entitlement: Entitlement, caller: Identity, ref: { namespace: string; name: string }): Promise<ResolvedAction> {
  await entitlement.check(caller, 'activate', { path: ref.namespace, collection: 'actions', name: ref.name });
  const { namespace, pkg } = splitPath(ref.namespace);
  if (pkg === undefined) return { namespace: ref.namespace, name: ref.name, packageLayers: [] };
  const p = await packages.get(namespace, pkg);
  if (!p) throw new EntityNotFoundError('action', `${ref.namespace}/${ref.name}`);
  if (!p.binding) return { namespace: ref.namespace, name: ref.name, packageLayers: [p.parameters] };
  // A binding: the caller owns it (the entitlement check refuses other namespaces' bindings), and
  // must be allowed to read the package it binds — which may have stopped being shared since.
  const bound = `${p.binding.namespace}/${p.binding.name}`;
  await entitlement.check(caller, 'read', { path: p.binding.namespace, collection: 'packages', name: p.binding.name });
  const target = await packages.get(p.binding.namespace, p.binding.name);
  if (!target) throw new EntityNotFoundError('action', `${bound}/${ref.name}`);
  // A binding never binds a binding (refused at PUT); a store that holds one anyway is not followed.
  if (target.binding) throw new NotAuthorizedError(bound);
  return { namespace: bound, name: ref.name, packageLayers: [target.parameters, p.parameters], binding: `${namespace}/${pkg}` };
}
