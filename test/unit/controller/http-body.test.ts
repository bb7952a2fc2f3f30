// readBody over a real node:http server: a body already buffered when it is read (the usual small
// one) and a body still arriving (sent in parts, or chunked) answer the same bytes; the request
// ends either way (the keep-alive connection serves the next request); over the limit is 413.
import { once } from 'node:events';
import { createServer, request, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from '../../../controller/http-body.js';
import { ApiError } from '../../../controller/api-error.js';

let server: Server | undefined;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
afterEach(async () => {
  agent.destroy();
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

/** A server answering what readBody read (after `delayMs`, so a one-packet body is buffered by then), and whether the request ended. */
async function serve(delayMs: number, limit = 1024): Promise<string> {
  server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      try {
        const body = await readBody(req, limit);
        if (!req.readableEnded) await once(req, 'end');
        res.end(JSON.stringify({ body: body.toString(), ended: req.readableEnded }));
      } catch (err) {
        res.writeHead(err instanceof ApiError ? err.status : 500).end();
      }
    })();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function post(url: string, parts: string[], headers: Record<string, string | number>, gapMs = 0): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    void (async () => {
      for (const [i, p] of parts.entries()) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        req.write(p);
      }
      req.end();
    })();
  });
}

describe('readBody', () => {
  it('answers a body already buffered, and the request ends; the connection serves the next one', async () => {
    const url = await serve(20);
    for (const body of ['{"name":"bench"}', '', '{"a":1}']) {
      const r = await post(url, [body], { 'content-length': Buffer.byteLength(body) });
      expect(r).toEqual({ status: 200, text: JSON.stringify({ body, ended: true }) });
    }
  });

  it('answers a body still arriving (in parts, or chunked) whole', async () => {
    const url = await serve(0);
    const parts = ['{"a":', '"xyz', '"}'];
    expect(await post(url, parts, { 'content-length': parts.join('').length }, 30)).toEqual({ status: 200, text: JSON.stringify({ body: parts.join(''), ended: true }) });
    expect(await post(url, parts, { 'transfer-encoding': 'chunked' }, 30)).toEqual({ status: 200, text: JSON.stringify({ body: parts.join(''), ended: true }) });
  });

  it('refuses a body over the limit with 413, declared or chunked', async () => {
    const url = await serve(20, 8);
    expect((await post(url, ['0123456789'], { 'content-length': 10 })).status).toBe(413);
    server!.closeAllConnections();
    expect((await post(url, ['0123', '456789'], { 'transfer-encoding': 'chunked' }, 10)).status).toBe(413);
  });
});
