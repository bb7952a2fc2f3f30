// native-text.patch: the text and byte functions photon's isolated-vm build gives every context
// (photon:utf8-decode, -length, -write: guest-text.js takes them for node:buffer, TextDecoder,
// TextEncoder, fetch bodies; photon:latin1-decode, -write, photon:bytes-compare, -index:
// guest-builtins.js takes them for node:buffer). Here straight from isolated-vm, so hostile arguments reach them as
// they are; Node's own Buffer in this process is the known answer.
import ivm from 'isolated-vm';
import { describe, expect, it } from 'vitest';

const withContext = <T>(fn: (context: ivm.Context) => T, memoryLimit = 64): T => {
  const isolate = new ivm.Isolate({ memoryLimit });
  try {
    return fn(isolate.createContextSync());
  } finally {
    if (!isolate.isDisposed) isolate.dispose();
  }
};

/** Byte sequences meant to break a decoder: random bytes biased to UTF-8's lead and continuation ranges. */
function hostileBytes(count: number): number[][] {
  let seed = 7;
  const next = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const pick = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xf8, 0xfe, 0xff];
  return Array.from({ length: count }, () => Array.from({ length: 1 + next(9) }, () => (next(3) === 0 ? next(256) : pick[next(pick.length)]!)));
}

/** Strings with every width, pairs and lone surrogates anywhere. */
function hostileStrings(count: number): string[] {
  let seed = 11;
  const next = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const units = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff];
  return Array.from({ length: count }, () => String.fromCharCode(...Array.from({ length: next(7) }, () => units[next(units.length)]!)));
}

describe("native-text.patch's photon:utf8-decode, -length and -write", () => {
  it('are in every context createContext() makes, not enumerable (on the prebuilt binary: absent, and guest-text.js decodes in JavaScript)', () => {
    expect(withContext((context) => context.evalSync(`['decode', 'length', 'write'].map((k) => typeof globalThis['photon:utf8-' + k] + ' ' + Object.keys(globalThis).includes('photon:utf8-' + k)).join()`)), 'isolated-vm in use is not built with native-text.patch').toBe('function false,function false,function false');
  });

  it("decode as Node's buffer.toString('utf8'), length as Buffer.byteLength, write as buffer.write, on 3,000 hostile inputs each", () => {
    const bytes = hostileBytes(3000);
    const strings = hostileStrings(3000);
    const got = withContext((context) => JSON.parse(context.evalSync(`(() => {
      const d = globalThis['photon:utf8-decode']; const l = globalThis['photon:utf8-length']; const w = globalThis['photon:utf8-write'];
      const bytes = ${JSON.stringify(bytes)}; const strings = ${JSON.stringify(strings)};
      const hex = (u) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');
      const decoded = bytes.map((b) => { const u = new Uint8Array([0x2e, ...b, 0x2e]); return [d(u, 1, u.length - 1), d(u, 0, u.length), d(u, 2, u.length)]; });
      const written = strings.map((s) => { const u = new Uint8Array(12).fill(0x2e); const n = l(s); return [n, w(s, u, 1, Math.min(n, 11)), hex(u), w(s, u, 2, 3), hex(u)]; });
      return JSON.stringify({ decoded, written });
    })()`) as string) as { decoded: string[][]; written: (string | number)[][] });
    bytes.forEach((b, i) => {
      const u = Buffer.from([0x2e, ...b, 0x2e]);
      expect(got.decoded[i], `bytes ${Buffer.from(b).toString('hex')}`).toEqual([u.toString('utf8', 1, u.length - 1), u.toString('utf8'), u.toString('utf8', 2)]);
    });
    strings.forEach((s, i) => {
      const u = Buffer.alloc(12, 0x2e);
      const n = Buffer.byteLength(s);
      const first = u.write(s, 1, Math.min(n, 11));
      const afterFirst = u.toString('hex');
      expect(got.written[i], `string ${JSON.stringify(s)}`).toEqual([n, first, afterFirst, u.write(s, 2, 3), u.toString('hex')]);
    });
  });

  it('read and write at offsets, on a SharedArrayBuffer, a length-tracking view and a small array still on the heap; 4 MB either way', () => {
    const got = withContext((context) => context.evalSync(`(() => {
      const d = globalThis['photon:utf8-decode']; const l = globalThis['photon:utf8-length']; const w = globalThis['photon:utf8-write']; const out = [];
      const sab = new SharedArrayBuffer(16); const sv = new Uint8Array(sab, 2); out.push(w('h\\u00e9', sv, 1, 5), d(sv, 1, 4));
      const rab = new ArrayBuffer(8, { maxByteLength: 64 }); const track = new Uint8Array(rab, 4); rab.resize(40); out.push(w('\\u20ac\\u20ac', track, 30, 6), d(track, 30, 36), track.length);
      const small = new Uint8Array([0xf0, 0x9f, 0x98, 0x80]); out.push(d(small, 0, 4).codePointAt(0), w('ab', small, 1, 2), d(small, 0, 4).length);
      const big = 'abc\\u00e9\\u4e16\\ud83d\\ude00'.repeat(300000); const u = new Uint8Array(l(big)); out.push(u.length, w(big, u, 0, u.length), d(u, 0, u.length) === big);
      return out.join(',');
    })()`) as string);
    expect(got).toBe(`3,hé,6,€€,36,128512,2,4,${12 * 300000},${12 * 300000},true`);
  });

  it('throw a TypeError or RangeError for hostile arguments, never crash, and are no constructors', () => {
    const got = withContext((context) => context.evalSync(`(() => {
      const d = globalThis['photon:utf8-decode']; const l = globalThis['photon:utf8-length']; const w = globalThis['photon:utf8-write']; const out = [];
      const detached = new ArrayBuffer(8); const view = new Uint8Array(detached); detached.transfer();
      const u = new Uint8Array(8);
      const calls = [() => d(), () => d(u, 0), () => d('abc', 0, 1), () => d(new Uint16Array(4), 0, 1), () => d(new ArrayBuffer(4), 0, 1), () => d(new Proxy(u, {}), 0, 1), () => d(u, -1, 2), () => d(u, 0.5, 2), () => d(u, 0, 2 ** 32), () => d(u, '0', 2),
        () => d(u, 3, 2), () => d(u, 0, 9), () => d(view, 0, 1),
        () => l(), () => l(1), () => l({ toString: () => 'x' }),
        () => w('x', u, 0), () => w(1, u, 0, 1), () => w('x', [0], 0, 1), () => w('x', u, -1, 1), () => w('x', new DataView(new ArrayBuffer(4)), 0, 1),
        () => w('x', u, 8, 1), () => w('x', u, 5, 4), () => w('x', view, 0, 1),
        () => new d(u, 0, 1), () => new l('x'), () => new w('x', u, 0, 1)];
      for (const call of calls) { try { call(); out.push('answered'); } catch (err) { out.push(err.constructor.name); } }
      out.push(JSON.stringify(d(view, 0, 0)), w('x', view, 0, 0));
      return out.join(',');
    })()`) as string);
    expect(got.split(',')).toEqual([
      ...Array<string>(10).fill('TypeError'), 'RangeError', 'RangeError', 'RangeError',
      'TypeError', 'TypeError', 'TypeError',
      ...Array<string>(5).fill('TypeError'), 'RangeError', 'RangeError', 'RangeError',
      'TypeError', 'TypeError', 'TypeError', '""', '0',
    ]);
  });

  it("decoding past the isolate's memory limit disposes that isolate (V8's heap limit, as for any string) and the process goes on", () => {
    // 16 MB of 'é' decoded again and again, every string kept: 16 MB of two-byte text each in the
    // V8 heap of an isolate of 64 MB, until V8 reaches the limit and isolated-vm disposes it.
    const bomb = `const u = new Uint8Array(16 << 20); for (let i = 0; i < u.length; i += 2) { u[i] = 0xc3; u[i + 1] = 0xa9; }
      const kept = []; for (let i = 0; i < 64; i++) kept.push(globalThis['photon:utf8-decode'](u, 0, u.length)); kept.length`;
    expect(() => withContext((context) => context.evalSync(bomb), 64)).toThrow(/memory limit/);
    expect(withContext((context) => context.evalSync(`globalThis['photon:utf8-decode'](new Uint8Array([0x68, 0x69]), 0, 2)`))).toBe('hi');
  });
});

describe("native-text.patch's photon:latin1-decode, -write, photon:hex-encode, -write, photon:bytes-compare and -index", () => {
  it('are in every context createContext() makes, not enumerable', () => {
    expect(withContext((context) => context.evalSync(`['latin1-decode', 'latin1-write', 'hex-encode', 'hex-write', 'bytes-compare', 'bytes-index'].map((k) => typeof globalThis['photon:' + k] + ' ' + Object.keys(globalThis).includes('photon:' + k)).join()`)), 'isolated-vm in use is not built with native-text.patch').toBe(Array(6).fill('function false').join());
  });

  it("answer as Node's latin1/ascii/hex toString and write, Buffer.compare and indexOf/lastIndexOf, on 2,000 inputs each", () => {
    const bytes = hostileBytes(2000);
    const strings = hostileStrings(2000);
    // Hex strings: digits of both cases, bad characters, odd lengths, units past 0xff whose low byte is a digit.
    const hexes = strings.map((s, i) => Array.from(s + 'aF09', (c, k) => ['0', 'f', 'A', 'g', ' ', '\u0130', '9', 'x'][(c.charCodeAt(0) + i + k) % 8]).join('').slice(0, 1 + (i % 11)));
    const got = withContext((context) => JSON.parse(context.evalSync(`(() => {
      const ld = globalThis['photon:latin1-decode']; const lw = globalThis['photon:latin1-write']; const cmp = globalThis['photon:bytes-compare']; const idx = globalThis['photon:bytes-index'];
      const he = globalThis['photon:hex-encode']; const hw = globalThis['photon:hex-write'];
      const bytes = ${JSON.stringify(bytes)}; const strings = ${JSON.stringify(strings)}; const hexes = ${JSON.stringify(hexes)};
      const hex = (u) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');
      const decoded = bytes.map((b) => { const u = new Uint8Array([0x2e, ...b]); return [ld(u, 1, u.length, false), ld(u, 0, u.length, true), he(u, 1, u.length)]; });
      const hexWritten = hexes.map((x) => { const u = new Uint8Array(6).fill(0x2e); return [hw(x, u, 1, 4), hex(u)]; });
      const written = strings.map((s) => { const u = new Uint8Array(8).fill(0x2e); return [lw(s, u, 1, 5), hex(u)]; });
      const compared = bytes.map((b, i) => { const c = new Uint8Array(bytes[(i + 1) % bytes.length]); return [cmp(new Uint8Array(b), c), cmp(c, new Uint8Array(b)), cmp(new Uint8Array(b), new Uint8Array(b))]; });
      const found = bytes.map((b, i) => { const h = new Uint8Array(bytes.slice(i, i + 40).flat()); const n = new Uint8Array(b.slice(0, 1 + (i % 3))); return [idx(h, n, 0, false), idx(h, n, i % 7, false), idx(h, n, h.length, true), idx(h, n, i % 5, true)]; });
      return JSON.stringify({ decoded, written, compared, found, hexWritten });
    })()`) as string) as { decoded: string[][]; written: (number | string)[][]; compared: number[][]; found: number[][]; hexWritten: (number | string)[][] });
    bytes.forEach((b, i) => {
      const u = Buffer.from([0x2e, ...b]);
      expect(got.decoded[i], `bytes ${Buffer.from(b).toString('hex')}`).toEqual([u.toString('latin1', 1), u.toString('ascii'), u.toString('hex', 1)]);
      const c = Buffer.from(bytes[(i + 1) % bytes.length]!);
      expect(got.compared[i]).toEqual([Buffer.compare(Buffer.from(b), c), Buffer.compare(c, Buffer.from(b)), 0]);
      const h = Buffer.from(bytes.slice(i, i + 40).flat());
      const n = Buffer.from(b.slice(0, 1 + (i % 3)));
      expect(got.found[i], `needle ${n.toString('hex')} in ${h.toString('hex')}`).toEqual([h.indexOf(n), h.indexOf(n, i % 7), h.lastIndexOf(n, h.length), h.lastIndexOf(n, i % 5)]);
    });
    strings.forEach((s, i) => {
      const u = Buffer.alloc(8, 0x2e);
      expect(got.written[i], `string ${JSON.stringify(s)}`).toEqual([u.write(s, 1, 5, 'latin1'), u.toString('hex')]);
    });
    hexes.forEach((x, i) => {
      const u = Buffer.alloc(6, 0x2e);
      expect(got.hexWritten[i], `hex ${JSON.stringify(x)}`).toEqual([u.write(x, 1, 4, 'hex'), u.toString('hex')]);
    });
  });

  it("refuse a hex or ascii string past the isolate's memory limit with a RangeError before allocating it, and the isolate goes on", () => {
    // 24 of 32 MB of bytes (an ArrayBuffer, counted by isolated-vm's allocator) would be a 48 MB hex
    // string in an isolate of 48 MB; 3 MB would be 6 MB, which fits. The strings past 1 KB are
    // external (their buffer is the string), counted as base64's are: without the check, the
    // buffer would be memory beside the isolate that nothing counts.
    const got = withContext((context) => context.evalSync(`(() => {
      const he = globalThis['photon:hex-encode']; const ld = globalThis['photon:latin1-decode']; const out = [];
      const big = new Uint8Array(32 << 20).fill(0xe9);
      try { out.push(he(big, 0, 24 << 20).length); } catch (err) { out.push(err.constructor.name + ': ' + err.message); }
      try { out.push(ld(big, 0, big.length, true).length); } catch (err) { out.push(err.constructor.name + ': ' + err.message); }
      out.push(he(big, 0, 3 << 20).length, ld(big, 0, 3 << 20, true).charCodeAt(5));
      return out.join(',');
    })()`) as string, 48);
    expect(got).toBe(`RangeError: photon: the hex string would pass the isolate's memory limit,RangeError: photon: the ascii string would pass the isolate's memory limit,${6 << 20},${0x69}`);
  });

  it('bound the work of one call: a backward search past 2^26 byte comparisons is a RangeError (forward, memmem, is linear)', () => {
    // 'aaa…ab' in 'aaa…a': every position starts a near match. Forward: two-way, linear. Backward
    // would compare ~4,096 bytes at each of 2^20 positions, uninterruptible: refused.
    const got = withContext((context) => context.evalSync(`(() => {
      const idx = globalThis['photon:bytes-index']; const out = [];
      const hay = new Uint8Array(1 << 20).fill(97); const needle = new Uint8Array(4096).fill(97); needle[4095] = 98;
      const t = Date.now(); out.push(idx(hay, needle, 0, false)); out.push(Date.now() - t < 2000);
      try { idx(hay, needle, hay.length, true); out.push('answered'); } catch (err) { out.push(err.constructor.name); }
      out.push(idx(hay, needle.subarray(0, 16), hay.length, true));
      return out.join(',');
    })()`) as string);
    expect(got).toBe(`-1,true,RangeError,${(1 << 20) - 16}`);
  });

  it('throw a TypeError or RangeError for hostile arguments, never crash, and are no constructors', () => {
    const got = withContext((context) => context.evalSync(`(() => {
      const ld = globalThis['photon:latin1-decode']; const lw = globalThis['photon:latin1-write']; const cmp = globalThis['photon:bytes-compare']; const idx = globalThis['photon:bytes-index']; const out = [];
      const he = globalThis['photon:hex-encode']; const hw = globalThis['photon:hex-write'];
      const detached = new ArrayBuffer(8); const view = new Uint8Array(detached); detached.transfer();
      const u = new Uint8Array(8);
      const calls = [() => ld(u, 0, 1), () => ld(u, 0, 1, 1), () => ld('x', 0, 1, false), () => ld(new Uint16Array(2), 0, 1, false), () => lw('x', u, 0), () => lw(1, u, 0, 1), () => lw('x', new DataView(new ArrayBuffer(2)), 0, 1),
        () => cmp(u), () => cmp(u, [1]), () => cmp(new Proxy(u, {}), u), () => idx(u, u, 0), () => idx(u, u, -1, false), () => idx(u, 'x', 0, false),
        () => ld(u, 2, 1, false), () => ld(u, 0, 9, false), () => ld(view, 0, 1, false), () => lw('x', u, 8, 1), () => lw('x', view, 0, 1),
        () => he(u, 0), () => he(u, 2, 1), () => hw('ab', u, 0), () => hw('ab', u, 7, 2), () => he(view, 0, 1), () => new he(u, 0, 1),
        () => new ld(u, 0, 1, false), () => new cmp(u, u)];
      for (const call of calls) { try { call(); out.push('answered'); } catch (err) { out.push(err.constructor.name); } }
      out.push(JSON.stringify(ld(view, 0, 0, false)), lw('x', view, 0, 0), cmp(view, view), cmp(view, u), idx(view, u, 0, false), idx(u, view, 3, true));
      return out.join(',');
    })()`) as string);
    expect(got.split(',')).toEqual([...Array<string>(13).fill('TypeError'), ...Array<string>(5).fill('RangeError'),
      'TypeError', 'RangeError', 'TypeError', 'RangeError', 'RangeError', 'TypeError', 'TypeError', 'TypeError', '""', '0', '0', '-1', '-1', '3']);
  });
});
