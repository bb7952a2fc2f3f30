// Which content types carry bytes and which carry text, the way OpenWhisk decides it (pekko-http's
// MediaTypes, docs/webactions.md "OpenWhisk uses the Pekko Http framework to determine which content
// types are binary"): a binary request body reaches the action base64-encoded in `__ow_body`, and a
// web action's string body is base64-decoded before it is sent when its content type is binary.
//
//   text/*                                         text
//   the registered textual application types       text (json, javascript, xml, form data, …)
//   any other registered or unknown type           binary (an unknown type with a charset is text)

/** A parsed Content-Type: `type/subtype` lower-cased, and whether it named a charset. */
export interface MediaType {
  /** e.g. `application/json` */
  value: string;
  charset?: string;
}

// pekko-http's MediaTypes declared with an open or fixed charset, i.e. not binary.
const TEXT_APPLICATION = new Set([
  'application/json', 'application/javascript', 'application/xml', 'application/xhtml+xml', 'application/x-www-form-urlencoded',
  'application/atom+xml', 'application/rss+xml', 'application/soap+xml', 'application/base64', 'application/x-javascript',
  'application/ecmascript', 'application/json-patch+json', 'application/merge-patch+json', 'application/problem+json',
  'application/problem+xml', 'application/vnd.api+json', 'application/x-x509-ca-cert', 'application/grpc+json',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a Content-Type header value; undefined when it is not `type/subtype[; params]`. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [type, ...params] = header.split(';');
  const slash = type!.indexOf('/');
  if (slash <= 0) return undefined;
  const main = type!.slice(0, slash).trim().toLowerCase();
  const sub = type!.slice(slash + 1).trim().toLowerCase();
  if (!TOKEN.test(main) || !TOKEN.test(sub)) return undefined;
  const out: MediaType = { value: `${main}/${sub}` };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === 'charset') out.charset = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return out;
}

/** OpenWhisk's isJsonFamily: application/json or any `+json` subtype. */
export function isJsonFamily(m: MediaType): boolean {
  return m.value === 'application/json' || m.value.endsWith('+json');
}

/** True when the type carries bytes (pekko's MediaType.binary). */
export function isBinary(m: MediaType): boolean {
  const [main] = m.value.split('/');
  if (main === 'text') return false;
  if (TEXT_APPLICATION.has(m.value)) return false;
  // pekko parses an unregistered type with a charset as text, without one as binary.
  if (m.charset !== undefined && !m.value.startsWith('image/') && !m.value.startsWith('audio/') && !m.value.startsWith('video/')) return false;
  return true;
}

/** The Content-Type to send for a text body: a charset is added when the type has none (pekko adds UTF-8). */
export function withCharset(header: string, m: MediaType): string {
  return m.charset === undefined ? `${m.value}; charset=UTF-8` : header;
}
