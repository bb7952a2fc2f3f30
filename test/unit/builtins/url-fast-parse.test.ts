// node:url's parser inside the isolate against this process's Node (the known answer), for URLs
// built from parts at the edges of guest/whatwg-url-state-machine.cjs's fast path (schemes, hosts,
// ports, paths, queries and fragments it must take, and those it must leave to the state machine:
// default ports, dot segments, IPv4 and punycode hosts, upper case, characters to encode). A fast
// path that builds a different record answers differently from Node here.
import { describe, expect, it } from 'vitest';
import { useBuiltinPool } from './builtin-pool.js';

const run = useBuiltinPool();

// Every component of the URL (and the base's, if any), or the error's code.
const PARSE = `(cases) => cases.map(([s, base]) => { try { const u = base === undefined ? new URL(s) : new URL(s, base);
  return [u.href, u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin, String(u.searchParams), JSON.stringify(u)]; }
  catch (e) { return e.code || String(e); } })`;

const SCHEMES = ['http', 'https', 'ws', 'wss', 'HTTPS', 'ftp', 'file', 'blob', 'x'];
const HOSTS = ['example.com', 'a-b.c-d', 'a', '-', 'localhost', '1.2.3.4', '1a.com', 'a.1b', 'a.b1', '0x7f', 'a.0x1', 'xn--mnchen-3ya.de', 'a.xn--zckzah',
  'axn--b.com', 'EXAMPLE.com', 'a..b', '.a', 'a.', 'a_b.com', 'a%41.com', 'user@host', 'u:p@host', '[::1]', 'münchen.de'];
const PORTS = ['', ':80', ':443', ':21', ':0', ':65535', ':65536', ':99999', ':0080', ':00443', ':8080', ':', ':x'];
const PATHS = ['', '/', '/a', '/a/', '//', '/a//b', '/a/./b', '/a/../b', '/.', '/..', '/./', '/.a', '/a..', "/~x!$&()*+,;=:@-._", '/%2e', '/%2E%2e',
  '/a b', '/é', "/'", '/a?', '/`', '/{}', '/^', '/|', '/\\a', '/a\tb'];
const QUERIES = ['', '?', '?a=1&b=2', '?q/?x', "?'", '?a b', '?é', '?%41', '?a+b', '?~!$&()*+,;=:@-._/?', '?`{}'];
const FRAGMENTS = ['', '#', '#f', '#a#b', '#`', '#é', '#a b', '#~!$&()*+,;=:@-._/?'];

function cases(n: number): [string, string?][] {
  let seed = 7;
  const rnd = <T>(a: readonly T[]): T => a[(seed = (seed * 1103515245 + 12345) % 2147483648) % a.length]!;
  const out: [string, string?][] = [];
  for (let i = 0; i < n; i++) out.push([`${rnd(SCHEMES)}://${rnd(HOSTS)}${rnd(PORTS)}${rnd(PATHS)}${rnd(QUERIES)}${rnd(FRAGMENTS)}`]);
  // Each part on its own, the rest plain.
  for (const p of PORTS) out.push([`https://example.com${p}/a?b=1`]);
  for (const p of PATHS) out.push([`https://example.com${p}`], [`http://example.com:8080${p}?x#y`]);
  for (const h of HOSTS) out.push([`https://${h}/a?b=1#c`]);
  for (const q of QUERIES) for (const f of FRAGMENTS) out.push([`wss://example.com/s${q}${f}`]);
  // With a base, leading and trailing spaces, tabs and newlines: the state machine's.
  out.push(['https://example.com/a', 'https://other.org/'], ['/a?b', 'https://example.com/x/y'], ['//h.com/p', 'http://e.com'], [' https://example.com/a '],
    ['https://exa\nmple.com/a'], ['https://example.com/a\t'], ['https:example.com'], ['https:/example.com'], ['https:///example.com'], ['https://example.com/a?b=1&c=%zz']);
  return out;
}

describe('URL parsing as Node parses it', () => {
  it('URLs at the edges of the fast path, every component', async () => {
    const all = cases(3000);
    const expected = (new Function(`return ${PARSE}`)() as (c: [string, string?][]) => unknown[])(all);
    const o = await run(`const parse = ${PARSE}; function main(p) { return { out: parse(p.cases) }; }`, { cases: all });
    expect(o.response.status, JSON.stringify(o.response.result).slice(0, 500)).toBe('success');
    const got = (o.response.result as { out: unknown[] }).out;
    const diff = all.flatMap((c, i) => (JSON.stringify(got[i]) === JSON.stringify(expected[i]) ? [] : [{ c, node: expected[i], photon: got[i] }]));
    expect(diff.slice(0, 10)).toEqual([]);
  });

  it('query strings as URLSearchParams and URL queries: the pairs, serialised, and get', async () => {
    const parts = ['a', 'b=1', '=', 'c==2', '', 'd=', '=e', 'x y', 'p+q', 'r%20s', '%zz', '%41=%42', 'é=ü', '\u0001=\u007f', '?', '#', '/', 'a=b=c', 'f[]=1', 'g;h'];
    let seed = 3;
    const qs: string[] = [];
    for (let i = 0; i < 400; i++) {
      let s = '';
      for (let j = (seed = (seed * 1103515245 + 12345) % 2147483648) % 5; j >= 0; j--) s += (j % 2 === 0 ? '&' : '') + parts[(seed = (seed * 1103515245 + 12345) % 2147483648) % parts.length];
      qs.push(s);
    }
    const PAIRS = `(qs) => qs.map((q) => { const p = new URLSearchParams(q); const u = new URL('https://example.com/?' + q.replace(/#/g, ''));
      return [[...p], String(p), p.get('a'), [...u.searchParams], String(u.searchParams)]; })`;
    const expected = (new Function(`return ${PAIRS}`)() as (q: string[]) => unknown[])(qs);
    const o = await run(`const pairs = ${PAIRS}; function main(p) { return { out: pairs(p.qs) }; }`, { qs });
    expect(o.response.status, JSON.stringify(o.response.result).slice(0, 500)).toBe('success');
    const got = (o.response.result as { out: unknown[] }).out;
    const diff = qs.flatMap((q, i) => (JSON.stringify(got[i]) === JSON.stringify(expected[i]) ? [] : [{ q, node: expected[i], photon: got[i] }]));
    expect(diff.slice(0, 10)).toEqual([]);
  });
});
