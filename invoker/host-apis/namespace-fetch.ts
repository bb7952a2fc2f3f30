// fetch() for functions: node:http(s) with `createConnection` returning a socket that was opened
// inside the function's network namespace, so every byte leaves from the namespace's veth and
// obeys its egress policy (blocked host services, blocked neighbours, NAT only when enabled).
// Name resolution happens on the host's resolver; only the connection is namespaced.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** Opens a TCP connection inside the function's namespace; resolves once connected. */
export type NamespaceConnector = (host: string, port: number) => Promise<net.Socket>;

export interface FetchRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

export interface FetchResponse {
  status: number;
  statusText: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

export interface FetchOptions {
  /** A response body larger than this fails the fetch (the function's heap could not hold it anyway). */
  maxBodyBytes: number;
  /** Redirects followed before failing, like fetch's default redirect: 'follow'. */
  maxRedirects: number;
  /** Called with each request so that the owner can abort it when the activation scope ends. */
  track(req: http.ClientRequest): void;
  /** Bytes all of the isolate's responses may hold on the host at once, shared between its requests. */
  budget: { used: number; max: number };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Performs one HTTP(S) exchange, following redirects, with sockets from `connect`. */
export async function namespaceFetch(req: FetchRequest, connect: NamespaceConnector, options: FetchOptions): Promise<FetchResponse> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const res = await exchange(current, connect, options);
    const location = res.headers.find(([k]) => k === 'location')?.[1];
    if (!REDIRECTS.has(res.status) || location === undefined) return res;
    if (hop >= options.maxRedirects) throw new Error(`too many redirects (more than ${options.maxRedirects})`);
    const keepBody = res.status === 307 || res.status === 308;
    current = {
      url: new URL(location, current.url).toString(),
      method: keepBody || current.method === 'HEAD' ? current.method : 'GET',
      headers: keepBody ? current.headers : current.headers.filter(([k]) => k !== 'content-type' && k !== 'content-length'),
      body: keepBody ? current.body : null,
    };
  }
}

function exchange(req: FetchRequest, connect: NamespaceConnector, options: FetchOptions): Promise<FetchResponse> {
  const url = new URL(req.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const headers: Record<string, string> = {};
  for (const [k, v] of req.headers) headers[k] = v;
  if (req.body !== null && headers['content-length'] === undefined) headers['content-length'] = String(req.body.byteLength);
  return new Promise<FetchResponse>((resolve, reject) => {
    // Asynchronous createConnection (Node's ClientRequest takes the socket through `oncreate`):
    // a sandbox gets its sockets from the supervisor, which takes a message round trip.
    const createConnection = (_opts: unknown, oncreate: (err: Error | null, socket: Duplex) => void): undefined => {
      connect(host, port).then(
        (raw) => oncreate(null, secure ? tls.connect({ socket: raw, servername: host }) : raw),
        (e: unknown) => oncreate(e instanceof Error ? e : new Error(String(e)), undefined as unknown as Duplex),
      );
      return undefined;
    };
    const request = (secure ? https : http).request(
      { method: req.method, host, port, path: `${url.pathname}${url.search}`, headers, createConnection },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const { budget } = options;
        const giveBack = (): void => {
          budget.used -= size;
          size = 0;
        };
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          budget.used += chunk.length;
          if (size > options.maxBodyBytes || budget.used > budget.max) {
            const why = size > options.maxBodyBytes ? `response body exceeds ${options.maxBodyBytes} bytes` : `responses in flight exceed ${budget.max} bytes`;
            giveBack();
            request.destroy(new Error(why));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (e) => {
          giveBack();
          reject(e);
        });
        res.on('close', giveBack);
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          giveBack();
          const pairs: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            url: url.toString(),
            headers: pairs,
            body: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
          });
        });
      },
    );
    options.track(request);
    request.on('error', reject);
    request.end(req.body === null ? undefined : Buffer.from(req.body));
  });
}
