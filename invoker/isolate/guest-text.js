// Text inside every function context, for guest-runtime.js: UTF-8 by hand (the runtime runs before
// any built-in, and in a context of the layer's snapshot before the host exists) and console's
// formatting (util.format's common cases; node:util has the full one). Not a module: guest-runtime.js
// gets this one function expression from its caller (layer-snapshot.ts bootSource) and calls it
// first, with intrinsics it captured before any function code could replace them.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- evaluated as an expression by the host
(function photonText(StringCtor, jsonStringify) {
  'use strict';
  // ---- UTF-8 ---------------------------------------------------------------------------------
  // By V8's own code where photon's isolated-vm build gives each context it (deploy/isolated-vm/
  // native-text.patch: String::NewFromUtf8, Utf8LengthV2, WriteUtf8V2, as Node calls them), so
  // every malformed byte and lone surrogate comes out as in Node, at Node's speed: in JavaScript a
  // 64 KB decode took ~1.3 ms, 250x Node's. Taken and deleted here, before any function code, and
  // again when a context of the layer's snapshot is bound (started: a snapshot holds none). The
  // prebuilt binary has none: the JavaScript below then.
  const G = globalThis;
  const U8 = Uint8Array;
  const UTF8_KEYS = ['photon:utf8-decode', 'photon:utf8-length', 'photon:utf8-write'];
  let nativeDecode = null;
  let nativeLength = null;
  let nativeWrite = null;
  function takeNative() {
    const d = G[UTF8_KEYS[0]];
    const l = G[UTF8_KEYS[1]];
    const w = G[UTF8_KEYS[2]];
    if (typeof d === 'function' && typeof l === 'function' && typeof w === 'function') { nativeDecode = d; nativeLength = l; nativeWrite = w; }
    for (let i = 0; i < UTF8_KEYS.length; i++) Reflect.deleteProperty(G, UTF8_KEYS[i]);
  }
  takeNative();
  // UTF-8 as Node writes it (Buffer.from(string), TextEncoder): a surrogate pair is one 4-byte
  // character, a lone surrogate U+FFFD (EF BF BD). Written straight into bytes of the exact length:
  // an array of every byte took ~50 ms for 270 KB on a VM where its growing backing store's fresh
  // pages cost ~12 us each (node:buffer used buffer@6's, which built two).
  function utf8Encode(s) {
    if (nativeWrite !== null) {
      const n = nativeLength(s);
      const u = new U8(n);
      if (n > 0) nativeWrite(s, u, 0, n);
      return u;
    }
    const u = new U8(utf8Length(s));
    let at = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) { u[at++] = c; continue; }
      if (c < 0x800) { u[at++] = 0xc0 | (c >> 6); u[at++] = 0x80 | (c & 63); continue; }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if ((d & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          u[at++] = 0xf0 | (c >> 18); u[at++] = 0x80 | ((c >> 12) & 63); u[at++] = 0x80 | ((c >> 6) & 63); u[at++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      u[at++] = 0xe0 | (c >> 12); u[at++] = 0x80 | ((c >> 6) & 63); u[at++] = 0x80 | (c & 63);
    }
    return u;
  }
  /** `s`'s UTF-8 into view[offset, offset + length): whole characters only, as Node's buffer.write; answers the bytes written. */
  function utf8Write(s, view, offset, length) {
    if (nativeWrite !== null) return nativeWrite(s, view, offset, length);
    const bytes = utf8Encode(s);
    let n = Math.min(bytes.length, length);
    while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--; // not into a character
    view.set(bytes.subarray(0, n), offset);
    return n;
  }
  /** view[start, end) as text (0 <= start <= end <= view.length). */
  function utf8Slice(view, start, end) {
    return nativeDecode !== null ? nativeDecode(view, start, end) : utf8Decode(view.subarray(start, end));
  }
  function utf8Decode(bytes) {
    if (nativeDecode !== null && bytes instanceof U8) return nativeDecode(bytes, 0, bytes.length);
    // The WHATWG decoder (as V8's and Node's): a malformed sequence is one U+FFFD per maximal
    // subpart, the bytes that could still have begun a character.
    let s = '';
    const chunk = [];
    const n = bytes.length;
    for (let i = 0; i < n;) {
      const b = bytes[i++];
      let c = b;
      if (b >= 0x80) {
        let need = 0;
        let lo = 0x80;
        let hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) { need = 1; c = b & 31; } else if (b >= 0xe0 && b <= 0xef) { need = 2; c = b & 15; if (b === 0xe0) lo = 0xa0; else if (b === 0xed) hi = 0x9f; } else if (b >= 0xf0 && b <= 0xf4) { need = 3; c = b & 7; if (b === 0xf0) lo = 0x90; else if (b === 0xf4) hi = 0x8f; }
        if (need === 0) c = 0xfffd;
        for (; need > 0; need--) {
          const x = i < n ? bytes[i] : -1;
          if (x < lo || x > hi) { c = 0xfffd; break; }
          c = (c << 6) | (x & 63);
          i++;
          lo = 0x80;
          hi = 0xbf;
        }
      }
      if (c > 0xffff) { c -= 0x10000; chunk.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023)); } else chunk.push(c);
      if (chunk.length > 8192) { s += StringCtor.fromCharCode.apply(null, chunk); chunk.length = 0; }
    }
    return s + StringCtor.fromCharCode.apply(null, chunk);
  }
  /** Bytes of `s` in UTF-8, as utf8Encode writes it. */
  function utf8Length(s) {
    if (nativeLength !== null) return nativeLength(s);
    let n = s.length;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 2; i++; } // 2 units, 4 bytes
      else n += 2; // 1 unit, 3 bytes (a lone surrogate: U+FFFD)
    }
    return n;
  }
  function toArrayBuffer(data) {
    if (data === undefined || data === null) return new ArrayBuffer(0);
    if (typeof data === 'string') return utf8Encode(data).buffer;
    if (data instanceof ArrayBuffer) return data.slice(0);
    if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return utf8Encode(StringCtor(data)).buffer;
  }

  // ---- console's formatting --------------------------------------------------------------------
  function inspect(v) {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return '[Function: ' + (v.name || 'anonymous') + ']';
    if (typeof v === 'symbol') return v.toString();
    if (typeof v === 'bigint') return v + 'n';
    if (v !== null && typeof v === 'object' && typeof v.stack === 'string') return v.stack;
    try { const j = jsonStringify(v); return j === undefined ? StringCtor(v) : j; } catch { return StringCtor(v); }
  }
  function format(args) {
    if (args.length === 0) return '';
    let first = args[0];
    let rest = 1;
    if (typeof first === 'string' && first.includes('%')) {
      first = first.replace(/%[sdifjoO%]/g, (m) => {
        if (m === '%%') return '%';
        if (rest >= args.length) return m;
        const a = args[rest++];
        if (m === '%d' || m === '%i') return StringCtor(m === '%i' ? Math.trunc(Number(a)) : Number(a));
        if (m === '%f') return StringCtor(Number(a));
        if (m === '%s') return typeof a === 'string' ? a : inspect(a);
        return inspect(a);
      });
    } else first = inspect(first);
    let out = first;
    for (let i = rest; i < args.length; i++) out += ' ' + inspect(args[i]);
    return out;
  }

  return Object.freeze({ utf8Encode, utf8Decode, utf8Length, utf8Write, utf8Slice, toArrayBuffer, format, takeNative });
});
