// Known-answer cases for node:crypto: each body runs as an async function of (require, params),
// here in Node and inside an isolate, and must answer the same. `params` carries keys made by this
// test process (so deterministic algorithms give byte-equal answers); randomised signatures
// (ECDSA, RSA-PSS) are checked by verifying, both ways.
import { generateKeyPairSync, sign } from 'node:crypto';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ec2 = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ed = generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

export const CRYPTO_PARAMS = {
  rsa, ec, ec2, ed,
  ecSig: sign('sha256', Buffer.from('signed here'), ec.privateKey).toString('base64'),
  pssSig: sign('sha256', Buffer.from('signed here'), { key: rsa.privateKey, padding: 6, saltLength: 32 }).toString('base64'),
};

export const CRYPTO_CASES: Record<string, string> = {
  'hashes: algorithms, encodings, updates in pieces, copy, outputLength, crypto.hash': `
    const c = require('crypto'); const out = {};
    for (const a of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-256', 'sha3-256', 'ripemd160', 'blake2b512'])
      out[a] = c.createHash(a).update('The quick brown fox ').update(Buffer.from('jumps over')).update('c0ffee', 'hex').digest('hex');
    for (const e of ['hex', 'base64', 'base64url', 'latin1', 'binary']) out['enc-' + e] = c.createHash('sha256').update('x').digest(e);
    out.buffer = c.createHash('sha1').update('héllo €', 'utf8').digest().toString('hex');
    // Digests kept side by side (each native digest is written into one scratch buffer per context: a Buffer handed out must be a copy).
    const kept = [c.createHash('sha256').update('a').digest(), c.createHmac('sha512', 'k').update('b').digest(), c.createHash('md5').update('c').digest('latin1'), c.hash ? c.hash('sha1', 'd', 'buffer') : null];
    out.kept = kept.map((x) => (x === null ? null : Buffer.from(x, typeof x === 'string' ? 'latin1' : undefined).toString('hex')));
    out.inputs = ['aGVsbG8=', 'latin1:é', new Uint16Array([1, 2, 3])].map((x, i) => i === 0 ? c.createHash('md5').update(x, 'base64').digest('hex')
      : i === 1 ? c.createHash('md5').update(x, 'latin1').digest('hex') : c.createHash('md5').update(x).digest('hex'));
    const h = c.createHash('sha256').update('part one'); const h2 = h.copy();
    out.copy = [h.update(' and two').digest('hex'), h2.digest('hex')];
    out.shake = c.createHash('shake256', { outputLength: 10 }).update('x').digest('hex');
    out.big = c.createHash('sha256').update(Buffer.alloc(3 * 1024 * 1024 + 7, 7)).update('tail').digest('hex'); // fed to the host in pieces
    const big2 = c.createHash('sha512'); for (let i = 0; i < 40; i++) big2.update(Buffer.alloc(100000, i)); const big3 = big2.copy(); big2.update('a'); out.bigCopy = [big2.digest('base64'), big3.digest('base64')];
    out.oneShot = c.hash('sha1', 'abc') + c.hash('sha256', Buffer.from('abc'), 'base64');
    try { c.createHash('nope'); } catch (e) { out.bad = [e.name, e.message]; }
    const d = c.createHash('md5'); d.digest(); try { d.digest(); } catch (e) { out.twice = [e.code, e.message]; }
    try { c.createHash('sha256').update(42); } catch (e) { out.badInput = [e.name, e.code]; }
    return out;`,
  'sha-256 and its HMAC at every block boundary (native; the aliases: small inputs in guest JS, sha256.cjs, large on the host)': `
    const c = require('crypto'); const out = {};
    const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 4095, 4096, 4097, 10000];
    const data = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) & 255));
    out.sha256 = lengths.map((n) => c.createHash('sha256').update(data(n)).digest('hex'));
    out.split = lengths.map((n) => c.createHash('SHA256').update(data(n).subarray(0, n >> 1)).update(data(n).subarray(n >> 1)).digest('base64'));
    out.hmac = [0, 1, 64, 65, 200].map((k) => lengths.map((n) => c.createHmac('sha256', data(k)).update(data(n)).digest('hex')));
    out.hmacKeyObject = c.createHmac('sha256', c.createSecretKey(data(32))).update('x').digest('base64url');
    // Names the native digest does not take (photon passes it Node's lower-case names only): sha256.cjs up to 4 KB.
    out.js = lengths.map((n) => c.createHash('sha-256').update(data(n).subarray(0, n >> 1)).update(data(n).subarray(n >> 1)).digest('hex'));
    out.jsHmac = [0, 1, 64, 65, 200].map((k) => lengths.map((n) => c.createHmac('RSA-SHA256', data(k)).update(data(n)).digest('hex')));
    out.jsHmacKeyObject = c.createHmac('SHA-256', c.createSecretKey(data(32))).update('x').digest('base64url');
    out.aliases = ['sha-256', 'RSA-SHA256'].map((a) => c.createHash(a).update('abc').digest('latin1'));
    out.encodings = ['hex', 'base64', 'base64url', 'latin1', 'binary', 'buffer', undefined].map((e) => { const d = c.createHash('sha256').update('e').digest(e); return typeof d === 'string' ? d : d.toString('hex'); });
    return out;`,
  'every algorithm of the native list (deploy/isolated-vm/native-digest.patch): hashes, HMACs, empty input and key, chunks, slices with offsets': `
    const c = require('crypto'); const out = {};
    const algs = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-224', 'sha512-256', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512', 'SHA3-512', 'MD5', 'RSA-SHA1'];
    const data = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 255; return b; };
    const whole = data(70000); const slice = whole.subarray(3, 3 + 5000); const u16 = new Uint16Array(whole.buffer, whole.byteOffset + 10, 300);
    for (const a of algs) {
      out[a] = [c.createHash(a).digest('hex'), c.createHash(a).update('').update(Buffer.alloc(0)).digest('base64'),
        c.createHash(a).update(slice).update(u16).update(new DataView(whole.buffer, 7, 33)).update(whole).digest('hex'),
        c.createHmac(a, '').digest('hex'), c.createHmac(a, slice.subarray(1, 200)).update(whole.subarray(1)).update('tail', 'latin1').digest('base64url'),
        c.createHmac(a, data(300)).update(data(4097)).digest('hex'), c.hash(a, slice, 'base64'), c.hash(a, 'héllo'),
        c.createHash(a).update('x').digest('nonsense').toString('hex')];
    }
    const many = c.createHmac('sha1', 'k'); for (let i = 0; i < 3000; i++) many.update(i % 3 ? '' : String(i)); // joined before the native call
    out.many = many.digest('hex');
    return out;`,
  'hashes and hmacs as streams (pipe, write/end/read)': `
    const c = require('crypto'); const { pipeline, Readable } = require('stream');
    const h = c.createHash('sha256'); h.write('ab'); h.end('c'); const viaStream = h.read().toString('hex');
    const piped = await new Promise((res, rej) => { const hm = c.createHmac('sha256', 'k'); pipeline(Readable.from(['a', 'b', 'c']), hm, (e) => e ? rej(e) : res(hm.read().toString('hex'))); });
    return { viaStream, piped };`,
  'hmacs: keys as strings, buffers and secret KeyObjects': `
    const c = require('crypto'); const out = {};
    for (const a of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) out[a] = c.createHmac(a, 'secret key').update('message').digest('hex');
    out.bufKey = c.createHmac('sha256', Buffer.alloc(200, 1)).update('m').digest('base64');
    out.keyObject = c.createHmac('sha256', c.createSecretKey(Buffer.from('k3y'))).update('m').digest('base64url');
    out.empty = c.createHmac('sha256', '').digest('hex');
    try { c.createHmac('sha256', c.createPublicKey(params.ed.publicKey)); } catch (e) { out.bad = e.code; }
    return out;`,
  'pbkdf2, scrypt, hkdf: sync and callback forms': `
    const c = require('crypto'); const { promisify } = require('util');
    return {
      pbkdf2: c.pbkdf2Sync('password', 'salt', 4096, 32, 'sha256').toString('hex'),
      pbkdf2sha512: c.pbkdf2Sync(Buffer.from('pw'), Buffer.from('NaCl'), 1, 64, 'sha512').toString('base64'),
      pbkdf2cb: (await promisify(c.pbkdf2)('password', 'salt', 1000, 20, 'sha1')).toString('hex'),
      scrypt: c.scryptSync('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 }).toString('hex'),
      scryptDefault: c.scryptSync('pw', 'salt', 32).toString('hex'),
      scryptCb: (await promisify(c.scrypt)('pw', 'salt', 16)).toString('hex'),
      hkdf: Buffer.from(c.hkdfSync('sha256', 'ikm', 'salt', 'info', 42)).toString('hex'),
      hkdfCb: Buffer.from(await promisify(c.hkdf)('sha512', c.createSecretKey(Buffer.from('ikm')), '', 'info', 16)).toString('hex'),
      badDigest: (() => { try { c.pbkdf2Sync('p', 's', 1, 10, 'nope'); } catch (e) { return [e.name, e.code, e.message]; } })(),
      badScrypt: (() => { try { c.scryptSync('p', 's', 10, { N: 3 }); } catch (e) { return [e.name, e.code]; } })(),
    };`,
  'ciphers: AES-GCM/CBC/CTR and chacha20-poly1305 with tags and AAD, encodings, errors': `
    const c = require('crypto'); const out = {};
    const key = Buffer.alloc(32, 1), iv12 = Buffer.alloc(12, 2), iv16 = Buffer.alloc(16, 3);
    const gcm = c.createCipheriv('aes-256-gcm', key, iv12); gcm.setAAD(Buffer.from('header'));
    const ct = Buffer.concat([gcm.update('secret message', 'utf8'), gcm.final()]); const tag = gcm.getAuthTag();
    out.gcm = [ct.toString('hex'), tag.toString('hex')];
    const dg = c.createDecipheriv('aes-256-gcm', key, iv12); dg.setAAD(Buffer.from('header')); dg.setAuthTag(tag);
    out.gcmBack = dg.update(ct, undefined, 'utf8') + dg.final('utf8');
    const bad = c.createDecipheriv('aes-256-gcm', key, iv12); bad.setAuthTag(Buffer.alloc(16)); bad.update(ct);
    try { bad.final(); } catch (e) { out.gcmBad = e.message; }
    const cbc = c.createCipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
    out.cbc = cbc.update('a longer text over blocks', 'utf8', 'base64') + cbc.final('base64');
    const dc = c.createDecipheriv('aes-128-cbc', key.subarray(0, 16), iv16);
    out.cbcBack = dc.update(out.cbc, 'base64', 'utf8') + dc.final('utf8');
    const np = c.createCipheriv('aes-128-cbc', key.subarray(0, 16), iv16).setAutoPadding(false);
    out.noPad = np.update(Buffer.alloc(32, 9)).toString('hex') + np.final('hex');
    const ctr = c.createCipheriv('aes-256-ctr', key, iv16);
    out.ctr = [ctr.update('abc', 'utf8', 'hex'), ctr.update('def', 'utf8', 'hex'), ctr.final('hex')];
    const ch = c.createCipheriv('chacha20-poly1305', key, iv12, { authTagLength: 16 }); ch.setAAD(Buffer.from('aad'), { plaintextLength: 5 });
    out.chacha = [ch.update('hello').toString('hex'), ch.final().toString('hex'), ch.getAuthTag().toString('hex')];
    const gcmKO = c.createCipheriv('aes-128-gcm', c.createSecretKey(Buffer.alloc(16, 5)), iv12, { authTagLength: 12 });
    gcmKO.update('x'); gcmKO.final(); out.shortTag = gcmKO.getAuthTag().toString('hex');
    try { c.createCipheriv('aes-256-gcm', Buffer.alloc(5), iv12); } catch (e) { out.badKey = [e.name, e.code, e.message]; }
    try { c.createCipheriv('nope-cipher', key, iv16); } catch (e) { out.badAlg = [e.name, e.code, e.message]; }
    const stream = c.createCipheriv('aes-256-ctr', key, iv16); stream.end('streamed'); out.stream = stream.read().toString('hex');
    return out;`,
  'sign and verify: RSA PKCS#1 and PSS, ECDSA (DER and P1363), Ed25519; createSign/createVerify': `
    const c = require('crypto'); const data = Buffer.from('signed here'); const out = {};
    out.rsa = c.sign('sha256', data, params.rsa.privateKey).toString('base64');
    out.rsaSign = c.createSign('RSA-SHA256').update('signed ').update('here').sign(params.rsa.privateKey, 'hex');
    out.rsaVerify = c.createVerify('SHA256').update(data).verify(params.rsa.publicKey, out.rsaSign, 'hex');
    out.pssVerify = c.verify('sha256', data, { key: params.rsa.publicKey, padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(params.pssSig, 'base64'));
    const pss = c.sign('sha256', data, { key: params.rsa.privateKey, padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    out.pssOwn = c.verify('sha256', data, { key: params.rsa.publicKey, padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss);
    out.ecHost = c.verify('sha256', data, params.ec.publicKey, Buffer.from(params.ecSig, 'base64'));
    const ecOwn = c.sign('sha256', data, c.createPrivateKey(params.ec.privateKey));
    out.ecOwn = c.verify('sha256', data, c.createPublicKey(params.ec.publicKey), ecOwn);
    const p1363 = c.sign('sha256', data, { key: params.ec.privateKey, dsaEncoding: 'ieee-p1363' });
    out.p1363 = [p1363.length, c.verify('sha256', data, { key: params.ec.publicKey, dsaEncoding: 'ieee-p1363' }, p1363)];
    out.ed = c.sign(null, data, params.ed.privateKey).toString('hex');
    out.edVerify = c.verify(null, data, params.ed.publicKey, c.sign(null, data, params.ed.privateKey));
    out.tampered = c.verify('sha256', Buffer.from('other'), params.rsa.publicKey, Buffer.from(out.rsa, 'base64'));
    out.cb = await new Promise((res, rej) => c.sign('sha256', data, params.rsa.privateKey, (e, s) => e ? rej(e) : res(s.toString('base64'))));
    try { c.sign('sha256', data, 'not a key'); } catch (e) { out.badKey = [e.name, e.code]; }
    return out;`,
  'RSA encryption: publicEncrypt/privateDecrypt (OAEP, OAEP-SHA256, PKCS#1 v1.5), privateEncrypt/publicDecrypt': `
    const c = require('crypto'); const out = {};
    const oaep = c.publicEncrypt(params.rsa.publicKey, Buffer.from('secret'));
    out.oaep = [oaep.length, c.privateDecrypt(params.rsa.privateKey, oaep).toString()];
    const sha = c.publicEncrypt({ key: params.rsa.publicKey, oaepHash: 'sha256', oaepLabel: Buffer.from('l') }, Buffer.from('x'));
    out.sha = c.privateDecrypt({ key: c.createPrivateKey(params.rsa.privateKey), oaepHash: 'sha256', oaepLabel: Buffer.from('l') }, sha).toString();
    out.pkcs1 = c.privateEncrypt(params.rsa.privateKey, Buffer.from('deterministic')).toString('base64');
    out.back = c.publicDecrypt(params.rsa.publicKey, Buffer.from(out.pkcs1, 'base64')).toString();
    try { c.privateDecrypt(params.rsa.privateKey, Buffer.alloc(256, 1)); } catch (e) { out.bad = e.name; }
    return out;`,
  'keys: createPublicKey/createPrivateKey/createSecretKey, KeyObject export as PEM/DER/JWK, details, equals': `
    const c = require('crypto'); const out = {};
    const priv = c.createPrivateKey(params.rsa.privateKey); const pub = c.createPublicKey(params.rsa.privateKey);
    out.types = [priv.type, pub.type, priv.asymmetricKeyType, pub.asymmetricKeyDetails.modulusLength, String(pub.asymmetricKeyDetails.publicExponent)];
    out.pem = [pub.export({ type: 'spki', format: 'pem' }), pub.export({ type: 'pkcs1', format: 'pem' }), priv.export({ type: 'pkcs1', format: 'pem' })];
    out.der = pub.export({ type: 'spki', format: 'der' }).toString('base64');
    out.jwk = [pub.export({ format: 'jwk' }), priv.export({ format: 'jwk' }).d.length];
    const fromJwk = c.createPublicKey({ key: pub.export({ format: 'jwk' }), format: 'jwk' });
    const fromDer = c.createPublicKey({ key: pub.export({ type: 'spki', format: 'der' }), format: 'der', type: 'spki' });
    out.equals = [fromJwk.equals(pub), fromDer.equals(pub), pub.equals(c.createPublicKey(params.rsa.publicKey)), priv.equals(c.createPrivateKey(params.rsa.privateKey))];
    const ecPriv = c.createPrivateKey(params.ec.privateKey);
    out.ec = [ecPriv.asymmetricKeyType, ecPriv.asymmetricKeyDetails, c.createPublicKey(ecPriv).export({ format: 'jwk' })];
    out.ed = [c.createPublicKey(params.ed.publicKey).asymmetricKeyType, c.createPrivateKey(params.ed.privateKey).export({ format: 'jwk' })];
    const enc = priv.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'top secret' });
    out.encrypted = c.createPrivateKey({ key: enc, passphrase: 'top secret' }).equals(priv);
    try { c.createPrivateKey({ key: enc, passphrase: 'wrong' }); } catch (e) { out.wrongPass = e.name; }
    const s = c.createSecretKey(Buffer.from('0123456789abcdef'));
    out.secret = [s.type, s.symmetricKeySize, s.export().toString(), s.export({ format: 'jwk' }), s.equals(c.createSecretKey('0123456789abcdef', 'utf8'))];
    out.isKeyObject = priv instanceof c.KeyObject && s instanceof c.KeyObject;
    try { c.createPublicKey('-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----'); } catch (e) { out.badPem = e.name; }
    return out;`,
  'key generation: RSA, EC, Ed25519, X25519 pairs (encoded or KeyObjects), secret keys, diffieHellman': `
    const c = require('crypto'); const { promisify } = require('util'); const out = {};
    const r = c.generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 });
    out.rsa = [r.publicKey.type, r.privateKey.asymmetricKeyDetails.modulusLength, String(r.publicKey.asymmetricKeyDetails.publicExponent),
      c.verify('sha256', Buffer.from('m'), r.publicKey, c.sign('sha256', Buffer.from('m'), r.privateKey))];
    const e = await new Promise((res, rej) => c.generateKeyPair('ec', { namedCurve: 'secp384r1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'sec1', format: 'pem' } }, (x, publicKey, privateKey) => x ? rej(x) : res({ publicKey, privateKey })));
    out.ec = [e.publicKey.split('\\n')[0], e.privateKey.split('\\n')[0], c.createPublicKey(e.publicKey).asymmetricKeyDetails.namedCurve];
    const ed = c.generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
    out.ed = [ed.publicKey.asymmetricKeyType, Buffer.isBuffer(ed.privateKey), ed.privateKey.length];
    const a = c.generateKeyPairSync('x25519'); const b = c.generateKeyPairSync('x25519');
    out.dh = c.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey }).equals(c.diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey }));
    out.ecdh = c.diffieHellman({ privateKey: c.createPrivateKey(params.ec.privateKey), publicKey: c.createPublicKey(params.ec2.publicKey) }).toString('hex');
    out.secret = [c.generateKeySync('hmac', { length: 256 }).symmetricKeySize, (await promisify(c.generateKey)('aes', { length: 128 })).symmetricKeySize];
    try { c.generateKeyPairSync('rsa', { modulusLength: 'big' }); } catch (x) { out.bad = [x.name, x.code]; }
    return out;`,
  'random, timingSafeEqual, lists, constants': `
    const c = require('crypto'); const { promisify } = require('util'); const out = {};
    out.sizes = [c.randomBytes(0).length, c.randomBytes(33).length, c.randomBytes(3 << 20).length, (await promisify(c.randomBytes)(16)).length];
    const distinct = new Set(); for (let i = 0; i < 100; i++) distinct.add(c.randomBytes(8).toString('hex')); out.distinct = distinct.size;
    // Small sizes come from a 4 KB pool of the host's entropy: ~11 KB here, across refills, every value new.
    const pooled = new Set(); let bytes = 0; for (let i = 0; i < 700; i++) { const b = c.randomBytes(8 + (i % 17)); bytes += b.length; pooled.add(b.toString('hex')); if (i % 50 === 0) pooled.add(c.randomUUID()); } out.pooled = [pooled.size, bytes];
    const ints = []; for (let i = 0; i < 2000; i++) ints.push(c.randomInt(3, 7)); out.ints = [Math.min(...ints), Math.max(...ints)];
    out.intCb = await new Promise((res) => c.randomInt(10, (e, n) => res(n >= 0 && n < 10)));
    out.uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(c.randomUUID());
    const f = Buffer.alloc(16); c.randomFillSync(f, 8); out.fill = f.subarray(0, 8).toString('hex');
    out.gv = c.getRandomValues(new Uint32Array(4)).length + c.webcrypto.getRandomValues(new Uint8Array(5)).length;
    out.tse = [c.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), c.timingSafeEqual(Buffer.from('abc'), Buffer.from('abd'))];
    try { c.timingSafeEqual(Buffer.from('a'), Buffer.from('ab')); } catch (e) { out.tseLen = [e.name, e.code]; }
    out.lists = [c.getHashes().includes('sha256'), c.getCiphers().includes('aes-256-gcm'), c.getCurves().includes('prime256v1'), c.getHashes().length === c.getHashes().length];
    out.constants = c.constants;
    try { c.randomBytes(-1); } catch (e) { out.badSize = [e.name, e.code]; }
    return out;`,
  'webcrypto subtle: digest, HMAC, AES-GCM/CBC, PBKDF2, HKDF, ECDH, ECDSA, RSASSA, Ed25519, import/export, generateKey': `
    const c = require('crypto'); const s = c.webcrypto.subtle; const te = new TextEncoder(); const hex = (b) => Buffer.from(b).toString('hex'); const out = {};
    for (const a of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) out[a] = hex(await s.digest(a, te.encode('abc')));
    // The names as objects and in any case, every BufferSource (views at offsets, a DataView, an
    // ArrayBuffer, empty), and names Web Crypto refuses (MD5 is node:crypto's, not Web Crypto's).
    const big = new Uint8Array(70000).map((_, i) => (i * 31) & 255);
    out.forms = [hex(await s.digest({ name: 'sha-256' }, big.subarray(3))), hex(await s.digest('Sha-512', new DataView(big.buffer, 5, 100))), hex(await s.digest('SHA-384', big.buffer)),
      hex(await s.digest('SHA-1', new Uint8Array(0))), (await s.digest('SHA-256', te.encode('x'))) instanceof ArrayBuffer, hex(await s.digest('SHA-256', new Uint8Array((1 << 20) + 1).fill(5)))];
    for (const bad of ['MD5', 'SHA-3', { name: 'sha256' }]) { try { await s.digest(bad, te.encode('x')); out['bad ' + JSON.stringify(bad)] = 'answered'; } catch (e) { out['bad ' + JSON.stringify(bad)] = e.name; } }
    try { await s.digest('SHA-256', 'a string'); out.notSource = 'answered'; } catch (e) { out.notSource = e.name; }
    const hk = await s.importKey('raw', te.encode('key'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    const mac = await s.sign('HMAC', hk, te.encode('data'));
    out.hmac = [hex(mac), await s.verify('HMAC', hk, mac, te.encode('data')), await s.verify('HMAC', hk, mac, te.encode('other')), hk.algorithm, hk.usages, hk.type];
    out.hmacJwk = await s.exportKey('jwk', hk);
    const ak = await s.importKey('raw', new Uint8Array(32).fill(7), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const ct = await s.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12).fill(1), additionalData: te.encode('aad') }, ak, te.encode('plain'));
    out.gcm = [hex(ct), Buffer.from(await s.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12).fill(1), additionalData: te.encode('aad') }, ak, ct)).toString()];
    try { await s.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, ak, ct); } catch (e) { out.gcmBad = e.name; }
    try { await s.exportKey('raw', ak); } catch (e) { out.notExtractable = e.name; }
    const cb = await s.importKey('raw', new Uint8Array(16).fill(3), { name: 'AES-CBC' }, true, ['encrypt']);
    out.cbc = hex(await s.encrypt({ name: 'AES-CBC', iv: new Uint8Array(16) }, cb, te.encode('sixteen bytes!!!')));
    const pb = await s.importKey('raw', te.encode('password'), 'PBKDF2', false, ['deriveBits', 'deriveKey']);
    out.pbkdf2 = hex(await s.deriveBits({ name: 'PBKDF2', salt: te.encode('salt'), iterations: 1000, hash: 'SHA-256' }, pb, 256));
    const derived = await s.deriveKey({ name: 'PBKDF2', salt: te.encode('salt'), iterations: 10, hash: 'SHA-256' }, pb, { name: 'AES-GCM', length: 128 }, true, ['encrypt']);
    out.derivedKey = [derived.algorithm, hex(await s.exportKey('raw', derived))];
    const hkdf = await s.importKey('raw', te.encode('ikm'), 'HKDF', false, ['deriveBits']);
    out.hkdf = hex(await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: te.encode('salt'), info: te.encode('info') }, hkdf, 128));
    const ecPriv = await s.importKey('pkcs8', c.createPrivateKey(params.ec.privateKey).export({ type: 'pkcs8', format: 'der' }), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    const ecPub = await s.importKey('jwk', c.createPublicKey(params.ec2.publicKey).export({ format: 'jwk' }), { name: 'ECDH', namedCurve: 'P-256' }, true, []);
    out.ecdh = hex(await s.deriveBits({ name: 'ECDH', public: ecPub }, ecPriv, 256));
    const pair = await s.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const sig = await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, te.encode('m'));
    out.ecdsa = [sig.byteLength, await s.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, sig, te.encode('m')), pair.publicKey.extractable, pair.privateKey.extractable, (await s.exportKey('jwk', pair.publicKey)).crv];
    const rk = await s.importKey('pkcs8', c.createPrivateKey(params.rsa.privateKey).export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    out.rsassa = Buffer.from(await s.sign('RSASSA-PKCS1-v1_5', rk, te.encode('m'))).toString('base64');
    const edk = await s.importKey('pkcs8', c.createPrivateKey(params.ed.privateKey).export({ type: 'pkcs8', format: 'der' }), 'Ed25519', false, ['sign']);
    out.ed25519 = hex(await s.sign('Ed25519', edk, te.encode('m')));
    const gen = await s.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    out.gen = [gen.algorithm, (await s.exportKey('raw', gen)).byteLength];
    try { await s.sign('HMAC', ak, te.encode('x')); } catch (e) { out.wrongKey = e.name; }
    out.global = globalThis.crypto.subtle === s;
    return out;`,
};
