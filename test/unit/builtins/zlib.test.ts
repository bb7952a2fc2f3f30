// node:zlib inside real isolates (issue 14): every form gives the bytes Node gives in this test
// process (zlib-cases.ts), then the bounds: a 1 GB gunzip bomb ends with Node's RangeError at the
// action's memory limit, in the sync, callback and stream forms, while the host's RSS stays bounded.
import { createGzip } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActivationOutcome } from '../../../invoker/pool/activation-outcome.js';
import { inNode, useBuiltinPool } from './builtin-pool.js';
import { ZLIB_CASES } from './zlib-cases.js';
import { zlibWork } from '../../../invoker/builtins/host/zlib-host.js';

const run = useBuiltinPool();

describe('node:zlib answers as Node.js does (the same code run here gives the known answer)', () => {
  it.each(Object.keys(ZLIB_CASES))('%s', async (name) => {
    const body = ZLIB_CASES[name]!;
    const expected = JSON.parse(JSON.stringify(await inNode(body))) as unknown;
    const o = await run(`async function main(params) { ${body} }`);
    expect(o.response.status, JSON.stringify(o.response.result)).toBe('success');
    expect(o.response.result).toEqual(expected);
  });
});

/** A gzip of 1 GiB of zeros (about 1 MB), made a chunk at a time so this process never holds the GiB. */
async function gzipBomb(): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const zeros = Buffer.alloc(64 << 20);
  for (let i = 0; i < 16; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(parts);
}

/** The highest RSS of this process while `work` runs, above what it was before. */
async function peakRssGrowth(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
  try { await work(); } finally { clearInterval(t); }
  return Math.max(peak, process.memoryUsage.rss()) - before;
}

describe('bounds: decompression is the tenant\'s memory', () => {
  let bomb = '';
  beforeAll(async () => { bomb = (await gzipBomb()).toString('base64'); }, 60_000);

  it.each([
    ['gunzipSync', `try { require('zlib').gunzipSync(Buffer.from(params.bomb, 'base64')); return { ran: true }; } catch (e) { return { name: e.name, code: e.code, message: e.message }; }`],
    ['gunzip(cb)', `return new Promise((res) => require('zlib').gunzip(Buffer.from(params.bomb, 'base64'), (e, b) => res(e ? { name: e.name, code: e.code, message: e.message } : { ran: b.length })));`],
    ['createGunzip()', `const z = require('zlib'); const { pipeline, Readable, Writable } = require('stream'); let n = 0;
      return new Promise((res) => pipeline(Readable.from([Buffer.from(params.bomb, 'base64')]), z.createGunzip(), new Writable({ write(c, e, cb) { n += c.length; cb(); } }),
        (e) => res(e ? { name: e.name, code: e.code, message: e.message } : { ran: n })));`],
  ])('a 1 GB gunzip bomb through %s ends with RangeError ERR_BUFFER_TOO_LARGE at the action\'s 128 MB, host RSS bounded', async (_form, body) => {
    let o: ActivationOutcome | undefined;
    const growth = await peakRssGrowth(async () => { o = await run(`async function main(params) { ${body} }`, { bomb }, { limits: { memory: 128, timeout: 60_000 } }); });
    expect(o!.response.result, JSON.stringify(o!.response)).toEqual({ name: 'RangeError', code: 'ERR_BUFFER_TOO_LARGE', message: `Cannot create a Buffer larger than ${128 * 1024 * 1024} bytes` });
    expect(growth).toBeLessThan(700 * 1024 * 1024); // a GiB of output held anywhere on the host would pass this
  }, 60_000);

  it("stops decompressing when the activation times out: the bomb's stream is destroyed, not left to run to the limit", async () => {
    const o = await run(`async function main(params) { return new Promise((res) => require('zlib').gunzip(Buffer.from(params.bomb, 'base64'), (e, b) => res(e ? { error: e.code } : { n: b.length }))); }`,
      { bomb }, { limits: { memory: 512, timeout: 300 } });
    expect(JSON.stringify(o.response.result)).toContain('exceeded its time limits of 300 milliseconds');
    await vi.waitFor(() => expect(zlibWork.streams).toBe(0), { timeout: 1000, interval: 10 });
  }, 60_000);
});
