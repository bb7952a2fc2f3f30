// UTF-8 as Node writes it (Buffer.from(string), TextEncoder): a surrogate pair is one 4-byte
// character, a lone surrogate U+FFFD (EF BF BD). Written straight into a typed array of the exact
// length: buffer@6 built a JavaScript array of every byte, twice (once for the length), which for a
// 270 KB string took ~50 ms on a VM where growing that array's fresh pages costs ~12 µs a page.

/** Bytes of `s` in UTF-8. */
function utf8Length(s) {
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

/** Writes `s` into `u` from `at` (room for utf8Length(s) bytes); answers where it stopped. */
function utf8Write(s, u, at) {
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
  return at;
}

module.exports = { utf8Length, utf8Write };
