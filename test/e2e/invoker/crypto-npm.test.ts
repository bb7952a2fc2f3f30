// node:crypto and node:zlib as npm packages use them, through the REST API, on real isolates in
// real network namespaces (root; address ids 59648..59711): a zip of jsonwebtoken and bcryptjs
// (npm-installed during the run) signs and verifies JWTs (HS256, RS256, ES256) and hashes and
// checks bcrypt passwords; every answer is compared with the same packages run here, in Node.
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmProject, zipFolder } from '../../harness/npm-zip.js';
import { startZipPhoton, type ZipPhoton } from '../../unit/zip/zip-fixture.js';

const DEPS = { jsonwebtoken: '9.0.2', bcryptjs: '2.4.3' };
const MAIN = `
const jwt = require('jsonwebtoken');
const bcrypt = require('bcryptjs');
const zlib = require('zlib');
exports.main = function (p) {
  const claims = { sub: p.sub, iat: 1700000000 };
  const own = bcrypt.hashSync(p.password, 4);
  const es = jwt.sign(claims, p.ec.privateKey, { algorithm: 'ES256' });
  return {
    hs256: jwt.sign(claims, p.secret, { algorithm: 'HS256' }),
    rs256: jwt.sign(claims, p.rsa.privateKey, { algorithm: 'RS256', expiresIn: '1h' }),
    esOwn: jwt.verify(es, p.ec.publicKey, { algorithms: ['ES256'] }),
    verified: jwt.verify(p.token, p.rsa.publicKey, { algorithms: ['RS256'] }),
    rejected: (() => { try { jwt.verify(p.token, p.secret, { algorithms: ['HS256'] }); return 'accepted'; } catch (e) { return e.name + ': ' + e.message; } })(),
    decoded: jwt.decode(p.token, { complete: true }).header,
    bcryptHost: bcrypt.compareSync(p.password, p.bcryptHash),
    bcryptWrong: bcrypt.compareSync('wrong', p.bcryptHash),
    bcryptOwn: [own.slice(0, 7), bcrypt.compareSync(p.password, own)],
    gunzip: zlib.gunzipSync(Buffer.from(p.gz, 'base64')).toString(),
  };
};`;

let photon: ZipPhoton;
let zip: Buffer;
let expected: unknown;
let params: Record<string, unknown>;
beforeAll(async () => {
  const dir = npmProject(MAIN, DEPS);
  zip = zipFolder(dir);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const here = createRequire(`${dir}/index.js`);
  const jwt = here('jsonwebtoken') as { sign: (c: object, k: string, o: object) => string };
  const bcrypt = here('bcryptjs') as { hashSync: (p: string, r: number) => string };
  params = {
    sub: 'ada', secret: 'a shared secret of some length', rsa, ec, password: 'correct horse',
    token: jwt.sign({ sub: 'bo', iat: 1700000000, scope: 'read' }, rsa.privateKey, { algorithm: 'RS256' }),
    bcryptHash: bcrypt.hashSync('correct horse', 6),
    gz: gzipSync('compressed by the host').toString('base64'),
  };
  // The known answer: the same main, run here by Node with the same packages (iat pinned; expiresIn
  // is relative to iat, so RS256 is deterministic too).
  const module = { exports: {} as { main: (p: unknown) => unknown } };
  new Function('require', 'module', 'exports', MAIN)(here, module, module.exports);
  expected = JSON.parse(JSON.stringify(module.exports.main(params)));
  photon = await startZipPhoton({}, { invokerId: 'tcr0', isolation: 'on', namespaceIdBase: 59648, namespaceIdCount: 64, namespaceFloor: 2, namespaceCeiling: 16 });
}, 180_000);
afterAll(async () => {
  await photon?.close();
});

describe('jsonwebtoken and bcryptjs in a zip action, through the REST API, in a real namespace', () => {
  it('signs and verifies JWTs and bcrypt hashes exactly as Node does', async () => {
    const put = await photon.put('jwt', { code: zip.toString('base64'), binary: true });
    expect(put.status, JSON.stringify(put.body).slice(0, 500)).toBe(200);
    const r = await photon.invoke('jwt', params) as { response: { status: string; result: Record<string, unknown> } };
    expect(r.response.status, JSON.stringify(r.response)).toBe('success');
    expect(r.response.result).toEqual(expected);
    expect(r.response.result).toMatchObject({ bcryptHost: true, bcryptWrong: false, bcryptOwn: ['$2a$04$', true], gunzip: 'compressed by the host', verified: { sub: 'bo', scope: 'read' } });
  }, 60_000);
});
