// One way for every entry point to fail at start: whatever was created so far is closed in reverse
// order (namespaces, veths and nft tables with the invoker, connections with the bus and stores),
// then ONE line says what is wrong and which variable or command fixes it, and the process exits 1.
// PHOTON_DEBUG=1 adds the stack trace.
import { portError, StartupError } from './preflight.js';
import { isKafkaClientError } from '../shared/bus/kafka-client.js';

type Closable = { close(): Promise<void> } | { shutdown(): Promise<void> };

export interface StartSteps {
  /** Closed (last registered first) if the start fails after this point. */
  undo(part: Closable): void;
}

/** How long the cleanup of a failed start may take before the process exits anyway. */
const UNDO_TIMEOUT_MS = 15_000;

export async function startOrExplain<T>(what: string, start: (steps: StartSteps) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const parts: Closable[] = [];
  try {
    return await start({ undo: (part) => parts.push(part) });
  } catch (err) {
    for (const part of parts.reverse()) {
      const closing = 'close' in part ? part.close() : part.shutdown();
      await Promise.race([closing.catch(() => undefined), new Promise((r) => setTimeout(r, UNDO_TIMEOUT_MS).unref())]);
    }
    console.error(`${what} did not start: ${explainStartError(err)}`);
    if (env.PHOTON_DEBUG && err instanceof Error) console.error(err.stack);
    process.exit(1);
  }
}

/** The operator's one line for an error thrown during a start. */
export function explainStartError(err: unknown): string {
  if (err instanceof StartupError) return err.message;
  if (!(err instanceof Error)) return String(err);
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const message = e.message.replace(/^photon( native)?: /, '').split('\n')[0]!;
  if (e.syscall === 'listen' && e.port !== undefined) {
    const line = portError(e, e.address ?? '127.0.0.1', e.port);
    if (line) return line.message;
  }
  if (e.code === 'PHOTON_INVOKER_ID_IN_USE') return `${message} Set PHOTON_INVOKER_ID to another id, or stop the other invoker.`;
  if (e.code === 'PHOTON_NO_PRIVILEGES') return message;
  if (isKafkaClientError(e)) return `Kafka did not answer: ${message} (PHOTON_KAFKA_BROKERS sets the brokers; deploy/local/kafka.sh up starts a local one)`;
  if (/^Redis at /.test(message)) return `${message} (PHOTON_REDIS_URL sets it; deploy/local/redis.sh up starts a local one)`;
  if (/^PHOTON_[A-Z_]+ /.test(message)) return message;
  return `${message} (PHOTON_DEBUG=1 prints the stack)`;
}
