// ioredis's ways of saying "no connection to Redis", rethrown as StoreUnavailableError at the
// stores' boundary (createRedisStores wraps every store), so callers can tell an outage from a bug
// without knowing ioredis. Any other error passes through unchanged.
import { StoreUnavailableError } from './store-unavailable-error.js';

// Rejections ioredis gives a command while it has no usable connection (ioredis 5: Redis.ts,
// redis/event_handler.ts): the offline queue is off, the client gave up ('end'), or an in-flight
// pipeline/transaction was cut by the connection closing.
const CONNECTION_MESSAGES = new Set([
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command aborted due to connection close',
  'connect ETIMEDOUT',
]);
// Socket errors, when one reaches a command (connect() rejects with them).
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // Commands queued while reconnecting are failed after maxRetriesPerRequest reconnect attempts.
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (CONNECTION_MESSAGES.has(err.message)) return true;
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && SOCKET_CODES.has(code);
}

/** `store` with every method's connection errors rethrown as StoreUnavailableError (the cause kept). */
export function translatingUnavailable<T extends object>(store: T): T {
  const translate = (err: unknown): unknown => (isRedisConnectionError(err) ? new StoreUnavailableError({ cause: err }) : err);
  // One wrapper per method, made on first use: store calls are on every activation's path.
  const wrappers = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        // Called on the target itself: the adapters keep their client in private fields.
        wrapper = (...args: unknown[]): unknown => {
          let out: unknown;
          try {
            out = Reflect.apply(value, target, args);
          } catch (err) {
            throw translate(err);
          }
          return out instanceof Promise ? out.catch((err: unknown) => { throw translate(err); }) : out;
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
