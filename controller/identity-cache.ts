// A short-lived cache of successful key checks: every API call authenticates, and two store reads
// per call would dominate a warm invoke's latency. OpenWhisk caches identities the same way. A
// revoked key keeps working for at most ttlMs on a controller that has just seen it; an expiring
// (activation-scoped) key never past its expiry.
import { hash, timingSafeEqual } from 'node:crypto';
import type { AuthStore, Identity } from '../shared/store/auth-store.js';

interface Entry {
  digest: Buffer;
  identity: Identity;
  expires: number;
}

const MAX_ENTRIES = 10_000;

export class IdentityCache {
  readonly #auth: Pick<AuthStore, 'authenticate'>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(auth: Pick<AuthStore, 'authenticate'>, ttlMs: number, now: () => number = Date.now) {
    this.#auth = auth;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  async authenticate(uuid: string, key: string): Promise<Identity | undefined> {
    if (this.#ttlMs <= 0) return this.#auth.authenticate(uuid, key);
    // One-shot hash: no Hash object per request (createHash().update().digest() was ~5 µs of every call).
    const digest = hash('sha256', key, 'buffer');
    const hit = this.#entries.get(uuid);
    if (hit && hit.expires > this.#now() && timingSafeEqual(hit.digest, digest)) return hit.identity;
    const identity = await this.#auth.authenticate(uuid, key);
    // Only successes are cached: a wrong key is always checked against the store.
    if (identity) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      // An activation-scoped key is never reused from here past its own expiry.
      this.#entries.set(uuid, { digest, identity, expires: Math.min(this.#now() + this.#ttlMs, identity.expiresAt ?? Number.POSITIVE_INFINITY) });
    } else {
      this.#entries.delete(uuid);
    }
    return identity;
  }
}
