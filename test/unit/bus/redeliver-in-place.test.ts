import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../../../shared/bus/message-bus.js';
import { redeliverInPlace } from '../../../shared/bus/redeliver-in-place.js';

describe('redeliverInPlace', () => {
  it('hands a retry over as a possible redelivery: the failed attempt may have done part of its work', async () => {
    const seen: Array<boolean | undefined> = [];
    const message: BusMessage = { topic: 't', value: Buffer.from('x'), headers: {}, firstDelivery: true };
    const handled = await redeliverInPlace(async (m) => {
      seen.push(m.firstDelivery);
      if (seen.length < 3) throw new Error('not yet');
    }, message, 1, () => false);
    expect(handled).toBe(true);
    expect(seen).toEqual([true, undefined, undefined]);
  });
});
