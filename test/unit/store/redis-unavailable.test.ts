// translatingUnavailable: ioredis's connection errors become StoreUnavailableError (cause kept),
// every other error and every result passes through unchanged. The errors here are shaped like
// ioredis 5's; test/int/store/redis-unavailable.test.ts gets real ones from a real client.
import { describe, expect, it } from 'vitest';
import { translatingUnavailable } from '../../../shared/store/redis-unavailable.js';
import { StoreUnavailableError } from '../../../shared/store/store-unavailable-error.js';

class FakeStore {
  readonly #fail: unknown;
  constructor(fail: unknown) {
    this.#fail = fail;
  }
  async get(): Promise<string> {
    if (this.#fail !== undefined) throw this.#fail;
    return 'value';
  }
  syncName(): string {
    return 'fake';
  }
}

const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });
const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('translatingUnavailable', () => {
  it.each([
    ['max retries per request', named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.')],
    ['offline queue disabled', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['client ended', new Error('Connection is closed.')],
    ['pipeline cut by the close', named('AbortError', 'Command aborted due to connection close')],
    ['connection refused', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
  ])('turns %s into StoreUnavailableError', async (_what, err) => {
    const rejection = await translatingUnavailable(new FakeStore(err)).get().catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(StoreUnavailableError);
    expect((rejection as Error).message).toBe('The state store (Redis) is unavailable; retry shortly.');
    expect((rejection as Error).cause).toBe(err);
  });

  it('passes other errors through unchanged', async () => {
    for (const err of [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), named('ReplyError', 'NOSCRIPT No matching script'), new TypeError('x is undefined'), 'not an error']) {
      await expect(translatingUnavailable(new FakeStore(err)).get()).rejects.toBe(err);
    }
  });

  it('keeps results, synchronous methods and private fields working', async () => {
    const store = translatingUnavailable(new FakeStore(undefined));
    expect(await store.get()).toBe('value');
    expect(store.syncName()).toBe('fake');
    expect(store).toBeInstanceOf(FakeStore);
  });
});
