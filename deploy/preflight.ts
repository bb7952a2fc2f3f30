// Checks an entry point makes before it creates anything (namespaces, veths, nft tables, topics):
// each failure is a StartupError whose one line names the address, the variable that sets it and
// what to do, instead of a client library's retries, JSON logs and a stack trace half a minute later.
import { connect, createServer } from 'node:net';

/** A start-up failure explained in one line for an operator; no stack trace. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** How long a TCP connect may take before the service counts as unreachable. */
const CONNECT_TIMEOUT_MS = 3_000;

function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  if (!m) return { host: address, port: defaultPort };
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

/** Resolves undefined when host:port accepts a TCP connection, else the reason it did not. */
export function tcpReason(host: string, port: number, timeoutMs = CONNECT_TIMEOUT_MS): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message)));
  });
}

/** At least one of the brokers must accept a connection. */
export async function checkKafka(brokers: string[]): Promise<void> {
  const reasons = await Promise.all(brokers.map((b) => { const { host, port } = hostPort(b, 9092); return tcpReason(host, port); }));
  if (reasons.some((r) => r === undefined)) return;
  throw new StartupError(
    `cannot reach Kafka at ${brokers.join(',')} (${[...new Set(reasons)].join('; ')}): set PHOTON_KAFKA_BROKERS to your brokers, ` +
      'or start a local broker with deploy/local/kafka.sh up',
  );
}

export async function checkRedis(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError(`PHOTON_REDIS_URL '${url}' is not a URL (e.g. redis://127.0.0.1:6379)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return;
  const reason = await tcpReason(parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', parsed.port ? Number(parsed.port) : 6379);
  if (reason === undefined) return;
  throw new StartupError(`cannot reach Redis at ${url} (${reason}): set PHOTON_REDIS_URL to your Redis, or start a local one with deploy/local/redis.sh up`);
}

/** The controller's port must be free (checked before an invoker in the same process creates namespaces). */
export function checkPort(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => reject(portError(err, host, port) ?? err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** The one line for a listen error, or undefined when it is not one. */
export function portError(err: NodeJS.ErrnoException, host: string, port: number): StartupError | undefined {
  if (err.code === 'EADDRINUSE') return new StartupError(`port ${port} on ${host} is in use: set PHOTON_CONTROLLER_PORT to a free port (0 picks one), or stop what listens there`);
  if (err.code === 'EACCES') return new StartupError(`port ${port} on ${host} needs privileges this process lacks: set PHOTON_CONTROLLER_PORT to a port above 1023`);
  if (err.code === 'EADDRNOTAVAIL') return new StartupError(`${host} is not an address of this host: set PHOTON_CONTROLLER_HOST (e.g. 127.0.0.1 or 0.0.0.0)`);
  return undefined;
}
