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
});
