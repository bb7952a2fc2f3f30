// The floor of HTTP alone in bench:peers: a bare node:http server that reads the JSON body and
// answers hello world as JSON, computed in the server itself. No isolate, no store, no bus, no
// auth: what Node's HTTP costs per request, below which no Node-based platform can go (the
// isolate floor, isolate-floor-server.ts, adds one call into an isolated-vm isolate on top).
// Run as its own process (the benchmark reads its CPU time from /proc); prints `listening <port>`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const main = (p: { name?: string }): { greeting: string } => ({ greeting: 'Hello, ' + (p.name || 'world') });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const params = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { name?: string };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(main(params)));
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
