// The sandbox memory log's split of /proc/self/smaps: glibc's malloc (the brk heap and its
// 64 MB-aligned thread arenas) apart from other anonymous memory (V8's pages) and files.
import { describe, expect, it } from 'vitest';
import { residentParts } from '../../../invoker/sandbox/sandbox-memory-log.js';

const mapping = (range: string, inode: string, path: string, rssKb: number): string =>
  `${range} rw-p 00000000 00:00 ${inode}   ${path}\nSize:  999 kB\nRss:   ${rssKb} kB\nPss:   1 kB\n`;

describe('residentParts', () => {
  it('counts the brk heap and 64 MB-aligned anonymous mappings as malloc, other anonymous and files apart', () => {
    const smaps = [
      mapping('55d0c0000000-55d0c1000000', '0', '[heap]', 100),
      mapping('7f1c04000000-7f1c08000000', '0', '', 200), // an arena: 64 MB-aligned start
      mapping('7f1c0a123000-7f1c0a523000', '0', '', 300), // V8 pages
      mapping('7f1c0b000000-7f1c0b100000', '0', '[anon:v8]', 50),
      mapping('7f1c10000000-7f1c10100000', '123', '/usr/lib/libc.so.6', 400),
      mapping('7ffd00000000-7ffd00021000', '0', '[stack]', 8),
    ].join('');
    expect(residentParts(smaps)).toEqual({ malloc: 300, arenas: 1, otherAnon: 350, file: 408 });
  });
});
