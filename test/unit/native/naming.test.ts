import { describe, expect, it } from 'vitest';
import {
  addressesOf,
  defaultIdBase,
  hostVethName,
  idRangeAddresses,
  invokerTag,
  namespaceName,
  parseHostVethName,
  parseNamespaceName,
  peerVethName,
  RESERVED_ID_BASE,
} from '../../../native/naming.js';

describe('addresses', () => {
  it('maps id to 10.X.Y.1 / 10.X.Y.2 with X = id >> 8, Y = id & 255', () => {
    expect(addressesOf(0)).toEqual({ hostAddress: '10.0.0.1', functionAddress: '10.0.0.2' });
    expect(addressesOf(1)).toEqual({ hostAddress: '10.0.1.1', functionAddress: '10.0.1.2' });
    expect(addressesOf(256)).toEqual({ hostAddress: '10.1.0.1', functionAddress: '10.1.0.2' });
    expect(addressesOf(0x1234)).toEqual({ hostAddress: '10.18.52.1', functionAddress: '10.18.52.2' });
    expect(addressesOf(65535)).toEqual({ hostAddress: '10.255.255.1', functionAddress: '10.255.255.2' });
  });
  it('rejects ids outside 16 bits', () => {
    expect(() => addressesOf(65536)).toThrow(RangeError);
    expect(() => addressesOf(-1)).toThrow(RangeError);
    expect(() => addressesOf(1.5)).toThrow(RangeError);
  });
  it('never gives two ids the same /24', () => {
    const seen = new Set<string>();
    for (let id = 0; id <= 65535; id++) seen.add(addressesOf(id).hostAddress);
    expect(seen.size).toBe(65536);
  });
  it('spans an id block as one address range', () => {
    expect(idRangeAddresses(1024, 1024)).toBe('10.4.0.0-10.7.255.255');
    expect(idRangeAddresses(60000, 64)).toBe('10.234.96.0-10.234.159.255');
  });
});

describe('names', () => {
  it('keeps short ids readable and hashes long ones to at most 6 characters', () => {
    expect(invokerTag('inv0')).toBe('inv0');
    const long = invokerTag('invoker-17.example');
    expect(long).toMatch(/^in[0-9a-z]{4}$/);
    expect(invokerTag('invoker-18.example')).not.toBe(long);
    expect(invokerTag('Inv0')).not.toBe('Inv0');
  });
  it('fits interface names in IFNAMSIZ and carries the tag', () => {
    for (const tag of ['a', 'tn', 'abcdef', invokerTag('a very long invoker id')]) {
      for (const id of [0, 1, 4097, 65535]) {
        expect(hostVethName(tag, id).length).toBeLessThanOrEqual(15);
        expect(peerVethName(tag, id).length).toBeLessThanOrEqual(15);
        expect(hostVethName(tag, id)).toContain(tag);
        expect(namespaceName(tag, id)).toBe(`photon-${tag}-${id}`);
      }
    }
  });
  it('parses back only its own names', () => {
    expect(parseNamespaceName('tn', 'photon-tn-42')).toBe(42);
    expect(parseNamespaceName('tn', 'photon-tn1-42')).toBeUndefined();
    expect(parseNamespaceName('tn', 'photon-tn-042')).toBeUndefined();
    expect(parseNamespaceName('tn', 'photon-tn-99999')).toBeUndefined();
    expect(parseHostVethName('tn', hostVethName('tn', 4097))).toBe(4097);
    expect(parseHostVethName('tn', hostVethName('tnf', 1))).toBeUndefined();
    expect(parseHostVethName('tn', peerVethName('tn', 1))).toBeUndefined();
    expect(parseHostVethName('t', hostVethName('tn', 1))).toBeUndefined();
  });
  it('derives a default id block inside 10.4.0.0 .. 10.247.255.255, never the reserved top', () => {
    const bases = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const base = defaultIdBase(invokerTag(`invoker-${i}`));
      bases.add(base);
      expect(base % 1024).toBe(0);
      expect(base).toBeGreaterThanOrEqual(1024);
      expect(base + 1024).toBeLessThanOrEqual(RESERVED_ID_BASE);
    }
    expect(bases.size).toBe(RESERVED_ID_BASE / 1024 - 1); // every usable block gets used
    expect(addressesOf(RESERVED_ID_BASE).hostAddress).toBe('10.248.0.1');
  });
});
