import { randomBytes } from 'node:crypto';

/** A prefix no other test (in this run or a parallel one) uses: topics, groups, keys, ids. */
export function uniquePrefix(label = 't'): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 24);
  return `${safe}-${process.pid}-${randomBytes(4).toString('hex')}-`;
}
