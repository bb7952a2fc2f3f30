// OpenWhisk's well-known guest credentials (ansible/files/auth.guest), so that `wsk` setups and
// the openwhisk client's integration tests work against photon without configuration.
import type { AuthStore, Credentials } from './auth-store.js';

export const GUEST_NAMESPACE = 'guest';
export const GUEST_UUID = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502';
export const GUEST_KEY = '123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';

/** Creates the guest namespace and its key if missing; idempotent, safe from every controller. */
export async function ensureGuest(auth: AuthStore): Promise<Credentials> {
  await auth.createNamespace(GUEST_NAMESPACE);
  return auth.addKey(GUEST_NAMESPACE, { uuid: GUEST_UUID, key: GUEST_KEY });
}
