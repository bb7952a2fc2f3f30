// Request bodies, read with a hard cap: a body over the payload limit is refused with 413 as soon as
// the limit is crossed (or up front from Content-Length) and is never buffered whole.
import type { IncomingMessage } from 'node:http';
import { ApiError, MESSAGES, tooLarge } from './api-error.js';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(`more than ${limit}`, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** The body as a JSON object; empty means {}. Arrays and scalars are refused like OpenWhisk does. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, `${MESSAGES.malformed} The body is not valid JSON.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, `${MESSAGES.malformed} The body must be a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}
