// The request target read without URL for plain targets must answer exactly what URL answers:
// compared on hand-picked edge cases and on many random targets over an alphabet of the
// characters URL escapes, decodes or rewrites.
import { describe, expect, it } from 'vitest';
import { requestTarget } from '../../../controller/request-target.js';

const NAMES = ['blocking', 'result', 'timeout', 'limit', 'skip', '', 'a b', 'x'];

function sameAsUrl(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw, 'http://controller');
  } catch (err) {
    // ('//' and a host URL refuses): refused alike.
    expect(() => requestTarget(raw), raw).toThrow((err as Error).message);
    return;
  }
  const got = requestTarget(raw);
  expect(got.pathname, raw).toBe(url.pathname);
  for (const name of NAMES) expect(got.searchParams.get(name), `${raw} ${name}`).toBe(url.searchParams.get(name));
}

describe('requestTarget', () => {
  it('answers plain targets without URL, and as URL does', () => {
    const plain = '/api/v1/namespaces/_/actions/hello?blocking=true&result=true';
    expect(requestTarget(plain)).not.toBeInstanceOf(URL);
    sameAsUrl(plain);
  });

  it('answers every edge case as URL does', () => {
    for (const raw of [
      '/', '/api/v1', '/api/v1/', '/api//v1', '//api/v1/namespaces', '/api/v1/./x', '/api/v1/../x', '/api/v1/..', '/api/v1/.', '/a/.b/..c/...',
      '/api/v1/%2e%2e/x', '/api/v1/%2E/x', '/a%2Fb', '/a b', '/a\\b', '/ä', '/a?', '/a?&', '/a?&&blocking=true', '/a?=x', '/a?blocking', '/a?blocking=',
      '/a?blocking=true&blocking=false', '/a?result=a+b', '/a?result=%20', "/a?result='x'", '/a?result=a=b', '/a?x=1?y=2', '/a#frag', '/a?b=1#c',
      '*', '', 'http://other/x?y=1', '/a?timeout=50&blocking=true', "/it's/(ok)!*~$,;:@", '/a?a%20b=1', '/a?a b=1',
    ]) sameAsUrl(raw);
  });

  it('answers random targets as URL does', () => {
    const alphabet = ['/', '/', 'a', 'b', '.', '..', '%', '%2e', '%2F', '+', ' ', '?', '&', '=', '#', '\\', "'", '~', 'ä', '_', '-', 'x', 'blocking', 'result', 'true'];
    let seed = 18;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let plain = 0;
    for (let i = 0; i < 5_000; i++) {
      let raw = '/';
      for (let k = rand(12); k > 0; k--) raw += alphabet[rand(alphabet.length)];
      sameAsUrl(raw);
      try {
        if (!(requestTarget(raw) instanceof URL)) plain++;
      } catch {
        // refused by URL: counted as not plain
      }
    }
    // Both ways are exercised: the comparison means something for the plain reading too.
    expect(plain).toBeGreaterThan(500);
    expect(plain).toBeLessThan(4_500);
  });
});
