// The behaviours of OpenWhisk's docs/webactions.md (and WebActions.scala's answers), one test each,
// through real HTTP against a real controller and real isolates; run by the unit tier (network
// isolation off) and the e2e tier (isolation on, real namespaces).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, GUEST, startWebPhoton, type WebPhoton, type WebPhotonOptions } from './web-fixture.js';

// OpenWhisk's own test image (WebActionsApiTests.pngSample).
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAoAAAAGCAYAAAD68A/GAAAA/klEQVQYGWNgAAEHBxaG//+ZQMyyn581Pfas+cRQnf1LfF'
  + 'Ljf+62smUgcUbt0FA2Zh7drf/ffMy9vLn3RurrW9e5hCU11i2azfD4zu1/DHz8TAy/foUxsXBrFzHzC7r8+M9S1vn1qxQT07dDjL'
  + '9fdemrqKxlYGT6z8AIMo6hgeUfA0PUvy9fGFh5GWK3z7vNxSWt++jX99+8SoyiGQwsW38w8PJEM7x5v5SJ8f+/xv8MDAzffv9hev'
  + 'fkWjiXBGMpMx+j2awovjcMjFztDO8+7GF49LkbZDCDeXLTWnZO7qDfn1/+5jbw/8pjYWS4wZLztXnuEuYTk2M+MzIw/AcA36Vewa'
  + 'D6fzsAAAAASUVORK5CYII=';

const ECHO = 'function main(p) { return p; }';
const RESULT = (r: unknown): string => `function main() { return ${JSON.stringify(r)}; }`;
const W = '/api/v1/web/guest/default';
const MB = 1024 * 1024;

export function describeWebActions(label: string, options: WebPhotonOptions): void {
  describe(`web actions (${label})`, () => {
    let p: WebPhoton;
    beforeAll(async () => {
      p = await startWebPhoton(options);
      await p.action('echo', ECHO);
      await p.action('hidden', ECHO, {});
    }, 60_000);
    afterAll(async () => {
      await p?.close();
    });

    it('answers only actions annotated web-export: true, with OpenWhisk 404 otherwise', async () => {
      expect((await p.http('GET', `${W}/echo.json`)).status).toBe(200);
      for (const path of [`${W}/hidden.json`, `${W}/missing.json`, '/api/v1/web/nobody/default/echo.json', '/api/v1/web/guest/nopkg/echo.json']) {
        const r = await p.http('GET', path);
        expect(r.status, path).toBe(404);
        expect(r.json().error).toBe('The requested resource does not exist.');
      }
    });

    it('passes the HTTP context: __ow_method, lower-cased __ow_headers, __ow_path, query parameters, no __ow_user without a key', async () => {
      const r = await p.http('GET', `${W}/echo.json/some/rest?name=Jane&x=1`, { headers: { 'X-Custom-Thing': 'Yes' } });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json');
      const b = r.json();
      expect(b).toMatchObject({ __ow_method: 'get', __ow_path: '/some/rest', name: 'Jane', x: '1' });
      expect(b.__ow_headers['x-custom-thing']).toBe('Yes');
      expect(b).not.toHaveProperty('__ow_user');
      expect(b).not.toHaveProperty('__ow_query');
    });

    it('merges a JSON body over the query parameters, and every verb runs the action', async () => {
      const r = await p.http('POST', `${W}/echo.json?name=query&q=1`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'body', yummy: true }) });
      expect(r.json()).toMatchObject({ name: 'body', q: '1', yummy: true, __ow_method: 'post' });
      for (const m of ['PUT', 'PATCH', 'DELETE']) expect((await p.http(m, `${W}/echo.json`)).json().__ow_method).toBe(m.toLowerCase());
    });

    it('merges form data (application/x-www-form-urlencoded)', async () => {
      const r = await p.http('POST', `${W}/echo.json`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'field1=value1&field2=value%202' });
      expect(r.json()).toMatchObject({ field1: 'value1', field2: 'value 2' });
    });

    it('gives other bodies in __ow_body: text as a string, a JSON value as is, binary content base64', async () => {
      expect((await p.http('POST', `${W}/echo.json`, { headers: { 'content-type': 'text/plain' }, body: 'Jane' })).json().__ow_body).toBe('Jane');
      expect((await p.http('POST', `${W}/echo.json`, { headers: { 'content-type': 'application/json' }, body: '[1,"a",false]' })).json().__ow_body).toEqual([1, 'a', false]);
      expect((await p.http('POST', `${W}/echo.json`, { headers: { 'content-type': 'image/png' }, body: Buffer.from(PNG, 'base64') })).json().__ow_body).toBe(PNG);
    });

    it('round-trips a binary PNG: request body in, base64 body with Content-Type image/png out, byte for byte', async () => {
      await p.action('png', "function main(p) { return { headers: { 'Content-Type': 'image/png' }, body: p.__ow_body }; }");
      const png = Buffer.from(PNG, 'base64');
      const r = await p.http('POST', `${W}/png`, { headers: { 'content-type': 'image/png' }, body: png });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('image/png');
      expect(r.bytes.equals(png)).toBe(true);
    });

    it('answers a 300 KB binary body the action made with Buffer (its base64 through the native encoder: 96 KB and more), byte for byte', async () => {
      const make = (n: number): Buffer => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 7919 + (i >> 9)) & 255; return b; };
      await p.action('bigpng', `function main(p) { const make = ${make.toString()}; return { headers: { 'Content-Type': 'image/png' }, body: make(Number(p.n)).toString('base64') }; }`);
      const r = await p.http('GET', `${W}/bigpng?n=300001`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('image/png');
      expect(r.bytes.equals(make(300001))).toBe(true);
    });

    it('raw-http: __ow_query unparsed and __ow_body raw (base64 for JSON, text as is), echoed back', async () => {
      await p.action('raw', "function main(p) { return { body: { query: p.__ow_query, body: p.__ow_body, name: p.name === undefined ? null : p.name } }; }", { 'web-export': true, 'raw-http': true });
      const json = await p.http('POST', `${W}/raw.json?name=Jane&b=2`, { headers: { 'content-type': 'application/json' }, body: '{"name":"Jane"}' });
      expect(json.json().body).toEqual({ query: 'name=Jane&b=2', body: Buffer.from('{"name":"Jane"}').toString('base64'), name: null });
      await p.action('rawtext', "function main(p) { return { headers: { 'content-type': 'text/plain' }, body: p.__ow_body }; }", { 'web-export': true, 'raw-http': true });
      const text = await p.http('POST', `${W}/rawtext`, { headers: { 'content-type': 'text/plain' }, body: 'echo me as I am' });
      expect(text.text).toBe('echo me as I am');
      expect(text.headers['content-type']).toBe('text/plain; charset=UTF-8');
      expect((await p.http('GET', `${W}/raw.json`)).json().body).toEqual({ query: '', body: '', name: null });
    });

    it('.http uses statusCode, headers (several values as several lines) and body, a redirect included', async () => {
      await p.action('redirect', RESULT({ headers: { location: 'http://openwhisk.org' }, statusCode: 302 }));
      const r = await p.http('GET', `${W}/redirect.http`);
      expect(r.status).toBe(302);
      expect(r.headers.location).toBe('http://openwhisk.org');
      await p.action('cookies', RESULT({ headers: { 'Set-Cookie': ['UserID=Jane; Max-Age=3600', 'SessionID=asdf; Path=/'], 'Content-Type': 'text/html' }, statusCode: 200, body: '<h3>hello</h3>' }));
      const c = await p.http('GET', `${W}/cookies`);
      expect(c.headers['set-cookie']).toEqual(['UserID=Jane; Max-Age=3600', 'SessionID=asdf; Path=/']);
      expect(c.text).toBe('<h3>hello</h3>');
    });

    it('.http defaults: 204 without a body, text/html for a string, application/json for JSON, a string statusCode', async () => {
      await p.action('empty', RESULT({}));
      const e = await p.http('GET', `${W}/empty.http`);
      expect([e.status, e.bytes.length, e.headers['content-type']]).toEqual([204, 0, undefined]);
      await p.action('html', RESULT({ body: '<html>hi</html>' }));
      const h = await p.http('GET', `${W}/html.http`);
      expect([h.status, h.headers['content-type'], h.text]).toEqual([200, 'text/html; charset=UTF-8', '<html>hi</html>']);
      await p.action('obj', RESULT({ statusCode: '201', body: { field: 'value' } }));
      const o = await p.http('GET', `${W}/obj.http`);
      expect([o.status, o.headers['content-type'], o.json()]).toEqual([201, 'application/json', { field: 'value' }]);
    });

    it('.json, .html, .svg and .text each answer their content type from their default property', async () => {
      await p.action('fields', RESULT({ html: '<b>h</b>', svg: '<svg/>', text: 'plain', extra: 1 }));
      const j = await p.http('GET', `${W}/fields.json`);
      expect([j.headers['content-type'], j.json().extra]).toEqual(['application/json', 1]);
      const h = await p.http('GET', `${W}/fields.html`);
      expect([h.headers['content-type'], h.text]).toEqual(['text/html; charset=UTF-8', '<b>h</b>']);
      const s = await p.http('GET', `${W}/fields.svg`);
      expect([s.headers['content-type'], s.text]).toEqual(['image/svg+xml', '<svg/>']);
      const t = await p.http('GET', `${W}/fields.text`);
      expect([t.headers['content-type'], t.text]).toEqual(['text/plain; charset=UTF-8', 'plain']);
      const missing = await p.http('GET', `${W}/echo.text`);
      expect([missing.status, missing.json().error]).toEqual([404, 'Response does not include requested property.']);
      await p.action('num', RESULT({ body: 42 }));
      expect((await p.http('GET', `${W}/num.html`)).json().error).toBe("Response is not valid 'text/html'.");
      expect((await p.http('GET', `${W}/num.text`)).text).toBe('42');
    });

    it('final: true protects the action\'s (and its package\'s) parameters; reserved __ow_ names are refused', async () => {
      await p.action('fin', ECHO, { 'web-export': true, final: true }, { parameters: [{ key: 'name', value: 'Jane' }, { key: 'empty', value: null }] });
      expect((await p.http('GET', `${W}/fin.json`)).json().name).toBe('Jane');
      for (const [path, body] of [[`${W}/fin.json?name=Mallory`, undefined], [`${W}/fin.json`, '{"name":"Mallory"}']] as const) {
        const r = await p.http('POST', path, { headers: { 'content-type': 'application/json' }, ...(body ? { body } : {}) });
        expect([r.status, r.json().error]).toEqual([400, 'Request defines parameters that are not allowed (e.g., reserved properties).']);
      }
      expect((await p.http('GET', `${W}/fin.json?empty=set`)).json().empty).toBe('set');
      await p.action('notfinal', ECHO, { 'web-export': true }, { parameters: [{ key: 'name', value: 'Jane' }] });
      expect((await p.http('GET', `${W}/notfinal.json?name=Bob`)).json().name).toBe('Bob');
      expect((await p.http('GET', `${W}/echo.json?__ow_method=put`)).status).toBe(400);
    });

    it('require-whisk-auth: true wants a valid key by Basic auth, any namespace\'s (then __ow_user, and the key is not handed to the action)', async () => {
      await p.action('secure', ECHO, { 'web-export': true, 'require-whisk-auth': true });
      const none = await p.http('GET', `${W}/secure.json`);
      expect([none.status, none.json().error]).toEqual([401, 'Authentication is possible but has failed or not yet been provided.']);
      expect((await p.http('GET', `${W}/secure.json`, { headers: { authorization: basic(`${GUEST.split(':')[0]}:wrong`) } })).status).toBe(401);
      const ok = await p.http('GET', `${W}/secure.json`, { headers: { authorization: basic(GUEST) } });
      expect(ok.status).toBe(200);
      expect(ok.json().__ow_user).toBe('guest');
      expect(ok.json().__ow_headers).not.toHaveProperty('authorization');
      // Any valid key, as OpenWhisk (the action decides by __ow_user), not only the owner's.
      await p.stores.auth.createNamespace('alice');
      const alice = await p.stores.auth.addKey('alice');
      const other = await p.http('GET', `${W}/secure.json`, { headers: { authorization: basic(`${alice.uuid}:${alice.key}`) } });
      expect([other.status, other.json().__ow_user]).toEqual([200, 'alice']);
    });

    it('require-whisk-auth: a string wants the X-Require-Whisk-Auth header to match', async () => {
      await p.action('secret', ECHO, { 'web-export': true, 'require-whisk-auth': 'my-secret' });
      expect((await p.http('GET', `${W}/secret.json`)).status).toBe(401);
      expect((await p.http('GET', `${W}/secret.json`, { headers: { 'x-require-whisk-auth': 'my-secret-bad' } })).status).toBe(401);
      expect((await p.http('GET', `${W}/secret.json`, { headers: { 'x-require-whisk-auth': 'my-secret' } })).status).toBe(200);
    });

    it('adds CORS headers by default and answers OPTIONS itself, without running the action', async () => {
      const get = await p.http('GET', `${W}/echo.json`);
      expect(get.headers['access-control-allow-origin']).toBe('*');
      expect(get.headers['access-control-allow-methods']).toBe('OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH');
      expect(get.headers['access-control-allow-headers']).toBe('Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent');
      await p.action('nooptions', "function main(p) { if (p.__ow_method === 'options') throw new Error('ran'); return {}; }", { 'web-export': true, 'require-whisk-auth': true });
      const pre = await p.http('OPTIONS', `${W}/nooptions.http`, { headers: { 'access-control-request-headers': 'x-custom-header' } });
      expect([pre.status, pre.bytes.length, pre.headers['access-control-allow-headers'], pre.headers['x-openwhisk-activation-id']]).toEqual([200, 0, 'x-custom-header', undefined]);
    });

    it('web-custom-options: true hands OPTIONS to the action, with no default CORS headers', async () => {
      await p.action('custom', "function main(p) { if (p.__ow_method == 'options') return { headers: { 'Access-Control-Allow-Methods': 'OPTIONS, GET', 'Access-Control-Allow-Origin': 'example.com' }, statusCode: 200 }; return { body: 'get' }; }", { 'web-export': true, 'web-custom-options': true, 'require-whisk-auth': true });
      const r = await p.http('OPTIONS', `${W}/custom.http`);
      expect(r.status).toBe(200);
      expect(r.headers['access-control-allow-methods']).toBe('OPTIONS, GET');
      expect(r.headers['access-control-allow-origin']).toBe('example.com');
      expect(r.headers['access-control-allow-headers']).toBeUndefined();
    });

    it('errors: an application error projects its `error` through the extension; developer errors and timeouts are 400', async () => {
      await p.action('apperr', RESULT({ error: { statusCode: 418, body: 'no hello for you' } }));
      const a = await p.http('GET', `${W}/apperr.http`);
      expect([a.status, a.text]).toEqual([418, 'no hello for you']);
      await p.action('strerr', RESULT({ error: 'boom' }));
      const s = await p.http('GET', `${W}/strerr.json`);
      expect([s.status, s.json().error]).toEqual([400, "Response is not valid 'application/json'."]);
      await p.action('deverr', 'function main() { return 5; }');
      const d = await p.http('GET', `${W}/deverr.json`);
      expect([d.status, d.json().error]).toEqual([400, 'There was an error processing your request.']);
      expect(d.headers['x-openwhisk-activation-id']).toMatch(/^[0-9a-f]{32}$/);
      await p.action('timeout', 'async function main() { await new Promise((r) => setTimeout(r, 2000)); return {}; }', { 'web-export': true }, { limits: { timeout: 100 } });
      const t = await p.http('GET', `${W}/timeout.json`);
      expect([t.status, t.json().error]).toEqual([400, 'There was an error processing your request.']);
    });

    it('a web action in a package and through a binding, parameters package < binding < action < request', async () => {
      expect((await p.api('PUT', '/api/v1/namespaces/_/packages/lib', { parameters: [{ key: 'a', value: 'pkg' }, { key: 'b', value: 'pkg' }] })).status).toBe(200);
      await p.action('lib/hi', ECHO, { 'web-export': true }, { parameters: [{ key: 'c', value: 'action' }] });
      expect((await p.api('PUT', '/api/v1/namespaces/_/packages/mine', { binding: { namespace: '_', name: 'lib' }, parameters: [{ key: 'b', value: 'binding' }] })).status).toBe(200);
      expect((await p.http('GET', '/api/v1/web/guest/lib/hi.json?d=req')).json()).toMatchObject({ a: 'pkg', b: 'pkg', c: 'action', d: 'req' });
      expect((await p.http('GET', '/api/v1/web/guest/mine/hi.json?c=req')).json()).toMatchObject({ a: 'pkg', b: 'binding', c: 'req' });
    });

    it('bills the owner: the activation is the owner\'s, readable with its key', async () => {
      const r = await p.http('GET', `${W}/echo.json`);
      const id = r.headers['x-openwhisk-activation-id'];
      expect(typeof id).toBe('string');
      const rec = await p.api('GET', `/api/v1/namespaces/_/activations/${String(id)}`);
      expect([rec.status, rec.json().namespace, rec.json().name]).toEqual([200, 'guest', 'echo']);
    });

    it('applies the owner namespace\'s throttles', async () => {
      await p.stores.auth.createNamespace('tight', { invocationsPerMinute: 1 });
      await p.stores.actions.put({ namespace: 'tight', name: 'hi', exec: { kind: 'nodejs:20', code: ECHO, binary: false }, parameters: [], annotations: [{ key: 'web-export', value: true }], limits: { timeout: 60_000, memory: 128, logs: 1024, concurrency: 1 }, publish: false }, { overwrite: true });
      expect((await p.http('GET', '/api/v1/web/tight/default/hi.json')).status).toBe(200);
      const second = await p.http('GET', '/api/v1/web/tight/default/hi.json');
      expect([second.status, second.json().error]).toEqual([429, 'Too many requests in the last minute (count: 2, allowed: 1).']);
    });

    it('HEAD runs the action and answers its headers and length, never a body', async () => {
      await p.action('big', "function main() { return { headers: { 'content-type': 'text/plain', location: 'here' }, body: 'x'.repeat(100000) }; }");
      const r = await p.http('HEAD', `${W}/big.http`);
      expect([r.status, r.headers['content-length'], r.headers.location, r.bytes.length]).toEqual([200, '100000', 'here', 0]);
    });

    it('streams multi-megabyte responses whole: 6 MB of text and 4.5 MB of binary, byte-exact, with their length', async () => {
      const gen = 'function gen(n) { const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"; let s = ""; let x = 7; const part = []; for (let i = 0; i < 4096; i++) { x = (x * 1103515245 + 12345) % 2147483648; part.push(a[x % 64]); } const block = part.join(""); while (s.length < n) s += block; return s.slice(0, n); }';
      await p.action('bigtext', `${gen} function main() { return { headers: { 'content-type': 'text/plain' }, body: gen(6 * 1024 * 1024) }; }`);
      await p.action('bigbin', `${gen} function main() { return { headers: { 'content-type': 'application/octet-stream' }, body: gen(6 * 1024 * 1024) }; }`);
      const expected = new Function(`${gen}; return gen(${6 * MB});`)() as string;
      const t = await p.http('GET', `${W}/bigtext`);
      expect([t.status, t.headers['content-length'], t.bytes.length]).toEqual([200, String(6 * MB), 6 * MB]);
      expect(t.text === expected).toBe(true);
      const b = await p.http('GET', `${W}/bigbin`);
      expect(b.bytes.length).toBe(4.5 * MB);
      expect(b.bytes.equals(Buffer.from(expected, 'base64'))).toBe(true);
      const head = await p.http('HEAD', `${W}/bigbin`);
      expect([head.headers['content-length'], head.bytes.length]).toEqual([String(4.5 * MB), 0]);
    });

    it('answers 202 "Response not yet ready." when the action outlasts the blocking wait', async () => {
      await p.action('slow', 'async function main() { await new Promise((r) => setTimeout(r, 3500)); return { body: "late" }; }');
      const r = await p.http('GET', `${W}/slow.json`);
      expect([r.status, r.json().error]).toEqual([202, 'Response not yet ready.']);
      expect(r.headers['x-openwhisk-activation-id']).toMatch(/^[0-9a-f]{32}$/);
    }, 20_000);

    it('a sequence served as a web action', async () => {
      await p.action('upper', "function main(p) { return { text: String(p.text).toUpperCase() }; }", {});
      const put = await p.api('PUT', '/api/v1/namespaces/_/actions/seqweb?overwrite=true', {
        exec: { kind: 'sequence', components: ['/guest/upper', '/guest/echo'] }, annotations: [{ key: 'web-export', value: true }],
      });
      expect(put.status).toBe(200);
      expect((await p.http('GET', `${W}/seqweb.json?text=hi`)).json().text).toBe('HI');
    });

    describe('bad input: a clear 4xx with OpenWhisk\'s message, and the invoker unharmed', () => {
      it('a malformed JSON body is 400 "The request content was malformed"', async () => {
        const r = await p.http('POST', `${W}/echo.json`, { headers: { 'content-type': 'application/json' }, body: '{"name": ' });
        expect(r.status).toBe(400);
        expect(r.json().error).toMatch(/^The request content was malformed:\n/);
      });

      it("'..' segments and encoded slashes in the path are 400, never resolved to another action", async () => {
        for (const path of [`${W}/../default/echo.json`, `${W}/echo.json/../../hidden.json`, '/api/v1/web/guest/default%2Fecho/echo.json', `/api/v1/web/guest/default/echo%2F..%2Fhidden.json`]) {
          const r = await p.http('GET', path);
          expect(r.status, path).toBe(400);
          expect(r.json().error, path).toMatch(/^(The name of the entity contains illegal characters|The request content was malformed)/);
        }
      });

      it('an unknown extension is 406 with OpenWhisk\'s list of extensions', async () => {
        const r = await p.http('GET', `${W}/echo.xyz`);
        expect([r.status, r.json().error]).toEqual([406, 'Extension must be specified and one of [.http, .json, .html, .svg, .text].']);
      });

      it('a 10 MB body is 413, refused before it is read', async () => {
        const r = await p.http('POST', `${W}/echo.json`, { headers: { 'content-type': 'application/json' }, body: Buffer.alloc(10 * MB, 0x61) });
        expect(r.status).toBe(413);
        expect(r.json().error).toMatch(/Request larger than allowed: 10485760 > 1048576 bytes/);
      });

      it('a result with an invalid status code or header value is 400 "Response is not valid \'message/http\'."', async () => {
        const bad = [{ statusCode: 'xyz' }, { statusCode: 1000 }, { statusCode: 200.5 }, { headers: { 'x-evil': 'a\r\nSet-Cookie: injected=1' } }, { headers: { 'bad name': 'v' } }, { headers: { nested: { a: 1 } } }, { headers: 'nope' }];
        for (const [i, result] of bad.entries()) {
          await p.action(`bad${i}`, RESULT(result));
          const r = await p.http('GET', `${W}/bad${i}.http`);
          expect([r.status, r.json().error], JSON.stringify(result)).toEqual([400, "Response is not valid 'message/http'."]);
          expect(r.headers['set-cookie']).toBeUndefined();
        }
        await p.action('badtype', RESULT({ headers: { 'content-type': 'xyzbar' }, body: 'hello' }));
        expect((await p.http('GET', `${W}/badtype.http`)).json().error).toBe('Response did not specify a known content-type.');
        await p.action('badb64', RESULT({ headers: { 'content-type': 'image/png' }, body: 'not base64 at all!' }));
        expect((await p.http('GET', `${W}/badb64.http`)).json().error).toBe('Response type in header did not match generated content type.');
      });

      it('after all of that the invoker still serves', async () => {
        const r = await p.http('GET', `${W}/echo.json?after=1`);
        expect([r.status, r.json().after]).toEqual([200, '1']);
      });
    });
  });
}
