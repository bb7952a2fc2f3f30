// The protobuf wire format, written into one Buffer that grows and is reused: what the tracer's
// OTLP encoder needs and no more (varints, fixed64 times, doubles, bytes from hex, UTF-8 strings,
// nested messages). A nested message reserves one byte for its length and moves its bytes only
// when the length needs more (the way @opentelemetry/otlp-transformer writes, so the output is
// the same bytes); most of a span's messages (an attribute, its value) are shorter than 128.
const INITIAL_BYTES = 64 * 1024;
/** Strings up to this length go through a JS loop (no native call) when they are ASCII. */
const SHORT_STRING = 64;

/** A character code's hex digit value, -1 for any other character below 128. */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

export class ProtobufWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = INITIAL_BYTES) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** The bytes written so far, copied out; the writer starts again empty and keeps its buffer. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** One byte: a tag of a field below 16, precomputed by the caller as a constant. */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An unsigned varint below 2^32. */
  varint(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** An int64 varint from an integer number (negative ones in two's complement, 10 bytes). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint(value);
      return;
    }
    this.ensure(10);
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      this.buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buf[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /**
   * Epoch milliseconds (a float, µs and below in its fraction) as fixed64 unix nanoseconds. The
   * product does not fit a double's 53 bits, so it is built from the seconds' low 16 bits and the
   * rest separately, as otlp-transformer's writeHrTimeAsFixed64 does.
   */
  epochNanos(ms: number): void {
    let seconds = Math.floor(ms / 1000);
    let nanos = Math.round((ms - seconds * 1000) * 1e6);
    if (nanos >= 1e9) {
      seconds += 1;
      nanos -= 1e9;
    }
    const lower = (seconds & 0xffff) * 1e9;
    const upper = ((seconds / 0x10000) >>> 0) * 1e9;
    const low = (lower >>> 0) + (((upper & 0xffff) * 0x10000) >>> 0) + nanos;
    const high = (Math.floor(lower / 0x100000000) + ((upper / 0x10000) >>> 0) + Math.floor(low / 0x100000000)) >>> 0;
    this.ensure(8);
    this.buf.writeUInt32LE(low >>> 0, this.pos);
    this.buf.writeUInt32LE(high, this.pos + 4);
    this.pos += 8;
  }

  /** A bytes field's value from lowercase hex (trace and span ids): its length, then the bytes. */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(n + 1);
    const buf = this.buf;
    const start = this.pos;
    // Ids are 8 or 16 bytes: decoded by table in JS, no native call; a byte that is not two hex
    // digits (ids come validated, so never in practice) goes back to Buffer.write's rules.
    if (n < 0x80) {
      buf[start] = n;
      let p = start + 1;
      for (let i = 0; i < 2 * n; i += 2) {
        const hi = HEX[hex.charCodeAt(i)] ?? -1;
        const lo = HEX[hex.charCodeAt(i + 1)] ?? -1;
        if ((hi | lo) < 0) break;
        buf[p++] = (hi << 4) | lo;
      }
      if (p === start + 1 + n) {
        this.pos = p;
        return;
      }
    }
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(hex, this.pos, n, 'hex');
  }

  /** Raw bytes, already encoded (a cached key, a pre-encoded resource). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    if (n <= SHORT_STRING) {
      // A cached key: a JS copy beats TypedArray.set's native call at this size.
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = bytes[i]!;
      this.pos = p;
      return;
    }
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /** A string field's value: its UTF-8 length, then the bytes. */
  string(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // Short and ASCII (ids, names, attribute values): written by hand, no native call.
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.pos = p;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
  }

  /** Starts a nested message: reserves one byte for its length; give the answer to endMessage. */
  startMessage(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the nested message started at `at`: writes its length, moving its bytes if it needs more than one. */
  endMessage(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    let size = 2;
    while (length >= 2 ** (7 * size)) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    let v = length;
    let p = at;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}
