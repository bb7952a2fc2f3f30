// node:crypto inside real isolates (issue 14): every family of functions gives the answer Node
// gives in this test process (crypto-cases.ts), then the bounds: a pbkdf2/scrypt bomb runs off the
// event loop while another tenant is served, ends at its activation's timeout with its worker
// stopped, and scrypt's memory is capped by the action's limit.
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { cryptoHost } from '../../../invoker/builtins/host/crypto-host.js';
import { cryptoWorkers } from '../../../invoker/builtins/host/crypto-worker-pool.js';
import { inNode, useBuiltinPool } from './builtin-pool.js';
import { CRYPTO_CASES, CRYPTO_PARAMS } from './crypto-cases.js';

const run = useBuiltinPool();
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)));

describe('node:crypto answers as Node.js does (the same code run here gives the known answer)', () => {
  it.each(Object.keys(CRYPTO_CASES))('%s', async (name) => {
    const body = CRYPTO_CASES[name]!;
    const params = json(CRYPTO_PARAMS) as Record<string, unknown>;
    const expected = json(await inNode(body, params));
    const o = await run(`async function main(params) { ${body} }`, params);
    expect(o.response.status, JSON.stringify(o.response.result)).toBe('success');
    expect(o.response.result).toEqual(expected);
  });

  it('costs no host call for a hash or HMAC of the native list (any size, chunks, keys), one digest for another algorithm', async () => {
    // photon's isolated-vm build hashes on the isolate's own thread (deploy/isolated-vm/native-digest.patch);
    // on the prebuilt binary each of these is one host call (test/unit/deploy/isolated-vm-patch.test.ts says so).
    const spy = vi.spyOn(cryptoHost, 'call');
    try {
      const o = await run(`async function main() { const c = require('crypto');
        const h = c.createHash('sha256'); for (let i = 0; i < 100; i++) h.update('x'); const a = h.digest('hex');
        const big = c.createHash('SHA512'); for (let i = 0; i < 100; i++) big.update(Buffer.alloc(1024, i)); const b = big.digest('hex');
        const m = c.createHmac('sha1', 'k').update('a').update(Buffer.from('b')).digest('base64');
        const k = c.createHmac('sha3-256', c.createSecretKey(Buffer.from('key'))).update('x').digest('hex');
        const one = c.hash('md5', 'abc');
        const r = c.createHash('ripemd160').update('abc').digest('hex');
        return { a, b, m, k, one, r }; }`);
      const big = nodeCrypto.createHash('sha512');
      for (let i = 0; i < 100; i++) big.update(Buffer.alloc(1024, i));
      expect(o.response.result).toEqual({ a: nodeCrypto.createHash('sha256').update('x'.repeat(100)).digest('hex'), b: big.digest('hex'), m: nodeCrypto.createHmac('sha1', 'k').update('ab').digest('base64'),
        k: nodeCrypto.createHmac('sha3-256', 'key').update('x').digest('hex'), one: nodeCrypto.hash('md5', 'abc'), r: nodeCrypto.createHash('ripemd160').update('abc').digest('hex') });
      expect(spy.mock.calls.map((c) => c[0])).toEqual(['digest']); // ripemd160's, not on the list
    } finally {
      spy.mockRestore();
    }
  });
});

describe('bounds: crypto work is the tenant\'s', () => {
  it('serves another tenant while a pbkdf2Sync bomb runs, ends the bomb at its timeout and stops its worker', async () => {
    const bomb = run(`function main() { return { key: require('crypto').pbkdf2Sync('p', 's', 1e9, 64, 'sha512').toString('hex') }; }`, {}, { name: 'bomb', limits: { timeout: 5000 } });
    await vi.waitFor(() => expect(cryptoWorkers.load.running).toBe(1), { timeout: 5000, interval: 20 });
    let bombDone = false;
    void bomb.then(() => { bombDone = true; });
    const other = await run(`function main() { const c = require('crypto'); return { h: c.createHash('sha256').update('x').digest('hex'), p: c.pbkdf2Sync('p', 's', 10, 8, 'sha1').toString('hex') }; }`, {}, { name: 'other' });
    expect(other.response.result).toEqual({ h: nodeCrypto.createHash('sha256').update('x').digest('hex'), p: nodeCrypto.pbkdf2Sync('p', 's', 10, 8, 'sha1').toString('hex') });
    expect(bombDone).toBe(false); // served while the bomb still ran
    const o = await bomb;
    expect(o.response.status).toBe('action developer error');
    expect(JSON.stringify(o.response.result)).toContain('exceeded its time limits of 5000 milliseconds');
    // The worker was terminated with the activation, not left to grind through 10^9 iterations.
    await vi.waitFor(() => expect(cryptoWorkers.load).toEqual({ queued: 0, running: 0 }), { timeout: 2000, interval: 20 });
  });

  it('stops an asynchronous scrypt/pbkdf2 bomb (callback form) at the timeout too', async () => {
    const o = await run(`function main() { const c = require('crypto'); return new Promise((res, rej) => c.pbkdf2('p', 's', 1e9, 64, 'sha512', (e, k) => e ? rej(e) : res({ k: k.toString('hex') }))); }`, {}, { name: 'bomb2', limits: { timeout: 1000 } });
    expect(JSON.stringify(o.response.result)).toContain('exceeded its time limits of 1000 milliseconds');
    await vi.waitFor(() => expect(cryptoWorkers.load).toEqual({ queued: 0, running: 0 }), { timeout: 2000, interval: 20 });
  });

  it("caps scrypt's memory at the action's limit: a huge N is Node's RangeError, not host memory", async () => {
    const o = await run(`function main() { try { require('crypto').scryptSync('p', 's', 64, { N: 2 ** 20, r: 8, maxmem: 2 ** 34 }); return { ran: true }; } catch (e) { return { name: e.name, message: e.message }; } }`, {}, { limits: { memory: 128 } });
    expect(o.response.result).toMatchObject({ name: 'RangeError', message: expect.stringContaining('memory limit exceeded') });
  });

  it('returns nothing of the host: keys are guest objects, errors carry no host stack', async () => {
    const o = await run(`function main() { const c = require('crypto'); const k = c.generateKeyPairSync('ed25519');
      let err; try { c.createHash('nope'); } catch (e) { err = e; }
      return { proto: Object.getPrototypeOf(k.privateKey) === c.KeyObject.prototype, ctorFn: k.privateKey.constructor === c.KeyObject,
        viaCtor: (() => { try { return typeof k.privateKey.constructor.constructor('return process')().mainModule; } catch (e) { return 'threw'; } })(),
        stack: String(err.stack).includes('node:internal') || String(err.stack).includes('/invoker/') };
    }`);
    expect(o.response.result).toEqual({ proto: true, ctorFn: true, viaCtor: 'undefined', stack: false });
  });
});
