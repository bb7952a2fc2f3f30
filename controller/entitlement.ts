// Who may do what to which entity: the one authorisation check for every entity kind (OpenWhisk's
// EntitlementProvider with its PackageCollection rules). The REST edge asks it for every request,
// the activation service for every activation (a rule may name another namespace's action).
//
//   caller's own namespace ('_' resolved)            read, write, activate: everything
//   another namespace, list of its packages          read (the list shows only shared packages)
//   another namespace, a shared package or an        read, activate; a package is shared when it
//     entity inside one (its actions)                is published and is not a binding
//   another namespace, anything else                 refused: 403, never 404, so that a key
//                                                    cannot probe which private entities exist
import type { Package } from '../shared/model/package.js';
import { splitPath } from '../shared/model/package.js';
import type { Identity } from '../shared/store/auth-store.js';
import type { EntityStore } from '../shared/store/entity-store.js';
import { NotAuthorizedError } from './activation/activation-errors.js';

export type Privilege = 'read' | 'write' | 'activate';

export type Collection = 'actions' | 'packages' | 'triggers' | 'rules' | 'activations' | 'limits' | 'namespace';

export interface Resource {
  /** The namespace path the request names: `ns`, or `ns/pkg` for an entity inside a package. */
  path: string;
  collection: Collection;
  /** The entity's name; absent for the collection itself (a list). */
  name?: string;
}

export class Entitlement {
  readonly #packages: EntityStore<Package>;

  constructor(packages: EntityStore<Package>) {
    this.#packages = packages;
  }

  /** Resolves when allowed; rejects with NotAuthorizedError otherwise. Existence is the caller's business for its own namespace. */
  async check(identity: Identity, privilege: Privilege, resource: Resource): Promise<void> {
    const { namespace, pkg } = splitPath(resource.path);
    if (namespace === identity.namespace) return;
    if (privilege !== 'write') {
      if (resource.collection === 'packages' && pkg === undefined) {
        if (resource.name === undefined) return;
        if (await this.isShared(namespace, resource.name)) return;
      } else if (resource.collection === 'actions' && pkg !== undefined && (await this.isShared(namespace, pkg))) {
        return;
      }
    }
    throw new NotAuthorizedError(`/${resource.path}${resource.name === undefined ? '' : `/${resource.name}`}`);
  }

  /** A package every namespace may read and invoke from: it exists, is published and is not a binding. */
  async isShared(namespace: string, name: string): Promise<boolean> {
    const p = await this.#packages.get(namespace, name);
    return p !== undefined && p.publish && p.binding === undefined;
  }
}
