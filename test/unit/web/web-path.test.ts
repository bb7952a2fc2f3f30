// The pure parts of web actions: the path splitter (OpenWhisk's WebActionsApiCommonTests cases),
// the binary/text rule for content types, and the transcoders' refusals.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../controller/api-error.js';
import { isBinary, parseMediaType } from '../../../controller/web/media-types.js';
import { parseWebPath } from '../../../controller/web/web-path.js';
import { transcode } from '../../../controller/web/web-response.js';

const status = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return err instanceof ApiError ? err.status : -1;
  }
};

describe('web path', () => {
  it("splits name and extension as OpenWhisk's mediaTranscoderForName does", () => {
    for (const ext of ['http', 'json', 'text', 'html', 'svg']) {
      for (const base of ['t', 'tt', 't.wxyz', 'tt.wxyz']) {
        const p = parseWebPath(['ns', 'default', `${base}.${ext}`]);
        expect([p.name, p.extension, p.pkg]).toEqual([base, ext, undefined]);
      }
    }
    for (const name of ['t', 'tt', 'abcde', 't.wxyz']) expect(parseWebPath(['ns', 'pkg', name])).toMatchObject({ name, extension: 'http', pkg: 'pkg' });
    expect(parseWebPath(['ns', 'pkg', 'a.wxyz']).unknownExtension).toBe('wxyz');
  });

  it('keeps the rest raw as __ow_path, a trailing slash included', () => {
    expect(parseWebPath(['ns', 'default', 'a.json']).rest).toBe('');
    expect(parseWebPath(['ns', 'default', 'a.json', '']).rest).toBe('/');
    expect(parseWebPath(['ns', 'default', 'a.json', 'x%2Fy', 'z']).rest).toBe('/x%2Fy/z');
  });

  it('refuses too few segments (404), bad names, encoded slashes, dot segments and bad percent-encoding (400)', () => {
    expect(status(() => parseWebPath(['ns', 'default']))).toBe(404);
    for (const segs of [['..', 'default', 'a'], ['ns', 'a%2Fb', 'c'], ['ns', 'default', '%2E%2E'], ['ns', 'default', 'a.json', '..'], ['ns', 'default', 'a%zz'], ['ns', 'default', `${'a'.repeat(257)}`]]) {
      expect(status(() => parseWebPath(segs)), segs.join('/')).toBe(400);
    }
  });
});

describe('media types', () => {
  it("binary as pekko-http decides: image/*, octet-stream, unknown types without charset; text: text/*, json, form data, a charset", () => {
    const bin = (h: string): boolean => isBinary(parseMediaType(h)!);
    expect(['image/png', 'application/octet-stream', 'application/zip', 'application/x-custom', 'audio/ogg'].map(bin)).toEqual([true, true, true, true, true]);
    expect(['text/plain', 'text/html; charset=utf-8', 'application/json', 'application/x-www-form-urlencoded', 'application/xml', 'application/x-custom; charset=utf-8'].map(bin)).toEqual([false, false, false, false, false, false]);
    expect(parseMediaType('xyzbar')).toBeUndefined();
  });
});

describe('transcoders', () => {
  it('refuse results that do not fit their extension with 400 (404 for a missing .text property)', () => {
    expect(status(() => transcode('s', 'json'))).toBe(400);
    expect(status(() => transcode({ body: 1 }, 'html'))).toBe(400);
    expect(status(() => transcode({ body: {} }, 'svg'))).toBe(400);
    expect(status(() => transcode({ a: 1 }, 'text'))).toBe(404);
    expect(status(() => transcode([1], 'http'))).toBe(400);
    expect(status(() => transcode({ statusCode: 99 }, 'http'))).toBe(400);
    expect(status(() => transcode({ headers: { a: null } }, 'http'))).toBe(400);
    expect(status(() => transcode({ headers: { 'content-type': 'text/html' }, body: { a: 1 } }, 'http'))).toBe(400);
  });

  it('decode base64 for binary types and for +json bodies that are base64; keep text as text', () => {
    expect(transcode({ headers: { 'Content-Type': 'application/json-patch+json' }, body: Buffer.from('{"a":1}').toString('base64') }, 'http').body).toEqual(Buffer.from('{"a":1}'));
    expect(transcode({ headers: { 'content-type': 'application/json' }, body: 'hello world' }, 'http').body).toBe('hello world');
    const hal = transcode({ headers: { 'content-type': 'application/hal+json' }, body: { a: 1 } }, 'http');
    expect([hal.headers, hal.body]).toEqual([[['content-type', 'application/hal+json; charset=UTF-8']], '{"a":1}']);
    expect(transcode({ statusCode: 204, headers: { 'content-type': 'text/html', 'set-cookie': ['a=b', 'c=d'] } }, 'http')).toEqual({ status: 204, headers: [['set-cookie', 'a=b'], ['set-cookie', 'c=d']] });
  });
});
