// The pooled id generator: ids of the right shape, never a byte handed out twice (10,000 ids across
// many pool refills are all distinct), and a request larger than the pool refused.
import { describe, expect, it } from 'vitest';
import { randomHex } from '../../../shared/ids/random-hex.js';
import { newActivationId, ACTIVATION_ID } from '../../../controller/activation-json.js';

describe('randomHex', () => {
  it('answers distinct lowercase hex ids of the asked length across pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = newActivationId();
      expect(id).toMatch(ACTIVATION_ID);
      ids.add(id);
    }
    expect(ids.size).toBe(10_000);
    expect(randomHex(3)).toMatch(/^[0-9a-f]{6}$/);
  });

  it('uses every byte of the pool once: consecutive ids never overlap', () => {
    // 4096 / 16 = 256 ids per pool; an off-by-one that reused the pool's tail would repeat bytes.
    const hex = Array.from({ length: 600 }, () => randomHex(16)).join('');
    const chunks = hex.match(/.{8}/g)!;
    expect(new Set(chunks).size).toBe(chunks.length);
  });

  it('refuses more bytes than its pool holds', () => {
    expect(() => randomHex(4097)).toThrow(RangeError);
  });
});
