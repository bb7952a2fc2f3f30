// __OW_API_KEY for actions that ask for it (the `provide-api-key` annotation): the one step of the
// activation path that gives a function a credential to call photon back.
//
// OpenWhisk's controller puts the caller's own key into every activation message and its invoker
// hands it to the function when the annotation is true or absent (ContainerProxy's
// authEnvironment); new actions get `provide-api-key: false` at creation when the controller's
// requireApiKeyAnnotation feature flag is on. photon keeps keys hashed (shared/store/auth-store.ts)
// and so cannot recover the caller's key; and a trigger, rule or alarm activation has no key in
// hand at all. Instead it mints an activation-scoped key: a fresh `uuid:key` that authenticates as
// the caller (namespace and subject) until the activation's horizon — its timeout plus a grace
// that covers queueing at the invoker (by default the completion grace, past which the controller
// records the activation lost anyway) — and then expires in the store by itself. A function that
// leaks its key leaks a credential that dies with the activation, not the namespace's own.
import type { Action, KeyValue } from '../../shared/model/action.js';
import type { AuthStore, Identity } from '../../shared/store/auth-store.js';

export const PROVIDE_API_KEY_ANNOTATION = 'provide-api-key';

/**
 * OpenWhisk's Parameters.isTruthy: true, a non-zero number, a non-empty string or any object or
 * array is truthy; false, 0, '' and null are not. An absent annotation is false here (OpenWhisk
 * says true only for actions created before the annotation existed, which photon has none of).
 */
export function isTruthyAnnotation(annotations: readonly KeyValue[], key: string): boolean {
  const found = annotations.find((a) => a.key === key);
  if (!found) return false;
  const v = found.value;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  return v !== null && v !== undefined;
}

/** Mints the key for activations that get one; answers undefined, touching no store, for every other. */
export class ActionApiKeys {
  readonly #auth: Pick<AuthStore, 'addActivationKey'>;
  readonly #graceMs: number;

  constructor(auth: Pick<AuthStore, 'addActivationKey'>, graceMs: number) {
    this.#auth = auth;
    this.#graceMs = graceMs;
  }

  /** The `uuid:key` for this activation of `action` started by `caller`, or undefined when the action does not ask for one. */
  async forActivation(caller: Identity, action: Action): Promise<string | undefined> {
    if (!isTruthyAnnotation(action.annotations, PROVIDE_API_KEY_ANNOTATION)) return undefined;
    return this.#auth.addActivationKey(caller, action.limits.timeout + this.#graceMs);
  }
}
