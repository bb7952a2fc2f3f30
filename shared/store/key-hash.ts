// Keys are stored hashed and compared in constant time: a store dump does not leak usable keys.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function keyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fresh uuid and a 64-character alphanumeric key, the shape of OpenWhisk's keys. */
export function generateCredentials(): { uuid: string; key: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // 248 = 4 * 62: rejecting bytes above it keeps every character equally likely.
  let key = '';
  while (key.length < 64) {
    for (const b of randomBytes(96)) {
      if (b < 248 && key.length < 64) key += alphabet[b % 62];
    }
  }
  return { uuid: randomUUID(), key };
}
