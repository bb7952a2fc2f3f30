// Archive actions unpacked once per revision per invoker and shared by every isolate of that
// revision: isolates hold a reference while they live, and the unpacked files are freed when the
// last one is gone. Unpacking is asynchronous end to end (base64 in slices, inflating on
// node:zlib's thread pool), so a 40 MB archive does not stall the invoker's other activations.
// Only files the module loader can load (.js, .cjs, .mjs, .json and extensionless names) are kept;
// everything is still inflated and counted against the archive limits.
import { ArchiveError, DEFAULT_ARCHIVE_LIMITS, decodeBase64, readArchive, type ArchiveLimits } from '../../shared/archive/action-archive.js';
import type { ActionFiles } from '../isolate/guest-protocol.js';

/** Where an archive's root appears inside the isolate: OpenWhisk's runtime works in /nodejsAction. */
export const ACTION_ROOT = '/nodejsAction';

const LOADABLE = /(?:\.(?:js|cjs|mjs|json)|\/[^./]+)$/;

/** The key of a revision's package: the action's owner, name and revision. */
export function packageKey(a: { namespace: string; name: string; revision: string }): string {
  return `${a.namespace}/${a.name}@${a.revision}`;
}

/** An unpacked archive: the files the loader may read, or why the archive could not be read. */
export type ActionPackage = { ok: true; files: ActionFiles; bytes: number; fileCount: number } | { ok: false; message: string };

interface Entry {
  refs: number;
  pkg: Promise<ActionPackage>;
}

/** Contract: every acquire() is matched by one release() of the same key; the package lives while any is outstanding. */
export class ActionPackages {
  readonly #entries = new Map<string, Entry>();
  readonly #freed = { cached: 0, uncached: 0, rejected: 0 };
  /** Archives unpacked since start (a second isolate of a revision does not add one). */
  unpacked = 0;

  /** codeCache false: every isolate compiles from source (the benchmark's baseline). */
  constructor(private readonly limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS, private readonly codeCache = true) {}

  acquire(key: string, code: string): Promise<ActionPackage> {
    let e = this.#entries.get(key);
    if (!e) {
      this.unpacked++;
      e = { refs: 0, pkg: unpack(code, this.limits, this.codeCache) };
      this.#entries.set(key, e);
    }
    e.refs++;
    return e.pkg;
  }

  release(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    if (--e.refs <= 0) {
      this.#entries.delete(key);
      void e.pkg.then((p) => {
        if (!p.ok) return;
        this.#freed.cached += p.files.compiles.cached;
        this.#freed.uncached += p.files.compiles.uncached;
        this.#freed.rejected += p.files.compiles.rejected;
      });
    }
  }

  /** The package of a revision some isolate holds (for stats and tests). */
  peek(key: string): Promise<ActionPackage> | undefined {
    return this.#entries.get(key)?.pkg;
  }

  /** Module compiles on the host since start, all revisions (code cache used, not used, rejected). */
  async compiles(): Promise<{ cached: number; uncached: number; rejected: number }> {
    const out = { ...this.#freed };
    for (const e of this.#entries.values()) {
      const p = await e.pkg;
      if (!p.ok) continue;
      out.cached += p.files.compiles.cached;
      out.uncached += p.files.compiles.uncached;
      out.rejected += p.files.compiles.rejected;
    }
    return out;
  }

  /** Revisions held in memory now. */
  get size(): number {
    return this.#entries.size;
  }
}

async function unpack(code: string, limits: ArchiveLimits, codeCache: boolean): Promise<ActionPackage> {
  try {
    const archive = await readArchive(await decodeBase64(code), { limits, keep: (p) => LOADABLE.test('/' + p) });
    const dirs = new Set<string>();
    let bytes = 0;
    for (const [path, data] of archive.files) {
      bytes += data.length;
      for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
    }
    const files = archive.files;
    const listing = [...files.keys()].join('\n');
    const rel = (p: string): string | undefined => (p === ACTION_ROOT ? '' : p.startsWith(ACTION_ROOT + '/') ? p.slice(ACTION_ROOT.length + 1) : undefined);
    return {
      ok: true,
      bytes,
      fileCount: files.size,
      files: {
        ...(codeCache ? { codeCache: new Map<string, unknown>() } : {}),
        compiles: { cached: 0, uncached: 0, rejected: 0 },
        listing: () => listing,
        stat(p) {
          const r = rel(p);
          if (r === undefined) return 0;
          if (r === '' || dirs.has(r)) return 2;
          return files.has(r) ? 1 : 0;
        },
        read(p) {
          const r = rel(p);
          return r === undefined ? undefined : files.get(r)?.toString('utf8');
        },
      },
    };
  } catch (e) {
    if (e instanceof ArchiveError) return { ok: false, message: e.message };
    return { ok: false, message: `There was an error uncompressing the action archive: ${e instanceof Error ? e.message : String(e)}` };
  }
}
