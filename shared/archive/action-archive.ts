// Action archives (OpenWhisk's zip and tar.gz actions) read into memory under hard limits. The one
// home of the zip reader (yauzl): pure JS, maintained, inflates through node:zlib's asynchronous
// streams (on libuv's thread pool, so a 40 MB archive does not stall the event loop), refuses
// absolute and `..` entry names itself and fails an entry that inflates past its declared size.
// Limits are counted here on the bytes actually inflated, never trusted from headers: headers are
// only used to refuse early (a declared size over a limit is refused before inflating).
//
// Entries are neutralised or refused, never written anywhere: names are normalised to `a/b/c`
// relative paths; absolute paths and `..` segments are refused; symlinks and hard links are
// skipped (the loader has no file system to point them into); a name given twice is refused.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

export type ArchiveFormat = 'zip' | 'tar.gz';

export interface ArchiveLimits {
  /** Entries (files, directories, links) in the archive. */
  maxEntries: number;
  /** Bytes of all entries once inflated. */
  maxTotalBytes: number;
  /** Bytes of one entry once inflated. */
  maxEntryBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxEntries: 30_000,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntryBytes: 64 * 1024 * 1024,
});

export interface ReadArchiveOptions {
  limits?: ArchiveLimits;
  /** Which files to keep in memory (all are inflated and counted either way); default none. */
  keep?(path: string): boolean;
}

/** The files of an archive by normalised relative path (`node_modules/x/index.js`). */
export interface ActionArchive {
  format: ArchiveFormat;
  files: Map<string, Buffer>;
  /** Every file path in the archive, kept or not (to answer "is there an index.js"). */
  paths: Set<string>;
  /** Bytes inflated, all files. */
  totalBytes: number;
  /** Symlinks and hard links skipped. */
  skippedLinks: number;
}

/** A refusal a user can act on: the message says what is wrong with the archive. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** OpenWhisk's runtime detects the archive type by its first bytes (runner.js detectFileType). */
export function detectArchiveFormat(bytes: Uint8Array): ArchiveFormat | undefined {
  if (bytes.length < 4) return undefined;
  const magic = Buffer.from(bytes.subarray(0, 4)).toString('hex');
  if (magic === '504b0304') return 'zip';
  if (magic === '1f8b0808' || magic === '1f8b0800') return 'tar.gz';
  return undefined;
}

// OpenWhisk's Exec.isBinaryCode: a non-empty trimmed string, a multiple of 4 long, base64 only.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function isBase64Code(code: string): boolean {
  const t = code.trim();
  return t.length > 0 && t.length % 4 === 0 && BASE64.test(t);
}

/** Base64 → bytes in slices, yielding between them, so 64 MB of text does not block the loop at once. */
export async function decodeBase64(code: string): Promise<Buffer> {
  const t = code.trim();
  const slice = 4 * 1024 * 1024; // a multiple of 4 characters
  if (t.length <= slice) return Buffer.from(t, 'base64');
  const parts: Buffer[] = [];
  for (let i = 0; i < t.length; i += slice) {
    parts.push(Buffer.from(t.slice(i, i + slice), 'base64'));
    await new Promise<void>((r) => setImmediate(r));
  }
  return Buffer.concat(parts);
}

export async function readArchive(bytes: Buffer, options: ReadArchiveOptions = {}): Promise<ActionArchive> {
  const format = detectArchiveFormat(bytes);
  if (!format) throw new ArchiveError('There was an error uncompressing the action archive. The file type is unsupported: expected a zip or a tar.gz archive.');
  const state = new ArchiveState(format, options.limits ?? DEFAULT_ARCHIVE_LIMITS, options.keep ?? (() => false));
  if (format === 'zip') await readZip(bytes, state);
  else await readTarGz(bytes, state);
  return state.archive;
}

/** The counters and the result, shared by both formats so that both apply the same limits. */
class ArchiveState {
  readonly archive: ActionArchive;
  private entries = 0;

  constructor(format: ArchiveFormat, readonly limits: ArchiveLimits, private readonly keep: (p: string) => boolean) {
    this.archive = { format, files: new Map(), paths: new Set(), totalBytes: 0, skippedLinks: 0 };
  }

  countEntry(): void {
    if (++this.entries > this.limits.maxEntries) throw new ArchiveError(`The action archive has more than ${this.limits.maxEntries} entries (the limit).`);
  }

  /** Normalised path of a file entry; throws for names that would leave the action's root. */
  fileName(raw: string): string {
    const name = raw.replace(/\\/g, '/');
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ArchiveError(`The action archive has an entry with an absolute path: ${JSON.stringify(raw)}.`);
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new ArchiveError(`The action archive has an entry that leaves its root: ${JSON.stringify(raw)}.`);
    if (parts.length === 0) throw new ArchiveError(`The action archive has an entry with an empty name: ${JSON.stringify(raw)}.`);
    const path = parts.join('/');
    if (this.archive.paths.has(path)) throw new ArchiveError(`The action archive has two entries named ${JSON.stringify(path)}.`);
    this.archive.paths.add(path);
    return path;
  }

  checkDeclared(path: string, size: number): void {
    if (size > this.limits.maxEntryBytes) throw this.entryTooLarge(path);
    if (this.archive.totalBytes + size > this.limits.maxTotalBytes) throw this.totalTooLarge();
  }

  /** Collects one entry's inflated bytes, counting them as they arrive. */
  async collect(path: string, stream: AsyncIterable<Buffer>): Promise<void> {
    const keep = this.keep(path);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += chunk.length;
      this.archive.totalBytes += chunk.length;
      if (size > this.limits.maxEntryBytes) throw this.entryTooLarge(path);
      if (this.archive.totalBytes > this.limits.maxTotalBytes) throw this.totalTooLarge();
      if (keep) chunks.push(chunk);
    }
    if (keep) this.archive.files.set(path, Buffer.concat(chunks, size));
  }

  private entryTooLarge(path: string): ArchiveError {
    return new ArchiveError(`The action archive's entry ${JSON.stringify(path)} inflates to more than ${this.limits.maxEntryBytes} bytes (the limit per file).`);
  }

  private totalTooLarge(): ArchiveError {
    return new ArchiveError(`The action archive inflates to more than ${this.limits.maxTotalBytes} bytes (the limit for all files).`);
  }
}

// ---- zip -------------------------------------------------------------------------------------

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err) reject(new ArchiveError(`The action archive is not a valid zip file: ${err.message}.`));
      else resolve(zip);
    });
  });
}

async function readZip(bytes: Buffer, state: ArchiveState): Promise<void> {
  const zip = await openZip(bytes);
  if (zip.entryCount > state.limits.maxEntries) {
    zip.close();
    throw new ArchiveError(`The action archive has ${zip.entryCount} entries, more than ${state.limits.maxEntries} (the limit).`);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown): void => {
        reject(e instanceof ArchiveError ? e : new ArchiveError(`The action archive is not a valid zip file: ${e instanceof Error ? e.message : String(e)}.`));
      };
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          state.countEntry();
          if (entry.fileName.endsWith('/')) return; // a directory
          const unixMode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          const path = state.fileName(entry.fileName);
          if (unixMode === S_IFLNK) {
            state.archive.skippedLinks++;
            state.archive.paths.delete(path);
            return;
          }
          state.checkDeclared(path, entry.uncompressedSize);
          const stream = await new Promise<Readable>((res, rej) => zip.openReadStream(entry, (err, s) => (err ? rej(err) : res(s))));
          await state.collect(path, stream);
        })().then(() => zip.readEntry(), fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

// ---- tar.gz ----------------------------------------------------------------------------------

async function readTarGz(bytes: Buffer, state: ArchiveState): Promise<void> {
  const gunzip = createGunzip();
  Readable.from([bytes]).pipe(gunzip);
  const reader = new BlockReader(gunzip, state);
  let longName: string | undefined;
  let paxPath: string | undefined;
  try {
    for (;;) {
      const header = await reader.read(512);
      if (header === null || header.every((b) => b === 0)) break;
      if (!validTarChecksum(header)) throw new ArchiveError('The action archive is not a valid tar.gz file: a header checksum does not match.');
      const size = parseOctal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156] ?? 0);
      const padded = Math.ceil(size / 512) * 512;
      if (type === 'L' || type === 'x') {
        if (size > 64 * 1024) throw new ArchiveError('The action archive is not a valid tar.gz file: an extended header is too large.');
        const body = (await reader.read(padded)) ?? Buffer.alloc(0);
        const text = body.subarray(0, size).toString('utf8');
        if (type === 'L') longName = text.replace(/\0.*$/s, '');
        else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1] ?? paxPath;
        continue;
      }
      if (type === 'g') {
        await reader.skip(padded);
        continue;
      }
      state.countEntry();
      const prefix = cString(header.subarray(345, 500));
      const rawName = paxPath ?? longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
      longName = paxPath = undefined;
      if (type === '5') {
        await reader.skip(padded);
        continue;
      }
      const path = state.fileName(rawName);
      if (type === '1' || type === '2') {
        state.archive.skippedLinks++;
        state.archive.paths.delete(path);
        await reader.skip(padded);
        continue;
      }
      if (type !== '0' && type !== '\0' && type !== '7') {
        state.archive.paths.delete(path); // devices, fifos: nothing a module loader can read
        await reader.skip(padded);
        continue;
      }
      state.checkDeclared(path, size);
      await state.collect(path, reader.chunks(size));
      await reader.skip(padded - size);
    }
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`The action archive is not a valid tar.gz file: ${e instanceof Error ? e.message : String(e)}.`);
  } finally {
    gunzip.destroy();
  }
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(end === -1 ? b : b.subarray(0, end)).toString('utf8');
}

function parseOctal(b: Uint8Array): number {
  const s = cString(b).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ArchiveError(`The action archive is not a valid tar.gz file: the size field ${JSON.stringify(s)} is not octal.`);
  return parseInt(s, 8);
}

function validTarChecksum(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === parseOctal(h.subarray(148, 156));
}

/**
 * Reads the inflated tar stream in exact block counts. Every inflated byte passes through here and
 * the total is bounded (tar's own padding and headers included), so a gzip bomb of zeros or of
 * headers stops at the limit as surely as one of file data.
 */
class BlockReader {
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private inflated = 0;

  constructor(stream: AsyncIterable<Buffer>, private readonly state: ArchiveState) {
    this.it = stream[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n) {
      const next = await this.it.next();
      if (next.done) return false;
      this.inflated += next.value.length;
      // Headers and padding count too: 2 blocks per entry over the file limit is still a bomb.
      if (this.inflated > this.state.limits.maxTotalBytes + 1024 * (this.state.limits.maxEntries + 2)) {
        throw new ArchiveError(`The action archive inflates to more than ${this.state.limits.maxTotalBytes} bytes (the limit for all files).`);
      }
      this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    }
    return true;
  }

  async read(n: number): Promise<Buffer | null> {
    if (n === 0) return Buffer.alloc(0);
    if (!(await this.fill(n))) {
      if (this.buf.length === 0) return null;
      throw new ArchiveError('The action archive is not a valid tar.gz file: it ends in the middle of an entry.');
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, 1024 * 1024);
      if ((await this.read(step)) === null) throw new ArchiveError('The action archive is not a valid tar.gz file: it ends in the middle of an entry.');
      left -= step;
    }
  }

  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill(1))) throw new ArchiveError('The action archive is not a valid tar.gz file: it ends in the middle of an entry.');
      const take = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      yield Buffer.from(out);
    }
  }
}
