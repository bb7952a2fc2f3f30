// A web action's result → the HTTP answer, per extension (OpenWhisk's WebActions.scala transcoders,
// docs/webactions.md "Handling HTTP requests with actions" and "Additional features"):
//
//   .http  {statusCode, headers, body}: status 200 with a body, 204 without; a string body is text
//          (default text/html) or, for a binary content type, base64 decoded; any other JSON body is
//          serialised (default application/json, or another +json type); header values are strings,
//          numbers, booleans or arrays of them (one header line each)
//   .json  the result (object or array) as application/json
//   .html  result.body, else result.html, a string, as text/html
//   .svg   result.body, else result.svg, a string, as image/svg+xml
//   .text  result.body, else result.text, any JSON value, as text/plain
//
// A result that does not fit its extension is 400 with OpenWhisk's message; nothing the action
// returns can make node throw while the answer is written (status and header values are checked).
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { ApiError } from '../api-error.js';
import { isBinary, isJsonFamily, parseMediaType, withCharset } from './media-types.js';
import type { WebExtension } from './web-path.js';

/** What the HTTP layer writes for a web action: no JSON envelope, any headers, bytes or text. */
export interface WebReply {
  status: number;
  /** In order; a name may repeat (Set-Cookie). */
  headers: Array<[string, string]>;
  /** Absent: no body (and no content type). */
  body?: Buffer | string;
}

export const MEDIA_MESSAGES = Object.freeze({
  invalidMedia: (m: string) => `Response is not valid '${m}'.`,
  propertyNotFound: 'Response does not include requested property.',
  httpUnknownContentType: 'Response did not specify a known content-type.',
  httpContentTypeError: 'Response type in header did not match generated content type.',
  errorProcessingRequest: 'There was an error processing your request.',
  responseNotReady: 'Response not yet ready.',
});

const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

export function transcode(result: unknown, extension: WebExtension): WebReply {
  const fields = isObject(result) ? result : undefined;
  switch (extension) {
    case 'json':
      if (isObject(result) || Array.isArray(result)) return text(200, 'application/json', pretty(result));
      throw new ApiError(400, MEDIA_MESSAGES.invalidMedia('application/json'));
    case 'html': {
      const v = fields ? fields.body ?? fields.html : result;
      if (typeof v === 'string') return text(200, 'text/html; charset=UTF-8', v);
      throw new ApiError(400, MEDIA_MESSAGES.invalidMedia('text/html'));
    }
    case 'svg': {
      const v = fields ? fields.body ?? fields.svg : result;
      if (typeof v === 'string') return text(200, 'image/svg+xml', v);
      throw new ApiError(400, MEDIA_MESSAGES.invalidMedia('image/svg+xml'));
    }
    case 'text': {
      const v = fields ? ('body' in fields ? fields.body : fields.text) : result;
      if (v === undefined) throw new ApiError(404, MEDIA_MESSAGES.propertyNotFound);
      const s = typeof v === 'string' ? v : v !== null && typeof v === 'object' ? pretty(v) : String(v);
      return text(200, 'text/plain; charset=UTF-8', s);
    }
    case 'http':
      return asHttp(result);
  }
}

function asHttp(result: unknown): WebReply {
  const invalid = (): ApiError => new ApiError(400, MEDIA_MESSAGES.invalidMedia('message/http'));
  if (!isObject(result)) throw invalid();
  const headers: Array<[string, string]> = [];
  if (result.headers !== undefined) {
    if (!isObject(result.headers)) throw invalid();
    for (const [name, value] of Object.entries(result.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid();
        const s = String(v);
        try {
          validateHeaderName(name);
          validateHeaderValue(name, s);
        } catch {
          throw invalid();
        }
        headers.push([name, s]);
      }
    }
  }
  let code: number | undefined;
  if (result.statusCode !== undefined) {
    const c = result.statusCode;
    code = typeof c === 'number' ? c : typeof c === 'string' && /^-?\d+$/.test(c.trim()) ? Number(c.trim()) : NaN;
    // HTTP/1.1 status codes are three digits (node refuses anything else while writing).
    if (!Number.isInteger(code) || code < 100 || code > 999) throw invalid();
  }
  const body = result.body;
  const ctIndex = headers.findIndex(([n]) => n.toLowerCase() === 'content-type');
  const others = headers.filter((_, i) => i !== ctIndex);
  if (body === undefined || body === null || body === '') {
    // No entity: a content type the action set would describe nothing, so it is dropped.
    return { status: code ?? 204, headers: others };
  }
  const declared = ctIndex >= 0 ? headers[ctIndex]![1] : undefined;
  if (typeof body === 'string') {
    const header = declared ?? 'text/html';
    const m = parseMediaType(header);
    if (!m) throw new ApiError(400, MEDIA_MESSAGES.httpUnknownContentType);
    if (isBinary(m) || (isJsonFamily(m) && isBase64(body))) {
      if (!isBase64(body)) throw new ApiError(400, MEDIA_MESSAGES.httpContentTypeError);
      return { status: code ?? 200, headers: [...others, ['content-type', header]], body: Buffer.from(body, 'base64') };
    }
    return { status: code ?? 200, headers: [...others, ['content-type', isJsonFamily(m) ? header : withCharset(header, m)]], body };
  }
  const m = parseMediaType(declared ?? 'application/json');
  if (!m) throw new ApiError(400, MEDIA_MESSAGES.httpUnknownContentType);
  if (!isJsonFamily(m)) throw new ApiError(400, MEDIA_MESSAGES.httpContentTypeError);
  return { status: code ?? 200, headers: [...others, ['content-type', m.value === 'application/json' ? 'application/json' : `${m.value}; charset=UTF-8`]], body: JSON.stringify(body) };
}

function text(status: number, contentType: string, body: string): WebReply {
  return { status, headers: [['content-type', contentType]], body };
}

// OpenWhisk's Exec.isBinaryCode: the whole string is base64 (with or without padding), ignoring
// line breaks.
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

function isBase64(s: string): boolean {
  const t = s.trim();
  return t.length > 0 && BASE64.test(t) && t.replace(/[\r\n=]/g, '').length % 4 !== 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
