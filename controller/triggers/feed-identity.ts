// Whose identity a feed fires its trigger with: the namespace's, with the subject that created the
// feed and the namespace's current throttle limits (so a limit change applies to feeds at once).
import type { FeedBinding } from '../../shared/model/trigger.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { Stores } from '../../shared/store/stores.js';

export async function identityOfFeed(stores: Stores, b: FeedBinding): Promise<Identity> {
  const ns = await stores.auth.getNamespace(b.namespace);
  return { namespace: b.namespace, subject: b.subject, limits: ns?.limits ?? {} };
}
