// The host side of node:crypto: Node's own crypto, reached with copies. Work whose cost the tenant
// chooses without bound (pbkdf2/scrypt iterations, key generation, signatures with any key size,
// Web Crypto) goes to the terminable worker pool; work linear in bytes the guest already holds
// (hashes, HMACs, ciphers, HKDF, key parsing) runs here, one short synchronous step per call.
// A KeyObject crosses as its spec `{t, d}` (type and DER/raw bytes), never as a host object;
// streaming hashes and ciphers live in the scope's state under ids the guest chose.
import * as crypto from 'node:crypto';
import type { HostBuiltin, HostBuiltinScope } from '../host-builtin.js';
import { cryptoWorkers } from './crypto-worker-pool.js';

/** A KeyObject as the guest keeps it: its type and its bytes (raw, SPKI DER or PKCS#8 DER). */
interface KeySpec { t: 'secret' | 'public' | 'private'; d: Uint8Array }
type Stateful = crypto.Hash | crypto.Hmac | crypto.Cipheriv | crypto.Decipheriv;

const MAX_HANDLES = 4096;
const MAX_RANDOM = 1 << 20;
const ENCODINGS = new Set(['hex', 'base64', 'base64url', 'latin1', 'binary']);

function bytes(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw Object.assign(new TypeError(`The "${what}" argument must be of type string or an instance of Buffer, TypedArray, or DataView.`), { code: 'ERR_INVALID_ARG_TYPE' });
}
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw Object.assign(new TypeError(`The "${what}" argument must be of type string.`), { code: 'ERR_INVALID_ARG_TYPE' });
  return v;
};
const plain = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function isSpec(v: unknown): v is KeySpec {
  const o = plain(v);
  return (o.t === 'secret' || o.t === 'public' || o.t === 'private') && o.d instanceof Uint8Array;
}
export function keyOf(spec: unknown): crypto.KeyObject {
  if (!isSpec(spec)) throw new TypeError('not a key');
  if (spec.t === 'secret') return crypto.createSecretKey(spec.d);
  if (spec.t === 'public') return crypto.createPublicKey({ key: Buffer.from(spec.d), format: 'der', type: 'spki' });
  return crypto.createPrivateKey({ key: Buffer.from(spec.d), format: 'der', type: 'pkcs8' });
}
/** A key as the guest will keep it. */
function specOf(k: crypto.KeyObject): Record<string, unknown> {
  const d = k.type === 'secret' ? k.export() : k.export({ format: 'der', type: k.type === 'public' ? 'spki' : 'pkcs8' });
  return { t: k.type, d: new Uint8Array(d), asymmetricKeyType: k.asymmetricKeyType, asymmetricKeyDetails: k.asymmetricKeyDetails };
}
/** Key input from the guest: {spec} (a KeyObject) or {key: PEM string | DER bytes | JWK, format, type, passphrase, encoding}. */
function keyInput(v: unknown): crypto.KeyObject | crypto.PrivateKeyInput | crypto.PublicKeyInput | crypto.JsonWebKeyInput {
  const o = plain(v);
  if (o.spec !== undefined) return keyOf(o.spec);
  const key = o.format === 'jwk' ? plain(o.key) : typeof o.key === 'string' ? o.key : Buffer.from(bytes(o.key, 'key'));
  const out: Record<string, unknown> = { key };
  for (const k of ['format', 'type', 'encoding']) if (typeof o[k] === 'string') out[k] = o[k];
  if (o.passphrase !== undefined) out.passphrase = typeof o.passphrase === 'string' ? o.passphrase : Buffer.from(bytes(o.passphrase, 'passphrase'));
  return out as unknown as crypto.PrivateKeyInput;
}
function out(b: Buffer, enc: unknown): string | Uint8Array {
  return typeof enc === 'string' && (ENCODINGS.has(enc) || Buffer.isEncoding(enc)) ? b.toString(enc as BufferEncoding) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A Buffer's bytes as their own ArrayBuffer: the form isolated-vm copies into the guest fastest. */
function arrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
function handles(scope: HostBuiltinScope): Map<number, Stateful> {
  let m = scope.state.handles as Map<number, Stateful> | undefined;
  if (!m) {
    m = new Map();
    scope.state.handles = m;
    scope.signal.addEventListener('abort', () => m!.clear(), { once: true });
  }
  return m;
}
function put(scope: HostBuiltinScope, id: unknown, h: Stateful): void {
  const m = handles(scope);
  if (m.size >= MAX_HANDLES) throw new RangeError(`too many open hashes and ciphers in this activation (${MAX_HANDLES})`);
  m.set(Number(id), h);
}
function get<T extends Stateful>(scope: HostBuiltinScope, id: unknown): T {
  const h = handles(scope).get(Number(id));
  if (!h) throw Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });
  return h as T;
}
function hasher(alg: unknown, key: unknown, opts: unknown): crypto.Hash | crypto.Hmac {
  const o = plain(opts);
  const options = typeof o.outputLength === 'number' ? { outputLength: o.outputLength } : undefined;
  if (key === undefined || key === null) return crypto.createHash(str(alg, 'algorithm'), options);
  return crypto.createHmac(str(alg, 'hmac'), isSpec(key) ? keyOf(key) : bytes(key, 'key'));
}
const worker = (scope: HostBuiltinScope, op: string, args: unknown[]): Promise<unknown> => cryptoWorkers.run(op, args, scope.signal, scope.signal);

let lists: Record<string, unknown> | null = null;

const OPS: Record<string, (args: unknown[], scope: HostBuiltinScope) => unknown> = {
  // hash/hmac in one call: (alg, key|null, data, opts, enc); or streamed through a handle.
  digest: ([alg, key, data, opts, enc]) => out(hasher(alg, key, opts).update(bytes(data, 'data')).digest(), enc),
  'hash-open': ([id, alg, key, opts, data], scope) => { put(scope, id, hasher(alg, key, opts).update(bytes(data, 'data'))); },
  'hash-feed': ([id, data], scope) => { get<crypto.Hash>(scope, id).update(bytes(data, 'data')); },
  'hash-copy': ([id, to], scope) => { put(scope, to, get<crypto.Hash>(scope, id).copy()); },
  'hash-digest': ([id, data, enc], scope) => {
    const h = get<crypto.Hash>(scope, id);
    handles(scope).delete(Number(id));
    return out(h.update(bytes(data, 'data')).digest(), enc);
  },
  random: ([n]) => {
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_RANDOM) throw new RangeError(`random: 0..${MAX_RANDOM} bytes`);
    return crypto.randomFillSync(new Uint8Array(n as number));
  },
  hkdf: ([digest, ikm, salt, info, keylen]) =>
    new Uint8Array(crypto.hkdfSync(str(digest, 'digest'), isSpec(ikm) ? keyOf(ikm) : bytes(ikm, 'ikm'), bytes(salt, 'salt'), bytes(info, 'info'), Number(keylen))),
  'cipher-open': ([id, decipher, alg, key, iv, opts], scope) => {
    const k = isSpec(key) ? keyOf(key) : bytes(key, 'key');
    const v = iv === null ? null : bytes(iv, 'iv');
    const o = plain(opts);
    const options = typeof o.authTagLength === 'number' ? { authTagLength: o.authTagLength } : undefined;
    const c = decipher ? crypto.createDecipheriv(str(alg, 'cipher'), k, v, options as crypto.CipherGCMOptions) : crypto.createCipheriv(str(alg, 'cipher'), k, v, options as crypto.CipherGCMOptions);
    put(scope, id, c);
  },
  'cipher-update': ([id, data], scope) => arrayBuffer(get<crypto.Cipheriv>(scope, id).update(bytes(data, 'data'))),
  'cipher-aad': ([id, aad, opts], scope) => { (get<crypto.CipherGCM>(scope, id)).setAAD(bytes(aad, 'buffer'), plain(opts) as { plaintextLength: number }); },
  'cipher-tag': ([id, tag], scope) => { (get<crypto.DecipherGCM>(scope, id)).setAuthTag(bytes(tag, 'buffer')); },
  'cipher-pad': ([id, pad], scope) => { get<crypto.Cipheriv>(scope, id).setAutoPadding(pad !== false); },
  'cipher-final': ([id], scope) => {
    const c = get<crypto.CipherGCM>(scope, id);
    handles(scope).delete(Number(id));
    const last = new Uint8Array(c.final());
    let tag: Uint8Array | null = null;
    try { tag = typeof c.getAuthTag === 'function' ? new Uint8Array(c.getAuthTag()) : null; } catch { tag = null; }
    return { out: last, tag };
  },
  'cipher-drop': ([id], scope) => { handles(scope).delete(Number(id)); },
  'key-import': ([kind, input]) => {
    const i = keyInput(input);
    return specOf(kind === 'public' ? crypto.createPublicKey(i as crypto.PublicKeyInput) : crypto.createPrivateKey(i as crypto.PrivateKeyInput));
  },
  'key-export': ([spec, opts]) => {
    const o = plain(opts);
    const options: Record<string, unknown> = {};
    for (const k of ['format', 'type', 'cipher']) if (typeof o[k] === 'string') options[k] = o[k];
    if (o.passphrase !== undefined) options.passphrase = typeof o.passphrase === 'string' ? o.passphrase : Buffer.from(bytes(o.passphrase, 'passphrase'));
    const r = keyOf(spec).export(options as unknown as crypto.KeyExportOptions<'pem'>) as unknown;
    return Buffer.isBuffer(r) ? new Uint8Array(r) : r;
  },
  lists: () => (lists ??= {
    hashes: crypto.getHashes(), ciphers: crypto.getCiphers(), curves: crypto.getCurves(), constants: { ...crypto.constants },
  }),
  pbkdf2: ([p, s, i, n, d], scope) => worker(scope, 'pbkdf2', [bytes(p, 'password'), bytes(s, 'salt'), i, n, d]),
  scrypt: async ([p, s, n, o], scope) => {
    // scrypt's memory (128·N·r bytes) is the tenant's: maxmem never above the action's limit, so
    // a huge N/r is Node's own "memory limit exceeded" RangeError, not host memory.
    const opts = { ...plain(o) };
    const limit = (await scope.memory()).limit || 32 << 20;
    const asked = typeof opts.maxmem === 'number' ? opts.maxmem : 32 << 20;
    opts.maxmem = Math.min(asked, limit);
    return worker(scope, 'scrypt', [bytes(p, 'password'), bytes(s, 'salt'), n, opts]);
  },
  generateKeyPair: ([type, options], scope) => worker(scope, 'generateKeyPair', [str(type, 'type'), plain(options)]),
  sign: ([alg, data, key], scope) => worker(scope, 'sign', [alg ?? null, bytes(data, 'data'), key]),
  verify: ([alg, data, key, sig], scope) => worker(scope, 'verify', [alg ?? null, bytes(data, 'data'), key, bytes(sig, 'signature')]),
  rsa: ([fn, key, data], scope) => {
    if (fn !== 'publicEncrypt' && fn !== 'privateDecrypt' && fn !== 'privateEncrypt' && fn !== 'publicDecrypt') throw new TypeError('not an RSA operation');
    return worker(scope, 'rsa', [fn, key, bytes(data, 'buffer')]);
  },
  diffieHellman: ([priv, pub], scope) => worker(scope, 'diffieHellman', [priv, pub]),
  subtle: async ([method, args], scope) => {
    try {
      return await worker(scope, 'subtle', [str(method, 'method'), Array.isArray(args) ? args : []]);
    } catch (e) {
      // A DOMException's name (OperationError, InvalidAccessError, …) travels as the code.
      const err = e as Error;
      if (!['Error', 'TypeError', 'RangeError', 'SyntaxError'].includes(err.name)) throw Object.assign(new Error(err.message), { code: `DOMException:${err.name}` });
      throw e;
    }
  },
};

export const cryptoHost: HostBuiltin = {
  call(op, args, scope) {
    const f = OPS[op];
    if (!f) throw new TypeError(`crypto: no host operation ${op}`);
    return f(args, scope);
  },
};
