// FeedStore in Redis. Keys: {p}feeds (hash: "{ns}/{trigger}" → JSON binding), {p}feedpos:{feedId}
// (hash: partition → last fired offset), {p}deadletters:{ns}/{trigger} (list, newest first).
import type { Redis } from 'ioredis';
import type { DeadLetter, FeedBinding } from '../model/trigger.js';
import type { ListOptions } from './action-store.js';
import type { FeedStore } from './feed-store.js';
import { RedisScript } from './redis-script.js';

// Forward only: two consumers of one partition during a rebalance cannot move it back.
const MARK = new RedisScript(`
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > cur then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`);

export class RedisFeedStore implements FeedStore {
  readonly #redis: Redis;
  readonly #p: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#p = prefix;
  }

  async put(binding: FeedBinding): Promise<void> {
    await this.#redis.hset(`${this.#p}feeds`, `${binding.namespace}/${binding.trigger}`, JSON.stringify(binding));
  }

  async get(namespace: string, trigger: string): Promise<FeedBinding | undefined> {
    const raw = await this.#redis.hget(`${this.#p}feeds`, `${namespace}/${trigger}`);
    return raw ? (JSON.parse(raw) as FeedBinding) : undefined;
  }

  async delete(namespace: string, trigger: string): Promise<boolean> {
    return (await this.#redis.hdel(`${this.#p}feeds`, `${namespace}/${trigger}`)) > 0;
  }

  async list(): Promise<FeedBinding[]> {
    return Object.values(await this.#redis.hgetall(`${this.#p}feeds`)).map((raw) => JSON.parse(raw) as FeedBinding);
  }

  async markFired(feedId: string, partition: number, offset: number): Promise<void> {
    await MARK.run(this.#redis, [`${this.#p}feedpos:${feedId}`], [partition, offset]);
  }

  async firedThrough(feedId: string, partition: number): Promise<number> {
    const raw = await this.#redis.hget(`${this.#p}feedpos:${feedId}`, String(partition));
    return raw === null ? -1 : Number(raw);
  }

  async clearFired(feedId: string): Promise<void> {
    await this.#redis.del(`${this.#p}feedpos:${feedId}`);
  }

  async pushDeadLetter(namespace: string, trigger: string, entry: DeadLetter, cap: number): Promise<void> {
    const k = this.#dead(namespace, trigger);
    await this.#redis.multi().lpush(k, JSON.stringify(entry)).ltrim(k, 0, cap - 1).exec();
  }

  async deadLetters(namespace: string, trigger: string, options: ListOptions): Promise<DeadLetter[]> {
    if (options.limit <= 0) return [];
    const raw = await this.#redis.lrange(this.#dead(namespace, trigger), options.skip, options.skip + options.limit - 1);
    return raw.map((r) => JSON.parse(r) as DeadLetter);
  }

  async clearDeadLetters(namespace: string, trigger: string): Promise<void> {
    await this.#redis.del(this.#dead(namespace, trigger));
  }

  #dead(namespace: string, trigger: string): string {
    return `${this.#p}deadletters:${namespace}/${trigger}`;
  }
}
