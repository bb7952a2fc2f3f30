// Request bodies, read with a hard cap: a body over the payload limit is refused with 413 as soon as
// the limit is crossed (or up front from Content-Length) and is never buffered whole.
import type { IncomingMessage } from 'node:http';
import { ApiError, MESSAGES, tooLarge } from './api-error.js';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared, limit);
  // Events, not for-await: leaving a for-await early destroys the request and its socket, and the
  // client would see a reset instead of the 413 (http-edge.ts closes the connection gracefully).
  if (req.readableEnded) return Buffer.alloc(0);
  // A small body usually arrives in the packet of the headers: by the time a handler reads it, node
  // has parsed all of its declared bytes into the stream's buffer (the stream ends a turn later).
  // They are taken from there at once (read() without a size hands a paused stream's whole buffer
  // over) and the stream is resumed to end as it would, without four listeners, their closures and
  // a promise per request. A body still arriving, chunked or over the limit goes the event way.
  if (declared === req.readableLength && req.readableFlowing !== true && req.readableEncoding === null && req.listenerCount('data') === 0) {
    const all = req.read() as Buffer | null;
    req.resume();
    return all ?? Buffer.alloc(0);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      reject(tooLarge(`more than ${limit}`, limit));
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      stop();
      reject(err);
    };
    const onClose = (): void => {
      stop();
      reject(new Error('the client closed the connection before the body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
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
