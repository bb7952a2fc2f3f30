// node:url's hosts inside the isolate against this process's Node (the known answer): every ASCII
// character in a host, random ASCII hosts, and hosts beyond ASCII. ASCII hosts without a punycode
// label skip tr46's Unicode tables (guest/tr46-ascii.cjs, which claims that UTS #46 only lower-cases
// them); the rest load internal/tr46. A wrong shortcut answers differently from Node here.
import { describe, expect, it } from 'vitest';
import { useBuiltinPool } from './builtin-pool.js';

const run = useBuiltinPool();

// Node's URL and the isolate's, host by host: the hostname, or the error's code.
const PARSE = `(hosts) => hosts.map((h) => { try { const u = new URL('http://' + h + '/p'); return [u.hostname, u.href]; } catch (e) { return e.code || String(e); } })`;

function randomAsciiHosts(n: number): string[] {
  const alphabet = 'abcXYZ019-_.%~!$&()*+,;=:@[]?# \\xnXN\u0000\u0001\u001f\u007f';
  const out: string[] = [];
  let seed = 14;
  const rnd = (k: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let j = 1 + rnd(12); j > 0; j--) s += rnd(20) === 0 ? 'xn-' : rnd(10) === 0 ? String.fromCharCode(rnd(128)) : alphabet[rnd(alphabet.length)];
    // Invalid punycode labels (xn-- not followed by valid punycode) are left out: whatwg-url's tr46
    // refuses them and Node's URL (ada) accepts them, a difference of the two that predates the shortcut.
    if (!/(^|[.@])xn--/i.test(s)) out.push(s);
  }
  return out;
}

describe('URL hosts as Node parses them', () => {
  it('every ASCII character in a host, random ASCII hosts, punycode labels and hosts beyond ASCII', async () => {
    const ascii = Array.from({ length: 128 }, (_, c) => `a${String.fromCharCode(c)}b.C${String.fromCharCode(c)}`);
    const beyond = ['münchen.de', 'MÜNCHEN.de', 'xn--mnchen-3ya.de', 'XN--MNCHEN-3YA.de', 'faß.de', 'ＡＢＣ.com', 'a。b.com',
      'مثال.إختبار', 'a\u200db.com', 'ex\u00adample.com', '例え.テスト', 'xn--zckzah.xn--zckzah', 'Example.COM.', '1.2.3.4', '0x7f.1', '[::1]', 'a..b', '.a'];
    const hosts = [...ascii, ...randomAsciiHosts(400), ...beyond];
    const expected = (new Function(`return ${PARSE}`)() as (h: string[]) => unknown)(hosts);
    const o = await run(`const parse = ${PARSE}; function main(p) { return { out: parse(p.hosts) }; }`, { hosts });
    expect(o.response.status, JSON.stringify(o.response.result).slice(0, 500)).toBe('success');
    const got = (o.response.result as { out: unknown[] }).out;
    const diff = hosts.flatMap((h, i) => (JSON.stringify(got[i]) === JSON.stringify((expected as unknown[])[i]) ? [] : [{ h, node: (expected as unknown[])[i], photon: got[i] }]));
    expect(diff).toEqual([]);
  });
});
