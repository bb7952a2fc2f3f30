import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../../shared/bus/in-process-bus.js';
import { busConformance } from '../../harness/bus-conformance.js';
import { uniquePrefix } from '../../harness/unique-prefix.js';
import { waitFor } from '../../harness/wait-for.js';

const buses: InProcessBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

busConformance('in-process', () => {
  const bus = new InProcessBus();
  buses.push(bus);
  const prefix = uniquePrefix('ip');
  return { bus: () => bus, topic: (name) => prefix + name, marksFirstDelivery: true };
});

describe('in-process bus: firstDelivery', () => {
  it('marks a first delivery on a copy: another group of the topic, retrying the same message, sees no mark', async () => {
    const bus = new InProcessBus();
    buses.push(bus);
    const topic = uniquePrefix('ip-first');
    const seen: Array<{ group: string; first: boolean }> = [];
    let failedOnce = false;
    await bus.subscribe({ topic, group: 'a', maxInFlight: 1, handle: async (m) => { seen.push({ group: 'a', first: m.firstDelivery === true }); } });
    await bus.subscribe({ topic, group: 'b', maxInFlight: 1, handle: async (m) => {
      seen.push({ group: 'b', first: m.firstDelivery === true });
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('deliberate failure: redelivered');
      }
    } });
    await bus.publish(topic, [{ value: Buffer.from('{}') }]);
    await waitFor('the retry in group b', () => seen.filter((s) => s.group === 'b').length === 2, { timeoutMs: 5_000 });
    expect(seen.filter((s) => s.group === 'a')).toEqual([{ group: 'a', first: true }]);
    expect(seen.filter((s) => s.group === 'b').map((s) => s.first)).toEqual([true, false]);
  });
});
