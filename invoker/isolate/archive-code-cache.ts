// An archive revision's V8 code cache as isolate-runtime.ts keeps it in ActionFiles.codeCache:
// one set per kind of isolate (plain, or from the layer's startup snapshot), and the CommonJS
// wrapper its modules are compiled in (the same text when data is produced and when it is used).
import type ivm from 'isolated-vm';
import type { ActionFiles } from './guest-protocol.js';

/** A module's V8 cache data; `full` when produced after a load that ran the module compiled from it. */
export interface CacheEntry {
  data: ivm.ExternalCopy<ArrayBuffer>;
  full: boolean;
}

/**
 * A revision's cache data for isolates of one kind: V8 refuses data made in an isolate from the
 * layer's snapshot in a plain one and the reverse (their read-only heaps differ), so each kind
 * keeps its own (under keys no path can be).
 */
export function kindCache(files: ActionFiles, fromSnapshot: boolean): Map<string, CacheEntry> | undefined {
  const root = files.codeCache;
  if (!root) return undefined;
  const key = fromSnapshot ? '\0snapshot' : '\0plain';
  let cache = root.get(key) as Map<string, CacheEntry> | undefined;
  if (!cache) root.set(key, (cache = new Map()));
  return cache;
}

/** Node's classic CommonJS wrapper around a module's source (line numbers stay as in the file). */
export function wrapModule(files: ActionFiles, path: string): string | undefined {
  let source = files.read(path);
  if (source === undefined) return undefined;
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  if (source.startsWith('#!')) source = '//' + source.slice(2);
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}
