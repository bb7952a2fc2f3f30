// TurnBatcher (shared/bus/turn-batcher.ts): what both Kafka adapters publish through.
import { describe, expect, it } from 'vitest';
import { TurnBatcher } from '../../../shared/bus/turn-batcher.js';

describe('TurnBatcher', () => {
  it('sends the publishes of one event-loop turn as one batch, by topic in order, and the next turn apart', async () => {
    const sent: Array<Array<{ topic: string; messages: number[] }>> = [];
    const b = new TurnBatcher<number>(async (batches) => { sent.push(batches.map(({ topic, messages }) => ({ topic, messages: [...messages] }))); });
    await Promise.all([b.add('a', [1, 2]), b.add('b', [3]), b.add('a', [4])]);
    await b.add('a', [5]);
    expect(sent).toEqual([[{ topic: 'a', messages: [1, 2, 4] }, { topic: 'b', messages: [3] }], [{ topic: 'a', messages: [5] }]]);
  });

  it("settles every publish of a batch with that batch's send: a failure rejects each of them, and the next batch is unaffected", async () => {
    let fail = true;
    const b = new TurnBatcher<string>(async () => {
      if (fail) throw new Error('broker gone');
    });
    const results = await Promise.allSettled([b.add('t', ['x']), b.add('u', ['y'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(b.add('t', ['z'])).resolves.toBeUndefined();
  });

  it('while a send is in flight, later publishes wait for it and go together as the next batch, one send at a time', async () => {
    const sent: number[][] = [];
    const acks: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const b = new TurnBatcher<number>(async (batches) => {
      sent.push(batches.flatMap((x) => x.messages));
      most = Math.max(most, ++inFlight);
      await new Promise<void>((resolve) => acks.push(resolve));
      inFlight -= 1;
    });
    const first = b.add('t', [1]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([[1]]);
    // Three more publishes in three later turns, all while the first send waits for its ack.
    const later: Array<Promise<void>> = [];
    for (const n of [2, 3, 4]) {
      later.push(b.add('t', [n]));
      await new Promise((r) => setImmediate(r));
    }
    expect(sent).toEqual([[1]]);
    acks.shift()!();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([[1], [2, 3, 4]]);
    acks.shift()!();
    await Promise.all(later);
    expect(most).toBe(1);
  });

  it('flush() sends what is pending at once (a closing bus does not wait for the turn)', async () => {
    const sent: string[][] = [];
    const b = new TurnBatcher<string>(async (batches) => { sent.push(batches.flatMap((x) => x.messages)); });
    const p = b.add('t', ['last']);
    expect(b.hasPending).toBe(true);
    await b.flush();
    await p;
    expect(sent).toEqual([['last']]);
    expect(b.hasPending).toBe(false);
  });

  it('flush() during a send waits for it, then sends what is pending', async () => {
    const sent: string[][] = [];
    let ack: (() => void) | undefined;
    const b = new TurnBatcher<string>(async (batches) => {
      sent.push(batches.flatMap((x) => x.messages));
      if (sent.length === 1) await new Promise<void>((resolve) => { ack = resolve; });
    });
    const first = b.add('t', ['a']);
    await new Promise((r) => setImmediate(r));
    const second = b.add('t', ['b']);
    const flushed = b.flush();
    expect(sent).toEqual([['a']]);
    ack!();
    await flushed;
    await Promise.all([first, second]);
    expect(sent).toEqual([['a'], ['b']]);
    expect(b.hasPending).toBe(false);
  });
});
