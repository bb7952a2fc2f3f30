// Unbounded crypto work on behalf of a tenant (pbkdf2 and scrypt with hostile parameters, RSA key
// generation, signatures with huge keys, Web Crypto), run off the invoker's event loop on a small
// pool of worker threads that can be terminated. Node's async crypto would run on libuv's thread
// pool instead, 4 threads shared with the invoker's own file and zlib work, and a libuv job cannot
// be stopped: four pbkdf2 bombs would hold it until they finish, long after their activations
// timed out. A worker is stopped the moment its activation's context ends (scope.signal).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The worker's code: one job at a time, a plain-data answer or a plain-data failure. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const { subtle } = crypto.webcrypto;
const keyOf = (spec) => spec.t === 'secret' ? crypto.createSecretKey(spec.d)
  : spec.t === 'public' ? crypto.createPublicKey({ key: spec.d, format: 'der', type: 'spki' })
  : crypto.createPrivateKey({ key: spec.d, format: 'der', type: 'pkcs8' });
const desc = (k) => ({ t: k.type, d: k.type === 'secret' ? k.export() : k.export({ format: 'der', type: k.type === 'public' ? 'spki' : 'pkcs8' }),
  asymmetricKeyType: k.asymmetricKeyType, asymmetricKeyDetails: k.asymmetricKeyDetails });
// A key argument from the guest: a KeyObject's spec, or PEM/DER/JWK input with its options.
const keyArg = (a) => a && a.spec ? { ...a.opts, key: keyOf(a.spec) } : a;
const KDF = new Set(['PBKDF2', 'HKDF']);
const algName = (a) => typeof a === 'string' ? a.toUpperCase() : String(a && a.name).toUpperCase();
async function fromGuestKey(k) {
  const extractable = !KDF.has(algName(k.algorithm));
  return subtle.importKey(k.m.format, k.m.data, k.algorithm, extractable, k.usages);
}
async function toGuestKey(key) {
  const m = KDF.has(key.algorithm.name) ? null : { format: key.type === 'secret' ? 'raw' : key.type === 'public' ? 'spki' : 'pkcs8' };
  if (m) m.data = new Uint8Array(await subtle.exportKey(m.format, key));
  return { type: key.type, algorithm: key.algorithm, usages: key.usages, m };
}
async function revive(v) {
  if (Array.isArray(v)) return Promise.all(v.map(revive));
  if (v && typeof v === 'object' && v.__key) return fromGuestKey(v.__key);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer)) {
    const o = {};
    for (const k of Object.keys(v)) o[k] = await revive(v[k]);
    return o;
  }
  return v;
}
async function subtleOp(method, args) {
  if (method === 'importKey') {
    const [format, data, alg, , usages] = args;
    const key = await subtle.importKey(format, data, alg, !KDF.has(algName(alg)), usages);
    if (KDF.has(key.algorithm.name)) return { type: key.type, algorithm: key.algorithm, usages: key.usages, m: { format: 'raw', data: new Uint8Array(data.buffer ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data) } };
    return toGuestKey(key);
  }
  const r = await subtle[method](...(await revive(args)));
  if (r instanceof ArrayBuffer) return new Uint8Array(r);
  if (r && r.publicKey && r.privateKey) return { publicKey: await toGuestKey(r.publicKey), privateKey: await toGuestKey(r.privateKey) };
  if (r && typeof r === 'object' && typeof r.type === 'string' && r.algorithm) return toGuestKey(r);
  return r;
}
const OPS = {
  pbkdf2: (p, s, i, n, d) => crypto.pbkdf2Sync(p, s, i, n, d),
  scrypt: (p, s, n, o) => crypto.scryptSync(p, s, n, o),
  generateKeyPair(type, options) {
    const { publicKeyEncoding, privateKeyEncoding, ...rest } = options || {};
    const { publicKey, privateKey } = crypto.generateKeyPairSync(type, rest);
    return { publicKey: publicKeyEncoding ? publicKey.export(publicKeyEncoding) : desc(publicKey),
      privateKey: privateKeyEncoding ? privateKey.export(privateKeyEncoding) : desc(privateKey) };
  },
  sign: (alg, data, key) => crypto.sign(alg, data, keyArg(key)),
  verify: (alg, data, key, sig) => crypto.verify(alg, data, keyArg(key), sig),
  rsa: (fn, key, data) => crypto[fn](keyArg(key), data),
  diffieHellman: (priv, pub) => crypto.diffieHellman({ privateKey: keyOf(priv), publicKey: keyOf(pub) }),
  subtle: subtleOp,
};
parentPort.on('message', async ({ op, args }) => {
  try {
    const value = await OPS[op](...args);
    parentPort.postMessage({ ok: true, value: Buffer.isBuffer(value) ? new Uint8Array(value) : value });
  } catch (e) {
    const name = e && e.name ? String(e.name) : 'Error';
    parentPort.postMessage({ ok: false, error: { name, message: e && e.message ? String(e.message) : String(e), code: typeof (e && e.code) === 'string' ? e.code : undefined } });
  }
});
`;

type Answer = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; code?: string } };

interface Job {
  readonly op: string;
  readonly args: unknown[];
  readonly owner: object;
  readonly signal: AbortSignal;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

/** A worker's failure as an Error of the same name, message and code (never the worker's object). */
function errorOf(e: { name: string; message: string; code?: string }): Error {
  const Ctor = ({ TypeError, RangeError, SyntaxError } as Record<string, ErrorConstructor>)[e.name] ?? Error;
  const err = new Ctor(e.message);
  if (!(e.name in { TypeError: 1, RangeError: 1, SyntaxError: 1, Error: 1 })) err.name = e.name;
  if (e.code !== undefined) (err as NodeJS.ErrnoException).code = e.code;
  return err;
}

/**
 * A small pool of worker threads for crypto jobs. Contract: run() resolves with the job's plain-data
 * answer or rejects with an Error like the one Node threw; at most `size` jobs run at once and at
 * most one per owner (a context's scope: context ids repeat across isolates), so one tenant's bombs queue behind each other and leave the other
 * workers to other tenants; when a job's signal aborts (its context ended: timeout, dispose) it is
 * dropped from the queue or, if running, its worker is terminated at once and replaced on demand.
 * Workers idle for `idleMs` exit, so an invoker that does no such work keeps no threads.
 */
export class CryptoWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<object, Job>();
  private busy = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly size = Math.max(2, availableParallelism()), private readonly idleMs = 10_000) {}

  run(op: string, args: unknown[], owner: object, signal: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) { reject(new Error('the activation ended')); return; }
      this.queue.push({ op, args, owner, signal, resolve, reject });
      this.pump();
    });
  }

  /** Jobs waiting or running (for tests and metrics). */
  get load(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.busy };
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length && this.busy < this.size; ) {
      const job = this.queue[i]!;
      if (job.signal.aborted) { this.queue.splice(i, 1); job.reject(new Error('the activation ended')); continue; }
      if (this.running.has(job.owner)) { i++; continue; }
      this.queue.splice(i, 1);
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.busy++;
    this.running.set(job.owner, job);
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = null; }
    const worker = this.idle.pop() ?? new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
    worker.ref();
    let done = false;
    const finish = (keep: boolean): void => {
      if (done) return;
      done = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      job.signal.removeEventListener('abort', onAbort);
      this.busy--;
      this.running.delete(job.owner);
      if (keep) { worker.unref(); this.idle.push(worker); }
      else void worker.terminate();
      this.pump();
      if (this.busy === 0 && this.idle.length > 0 && !this.idleTimer) {
        this.idleTimer = setTimeout(() => { this.idleTimer = null; for (const w of this.idle.splice(0)) void w.terminate(); }, this.idleMs);
        this.idleTimer.unref();
      }
    };
    const onMessage = (a: Answer): void => {
      finish(true);
      if (a.ok) job.resolve(a.value);
      else job.reject(errorOf(a.error));
    };
    const onError = (e: Error): void => {
      finish(false);
      job.reject(new Error(`crypto worker failed: ${e.message}`));
    };
    const onAbort = (): void => {
      finish(false); // terminate: the work stops now, not when the bomb would have finished
      job.reject(new Error('the activation ended'));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    job.signal.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ op: job.op, args: job.args });
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

/** The invoker's one pool (workers are made on demand and exit when idle). */
export const cryptoWorkers = new CryptoWorkerPool();
