// Installs /whisk.system's packages (system-catalog.ts) at controller start, in standalone and
// cluster mode alike. Idempotent and versioned with photon: every entity carries the catalog's
// content hash (annotation `photon:catalog`); a start finds them current and writes nothing, a
// photon whose catalog changed rewrites what differs (one version bump). Several controllers
// starting at once may each write a changed entity: the last write wins with identical content.
import { createHash } from 'node:crypto';
import { DEFAULT_LIMITS, type KeyValue } from '../../shared/model/action.js';
import { NODEJS_KIND } from '../../shared/model/action-kinds.js';
import type { Stores } from '../../shared/store/stores.js';
import { SYSTEM_CATALOG, SYSTEM_NAMESPACE } from './system-catalog.js';

export const CATALOG_ANNOTATION = 'photon:catalog';

/** The catalog's identity: changes exactly when photon ships different system packages. */
export const CATALOG_VERSION = createHash('sha256').update(JSON.stringify(SYSTEM_CATALOG)).digest('hex').slice(0, 16);

const current = (annotations: KeyValue[]): boolean => annotations.some((kv) => kv.key === CATALOG_ANNOTATION && kv.value === CATALOG_VERSION);

/** Answers how many entities it wrote (0 when everything was current). */
export async function installSystemPackages(stores: Pick<Stores, 'packages' | 'actions' | 'auth'>): Promise<number> {
  let written = 0;
  // The namespace exists (without keys) so that its web actions have an owner (web/web-actions.ts).
  await stores.auth.createNamespace(SYSTEM_NAMESPACE);
  const stamp = { key: CATALOG_ANNOTATION, value: CATALOG_VERSION };
  for (const pkg of SYSTEM_CATALOG) {
    const existing = await stores.packages.get(SYSTEM_NAMESPACE, pkg.name);
    if (!existing || !current(existing.annotations)) {
      await stores.packages.put({
        namespace: SYSTEM_NAMESPACE, name: pkg.name, parameters: [], publish: pkg.publish ?? true,
        annotations: [{ key: 'description', value: pkg.description }, stamp],
      }, { overwrite: true });
      written++;
    }
    const path = `${SYSTEM_NAMESPACE}/${pkg.name}`;
    for (const action of pkg.actions) {
      const a = await stores.actions.get(path, action.name);
      if (a && current(a.annotations)) continue;
      await stores.actions.put({
        namespace: path, name: action.name, exec: { kind: NODEJS_KIND, code: action.code, binary: false },
        parameters: [], annotations: [...action.annotations, stamp], limits: { ...DEFAULT_LIMITS }, publish: pkg.publish ?? true,
      }, { overwrite: true });
      written++;
    }
  }
  return written;
}
