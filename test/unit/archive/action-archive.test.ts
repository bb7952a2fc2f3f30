// The archive reader's defences with small limits, so each one is reached cheaply: the counting
// happens on inflated bytes, so a header that lies is caught as surely as one that tells the truth.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArchiveError, detectArchiveFormat, isBase64Code, readArchive, type ArchiveLimits } from '../../../shared/archive/action-archive.js';
import { buildZip, zipOf } from '../../harness/zip-writer.js';

const small: ArchiveLimits = { maxEntries: 10, maxTotalBytes: 1024 * 1024, maxEntryBytes: 512 * 1024 };
const all = { limits: small, keep: () => true };

async function refusal(bytes: Buffer, limits = small): Promise<string> {
  try {
    await readArchive(bytes, { limits });
  } catch (e) {
    expect(e).toBeInstanceOf(ArchiveError);
    return (e as Error).message;
  }
  throw new Error('the archive was accepted');
}

function gzip(chunks: Iterable<Buffer>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    Readable.from(chunks).pipe(createGzip()).on('data', (c: Buffer) => out.push(c)).on('end', () => resolve(Buffer.concat(out))).on('error', reject);
  });
}

function tarHeader(name: string, size: number, type = '0', linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(linkname, 157, 100);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

describe('action archives', () => {
  it('detects zip and tar.gz by magic bytes and base64 code as OpenWhisk does', () => {
    expect(detectArchiveFormat(zipOf({ 'a.js': '1' }))).toBe('zip');
    expect(detectArchiveFormat(Buffer.from([0x1f, 0x8b, 8, 0, 0]))).toBe('tar.gz');
    expect(detectArchiveFormat(Buffer.from('function main() {}'))).toBeUndefined();
    expect(isBase64Code('UEsDBA==')).toBe(true);
    expect(isBase64Code('function main() { return {} }')).toBe(false);
    expect(isBase64Code('abc')).toBe(false);
  });

  it('reads a zip, normalising names and dropping directories', async () => {
    const a = await readArchive(buildZip([{ name: 'lib/' }, { name: './lib/x.js', data: 'x', deflate: true }, { name: 'index.js', data: 'i' }]), all);
    expect([...a.files.keys()].sort()).toEqual(['index.js', 'lib/x.js']);
    expect(a.files.get('lib/x.js')!.toString()).toBe('x');
  });

  it('refuses a corrupt archive saying what is wrong', async () => {
    expect(await refusal(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]))).toMatch(/^The action archive is not a valid zip file: .+/);
    expect(await refusal(Buffer.from('not an archive at all'))).toContain('The file type is unsupported');
    const gz = await gzip([tarHeader('a.js', 10).fill(1, 0, 4)]);
    expect(await refusal(gz)).toContain('checksum');
  });

  it('refuses a zip bomb whose headers tell the truth before inflating it', async () => {
    expect(await refusal(buildZip([{ name: 'big.js', data: 'x', deflate: true, declaredSize: 100 * 1024 * 1024 }]))).toContain('more than 524288 bytes (the limit per file)');
  });

  it('refuses a zip bomb whose headers lie, while inflating', async () => {
    const m = await refusal(buildZip([{ name: 'bomb.js', data: Buffer.alloc(4 * 1024 * 1024), deflate: true, declaredSize: 10 }]));
    expect(m).toMatch(/not a valid zip file: too many bytes in the stream|limit per file/);
    // Honest per entry, too much together.
    const many = buildZip(Array.from({ length: 4 }, (_, i) => ({ name: `f${i}.js`, data: Buffer.alloc(400 * 1024), deflate: true })));
    expect(await refusal(many)).toContain('more than 1048576 bytes (the limit for all files)');
  });

  it('refuses a tar.gz bomb while inflating and too many entries', async () => {
    const body = Buffer.alloc(400 * 1024);
    const tgz = await gzip([tarHeader('a.js', body.length), body, tarHeader('b.js', body.length), body, tarHeader('c.js', body.length), body, Buffer.alloc(1024)]);
    expect(await refusal(tgz)).toContain('(the limit for all files)');
    const entries = await gzip([...Array.from({ length: 12 }, (_, i) => [tarHeader(`f${i}.js`, 0)]).flat(), Buffer.alloc(1024)]);
    expect(await refusal(entries)).toContain('more than 10 entries');
  });

  it('refuses .. and absolute names, and duplicates; skips symlinks', async () => {
    expect(await refusal(buildZip([{ name: '../evil.js', data: 'x' }]))).toMatch(/relative path|leaves its root/);
    expect(await refusal(buildZip([{ name: '/etc/evil.js', data: 'x' }]))).toMatch(/absolute path/);
    expect(await refusal(buildZip([{ name: 'a.js', data: '1' }, { name: './a.js', data: '2' }]))).toContain('two entries named "a.js"');
    const linked = await readArchive(buildZip([{ name: 'link.js', data: '/etc/passwd', mode: 0o120777 }, { name: 'index.js', data: 'i' }]), all);
    expect([...linked.files.keys()]).toEqual(['index.js']);
    expect(linked.skippedLinks).toBe(1);
    const tgz = await gzip([tarHeader('../../x.js', 1), Buffer.alloc(512), Buffer.alloc(1024)]);
    expect(await refusal(tgz)).toContain('leaves its root');
  });

  it('reads a tar.gz made by tar, skipping its symlinks', async () => {
    const dir = mkdtempSync(`${tmpdir()}/photon-tar-`);
    mkdirSync(`${dir}/src/lib`, { recursive: true });
    writeFileSync(`${dir}/src/index.js`, 'i');
    writeFileSync(`${dir}/src/lib/x.js`, 'x'.repeat(300));
    symlinkSync('/etc/passwd', `${dir}/src/passwd.js`);
    const a = await readArchive(execFileSync('tar', ['-czf', '-', '-C', `${dir}/src`, '.']), all);
    expect([...a.files.keys()].sort()).toEqual(['index.js', 'lib/x.js']);
    expect(a.files.get('lib/x.js')!.length).toBe(300);
    expect(a.skippedLinks).toBe(1);
  });
});
