// node:stream/web — web streams from web-streams-polyfill (a spec-following implementation), plus
// TextEncoderStream/TextDecoderStream over the layer's encoders.
const ws = require('web-streams-polyfill');
class TextEncoderStream extends ws.TransformStream {
  constructor() {
    const enc = new globalThis.TextEncoder();
    super({ transform(chunk, c) { const b = enc.encode(String(chunk)); if (b.length) c.enqueue(b); } });
  }
  get encoding() { return 'utf-8'; }
}
class TextDecoderStream extends ws.TransformStream {
  constructor(label = 'utf-8', options = {}) {
    const dec = new globalThis.TextDecoder(label, options);
    super({
      transform(chunk, c) { const s = dec.decode(chunk, { stream: true }); if (s) c.enqueue(s); },
      flush(c) { const s = dec.decode(); if (s) c.enqueue(s); },
    });
    this.encoding = dec.encoding;
  }
}
module.exports = { ...ws, TextEncoderStream, TextDecoderStream };
