// The checks of a sequence PUT that need the stores (OpenWhisk's Actions.scala
// checkSequenceActionLimits / countAtomicActionsAndCheckCycle): every component exists and the
// creator may use it (through its package or binding), the sequence does not contain itself
// directly or through another sequence, and its atomic actions (nested sequences inlined) are at
// most the maximum length. Answers the components in canonical form (`_` resolved).
import { SEQUENCE_KIND } from '../../shared/model/action-kinds.js';
import type { Identity } from '../../shared/store/auth-store.js';
import type { Stores } from '../../shared/store/stores.js';
import { EntityNotFoundError, NotAuthorizedError } from '../activation/activation-errors.js';
import { ApiError, MESSAGES } from '../api-error.js';
import type { Entitlement } from '../entitlement.js';
import { SEQUENCE_MESSAGES } from '../kinds/sequence-kind.js';
import { resolveAction } from '../packages/package-resolver.js';
import { componentName, parseActionName } from './action-name.js';

export interface SequenceCheckDeps {
  stores: Stores;
  entitlement: Entitlement;
  maxLength: number;
}

/** `self` is where the sequence is stored (`ns` or `ns/pkg`, name). Throws ApiError 400/403. */
export async function checkSequence(d: SequenceCheckDeps, caller: Identity, self: { namespace: string; name: string }, components: readonly string[]): Promise<string[]> {
  if (components.length === 0) throw new ApiError(400, SEQUENCE_MESSAGES.noComponent);
  if (components.length > d.maxLength) throw new ApiError(400, SEQUENCE_MESSAGES.tooLong);
  const canonical = components.map((c) => {
    const ref = parseActionName(c, caller.namespace);
    if (!ref) throw new ApiError(400, `exec.components: '${c}' is not an action name: use /namespace/action or /namespace/package/action.`);
    return ref;
  });
  const count = await atomicCount(d, caller, `${self.namespace}/${self.name}`, canonical.map(componentName), 0);
  if (count > d.maxLength) throw new ApiError(400, SEQUENCE_MESSAGES.tooLong);
  return canonical.map(componentName);
}

/** Atomic actions of `components`, nested sequences inlined; refuses a cycle through `self`. */
async function atomicCount(d: SequenceCheckDeps, caller: Identity, self: string, components: readonly string[], depth: number): Promise<number> {
  // A cycle not through `self` cannot exist (every stored sequence passed this check), but a
  // store edited by hand could hold one: the depth bound keeps this from running forever.
  if (depth > d.maxLength) throw new ApiError(400, SEQUENCE_MESSAGES.tooLong);
  let total = 0;
  for (const c of components) {
    const ref = parseActionName(c, caller.namespace);
    if (!ref) throw new ApiError(400, SEQUENCE_MESSAGES.componentNotFound);
    let resolved;
    try {
      resolved = await resolveAction(d.stores.packages, d.entitlement, caller, ref);
    } catch (err) {
      if (err instanceof NotAuthorizedError) throw new ApiError(403, MESSAGES.notAuthorized);
      if (err instanceof EntityNotFoundError) throw new ApiError(400, SEQUENCE_MESSAGES.componentNotFound);
      throw err;
    }
    if (`${resolved.namespace}/${resolved.name}` === self) throw new ApiError(400, SEQUENCE_MESSAGES.cyclic);
    const action = await d.stores.actions.get(resolved.namespace, resolved.name);
    if (!action) throw new ApiError(400, SEQUENCE_MESSAGES.componentNotFound);
    total += action.exec.kind === SEQUENCE_KIND ? await atomicCount(d, caller, self, action.exec.components ?? [], depth + 1) : 1;
    if (total > d.maxLength) throw new ApiError(400, SEQUENCE_MESSAGES.tooLong);
  }
  return total;
}
