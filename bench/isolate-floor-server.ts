// The floor for "HTTP + isolate" in bench:peers: a bare node:http server that calls hello world in
// one isolated-vm isolate created before the first request. No store, no bus, no auth, no record:
// what is left is the price of Node's HTTP and of one call into an isolate, which no platform on
// isolated-vm can go below. Run as its own process (the benchmark reads its CPU time from /proc);
// prints `listening <port>` once it answers.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import ivm from 'isolated-vm';

const HELLO = 'function main(p) { return { greeting: "Hello, " + (p.name || "world") }; }';

const isolate = new ivm.Isolate({ memoryLimit: 128 });
const context = await isolate.createContext();
await context.eval(HELLO);
const main = await context.global.get('main', { reference: true });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const params: unknown = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    main.apply(undefined, [new ivm.ExternalCopy(params).copyInto()], { result: { copy: true } }).then(
      (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
