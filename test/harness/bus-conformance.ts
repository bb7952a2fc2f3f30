// One conformance suite for every MessageBus adapter (in-process and Kafka): the contract in
// shared/bus/message-bus.ts, checked the same way against both.
import { describe, expect, it } from 'vitest';
import type { BusMessage, MessageBus } from '../../shared/bus/message-bus.js';
import { uniquePrefix } from './unique-prefix.js';
import { waitFor } from './wait-for.js';

export interface BusFixture {
  bus(): MessageBus;
  /** A topic name no other test uses; created by the suite through ensureTopics. */
  topic(name: string): string;
  /** The adapter marks messages written after its join BusMessage.firstDelivery (optional in the contract). */
  marksFirstDelivery?: boolean;
}

export function busConformance(name: string, fixture: () => BusFixture): void {
  describe(`MessageBus conformance: ${name}`, () => {
    const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

    it('delivers published messages with key and headers to a subscriber', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('basic');
      await bus.ensureTopics([topic]);
      const got: BusMessage[] = [];
      const sub = await bus.subscribe({ topic, group: uniquePrefix('g'), maxInFlight: 4, fromBeginning: true, handle: async (m) => { got.push(m); } });
      await bus.publish(topic, [{ key: 'k1', value: json({ n: 1 }), headers: { traceparent: 'tp-1' } }, { key: 'k2', value: json({ n: 2 }) }]);
      await waitFor('two messages', () => got.length >= 2, { timeoutMs: 20_000 });
      await sub.close();
      expect(got.map((m) => JSON.parse(m.value.toString()).n)).toEqual([1, 2]);
      expect(got[0]!.key).toBe('k1');
      expect(got[0]!.headers.traceparent).toBe('tp-1');
    });

    it('knows which topics exist, and asking does not create one', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('exists');
      const missing = f.topic('missing');
      await bus.ensureTopics([topic]);
      expect(await bus.hasTopic(topic)).toBe(true);
      expect(await bus.hasTopic(missing)).toBe(false);
      expect(await bus.hasTopic(missing)).toBe(false);
    });

    it('never hands a subscriber more than maxInFlight messages at once', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('inflight');
      await bus.ensureTopics([topic]);
      let running = 0;
      let peak = 0;
      let done = 0;
      const sub = await bus.subscribe({
        topic, group: uniquePrefix('g'), maxInFlight: 3, fromBeginning: true,
        handle: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
          done++;
        },
      });
      await bus.publish(topic, Array.from({ length: 12 }, (_, i) => ({ value: json({ i }) })));
      await waitFor('12 handled', () => done >= 12, { timeoutMs: 20_000 });
      await sub.close();
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    });

    it('handles messages of one key concurrently: a later one may finish first (no order per key is promised)', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('samekey');
      await bus.ensureTopics([topic]);
      const finished: number[] = [];
      let secondDone!: () => void;
      const second = new Promise<void>((r) => { secondDone = r; });
      const sub = await bus.subscribe({
        topic, group: uniquePrefix('g'), maxInFlight: 2, fromBeginning: true,
        handle: async (m) => {
          const n = JSON.parse(m.value.toString()).n as number;
          // The first waits for the second: a bus that serialised a key would never get here.
          if (n === 1) await second;
          finished.push(n);
          if (n === 2) secondDone();
        },
      });
      await bus.publish(topic, [{ key: 'same', value: json({ n: 1 }) }, { key: 'same', value: json({ n: 2 }) }]);
      await waitFor('both handled', () => finished.length === 2, { timeoutMs: 20_000 });
      await sub.close();
      expect(finished).toEqual([2, 1]);
    });

    it('redelivers a message whose handler failed', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('retry');
      await bus.ensureTopics([topic]);
      let attempts = 0;
      let succeeded = false;
      const sub = await bus.subscribe({
        topic, group: uniquePrefix('g'), maxInFlight: 1, fromBeginning: true,
        handle: async () => {
          attempts++;
          if (attempts === 1) throw new Error('deliberate failure of the first attempt');
          succeeded = true;
        },
      });
      await bus.publish(topic, [{ value: json({ once: true }) }]);
      await waitFor('the retried delivery', () => succeeded, { timeoutMs: 20_000 });
      await sub.close();
      expect(attempts).toBe(2);
    });

    it('never marks firstDelivery on a message another consumer of the group may have been handed, nor on a retry', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('first');
      await bus.ensureTopics([topic]);
      const group = uniquePrefix('g');
      const seen: Array<{ i: number; first: boolean; by: string }> = [];
      const handler = (by: string, failOn: number) => async (m: BusMessage): Promise<void> => {
        const { i } = JSON.parse(m.value.toString()) as { i: number };
        seen.push({ i, first: m.firstDelivery === true, by });
        if (i === failOn) throw new Error('deliberate failure: this message stays unacknowledged');
      };
      await bus.publish(topic, [{ value: json({ i: 0 }) }]);
      const sub1 = await bus.subscribe({ topic, group, maxInFlight: 1, fromBeginning: true, handle: handler('sub1', 1_000) });
      await waitFor('the message written before the join', () => seen.length >= 1, { timeoutMs: 20_000 });
      expect(seen[0]).toEqual({ i: 0, first: false, by: 'sub1' });
      if (f.marksFirstDelivery) {
        // Written after the join: marked once the adapter knows where the log ended at its join.
        for (let i = 1; i < 60 && !seen.some((x) => x.first); i++) {
          await bus.publish(topic, [{ value: json({ i }) }]);
          await waitFor(`message ${i}`, () => seen.some((x) => x.i === i), { timeoutMs: 20_000 });
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen.some((x) => x.first)).toBe(true);
      }
      // A message that fails and stays unacknowledged: its retries, and its redelivery to the
      // next consumer of the group, are never marked.
      await bus.publish(topic, [{ value: json({ i: 1_000 }) }]);
      await waitFor('two attempts at the failing message', () => seen.filter((x) => x.i === 1_000).length >= 2, { timeoutMs: 20_000 });
      await sub1.close();
      const sub2 = await bus.subscribe({ topic, group, maxInFlight: 1, fromBeginning: true, handle: handler('sub2', -1) });
      await waitFor('the redelivery to the next consumer', () => seen.some((x) => x.i === 1_000 && x.by === 'sub2'), { timeoutMs: 30_000 });
      await sub2.close();
      expect(seen.filter((x) => x.i === 1_000).slice(1).every((x) => !x.first)).toBe(true);
    });

    it('reports the lag of a group: published but not yet acknowledged', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('lag');
      await bus.ensureTopics([topic]);
      const group = uniquePrefix('g');
      await bus.publish(topic, [1, 2, 3].map((i) => ({ value: json({ i }) })));
      expect(await bus.lag(topic, group)).toBe(3);
      let done = 0;
      const sub = await bus.subscribe({ topic, group, maxInFlight: 8, fromBeginning: true, handle: async () => { done++; } });
      await waitFor('three handled', () => done >= 3, { timeoutMs: 20_000 });
      await waitFor('the lag to reach 0', async () => (await bus.lag(topic, group)) === 0, { timeoutMs: 20_000, intervalMs: 100 });
      await sub.close();
    });

    it('resumes a group after the last acknowledged message, and every group sees every message', async () => {
      const f = fixture();
      const bus = f.bus();
      const topic = f.topic('resume');
      await bus.ensureTopics([topic]);
      const group = uniquePrefix('g');
      const first: number[] = [];
      const sub1 = await bus.subscribe({ topic, group, maxInFlight: 1, fromBeginning: true, handle: async (m) => { first.push(JSON.parse(m.value.toString()).i); } });
      await bus.publish(topic, [0, 1, 2].map((i) => ({ value: json({ i }) })));
      await waitFor('first three', () => first.length >= 3, { timeoutMs: 20_000 });
      await sub1.close();

      await bus.publish(topic, [3, 4].map((i) => ({ value: json({ i }) })));
      const second: number[] = [];
      const sub2 = await bus.subscribe({ topic, group, maxInFlight: 1, fromBeginning: true, handle: async (m) => { second.push(JSON.parse(m.value.toString()).i); } });
      const other: number[] = [];
      const sub3 = await bus.subscribe({ topic, group: uniquePrefix('other'), maxInFlight: 8, fromBeginning: true, handle: async (m) => { other.push(JSON.parse(m.value.toString()).i); } });
      await waitFor('the group to resume', () => second.length >= 2, { timeoutMs: 30_000 });
      await waitFor('another group to read all', () => other.length >= 5, { timeoutMs: 30_000 });
      await sub2.close();
      await sub3.close();
      expect(first).toEqual([0, 1, 2]);
      expect(second).toEqual([3, 4]);
      expect([...other].sort()).toEqual([0, 1, 2, 3, 4]);
    });
  });
}
