// The spans in an OTLP/HTTP protobuf request (ExportTraceServiceRequest → ResourceSpans →
// ScopeSpans → Span), counted without decoding them: what a benchmark's sink checks it received.
// Throws on bytes that are not well-formed protobuf, so a broken encoder shows in the count.

function fields(buf: Uint8Array, each: (field: number, body: Uint8Array) => void): void {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const n = varint();
      if (pos + n > buf.length) throw new Error('truncated field');
      each(Math.floor(tag / 8), buf.subarray(pos, pos + n));
      pos += n;
    } else throw new Error(`wire type ${wire}`);
  }
}

export function countOtlpSpans(request: Uint8Array): number {
  let spans = 0;
  fields(request, (f, resourceSpans) => {
    if (f !== 1) return;
    fields(resourceSpans, (g, scopeSpans) => {
      if (g !== 2) return;
      fields(scopeSpans, (h) => { if (h === 2) spans++; });
    });
  });
  return spans;
}
