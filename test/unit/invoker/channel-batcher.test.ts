// ChannelBatcher (invoker/sandbox/channel-batcher.ts): what both ends of a sandbox's IPC channel
// send through. A turn's messages go as one write, in order; one sent `now` goes at once with those before it.
import { describe, expect, it } from 'vitest';
import { ChannelBatcher, eachMessage, type Batched } from '../../../invoker/sandbox/channel-batcher.js';

interface Msg {
  n: number;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function recorder(): { writes: Batched<Msg>[]; batcher: ChannelBatcher<Msg> } {
  const writes: Batched<Msg>[] = [];
  return { writes, batcher: new ChannelBatcher<Msg>((p) => writes.push(p)) };
}

describe('ChannelBatcher', () => {
  it("writes one turn's messages as one array, in the order sent, at that turn's check phase", async () => {
    const { writes, batcher } = recorder();
    batcher.send({ n: 1 });
    batcher.send({ n: 2 });
    await Promise.resolve();
    batcher.send({ n: 3 });
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }]]);
  });

  it('writes a lone message as itself, and each turn apart', async () => {
    const { writes, batcher } = recorder();
    batcher.send({ n: 1 });
    await turn();
    batcher.send({ n: 2 });
    batcher.send({ n: 3 });
    await turn();
    expect(writes).toEqual([{ n: 1 }, [{ n: 2 }, { n: 3 }]]);
  });

  it('a message sent now goes at once, with those pending before it', async () => {
    const { writes, batcher } = recorder();
    batcher.send({ n: 1 }, true);
    expect(writes).toEqual([{ n: 1 }]);
    batcher.send({ n: 2 });
    batcher.send({ n: 3 }, true);
    expect(writes).toEqual([{ n: 1 }, [{ n: 2 }, { n: 3 }]]);
    await turn();
    expect(writes).toHaveLength(2);
  });

  it('flush writes what is pending at once, so a message written after it keeps its place', async () => {
    const { writes, batcher } = recorder();
    batcher.send({ n: 1 });
    batcher.send({ n: 2 });
    batcher.flush();
    writes.push({ n: 3 }); // what SandboxProcess does with a handle: its own write, after the flush
    batcher.send({ n: 4 });
    await turn();
    batcher.flush(); // nothing pending: no write
    expect(writes).toEqual([[{ n: 1 }, { n: 2 }], { n: 3 }, { n: 4 }]);
  });

  it('eachMessage gives back every message of a payload, in order', () => {
    const seen: number[] = [];
    eachMessage<Msg>([{ n: 1 }, { n: 2 }], (m) => seen.push(m.n));
    eachMessage<Msg>({ n: 3 }, (m) => seen.push(m.n));
    expect(seen).toEqual([1, 2, 3]);
  });
});
