// Namespaces and their API keys: who a `uuid:key` pair is, and which namespace it may touch.
import type { NamespaceLimits } from './namespace-limits.js';

/** A caller once its key checks out: OpenWhisk's Identity, reduced to what photon uses. */
export interface Identity {
  namespace: string;
  /** The key's uuid: OpenWhisk's subject. */
  subject: string;
  /** Per-namespace throttle overrides; absent fields fall back to the controller's defaults. */
  limits: NamespaceLimits;
  /** Set for an activation-scoped key only: epoch ms after which the key no longer authenticates (caches must not outlive it). */
  expiresAt?: number;
}

export interface Credentials {
  namespace: string;
  uuid: string;
  key: string;
}

export interface NamespaceInfo {
  name: string;
  limits: NamespaceLimits;
  created: number;
}

// Contract:
// - authenticate() answers the identity for a uuid whose key matches, and undefined for an unknown
//   uuid or a wrong key alike (the caller must not learn which). Keys are kept hashed (sha256):
//   the plaintext key exists only in the answer of addKey() and in the caller's hands.
// - createNamespace() is idempotent: it answers false, and changes nothing, when the name exists.
// - addKey() adds a key to an existing namespace (throws if the namespace does not exist). With
//   explicit credentials (e.g. the well-known guest key) it is idempotent for the same pair and
//   throws if the uuid is already bound to another namespace or key. Without, it generates a
//   fresh uuid and a 64-character key.
// - A namespace may hold several keys; removeKey() revokes one at once for every reader.
// - addActivationKey() mints a fresh `uuid:key` that authenticates as `identity` (its namespace
//   and its subject, so records of what it starts name the original caller) for ttlMs and then
//   never again: authenticate() refuses it once expiresAt has passed even before the store drops
//   it. It costs one store write (Redis: one SET with PX) and is stored hashed like every key.
export interface AuthStore {
  authenticate(uuid: string, key: string): Promise<Identity | undefined>;
  createNamespace(name: string, limits?: NamespaceLimits): Promise<boolean>;
  getNamespace(name: string): Promise<NamespaceInfo | undefined>;
  listNamespaces(): Promise<string[]>;
  addKey(namespace: string, credentials?: { uuid: string; key: string }): Promise<Credentials>;
  removeKey(uuid: string): Promise<boolean>;
  addActivationKey(identity: Identity, ttlMs: number): Promise<string>;
}
