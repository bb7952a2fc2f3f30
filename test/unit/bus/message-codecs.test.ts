// The one encoder and validating decoder per bus message: what one side encodes the other decodes
// unchanged, and hostile bytes (not JSON, wrong shapes, an unknown version) are a reason, never a throw.
import { describe, expect, it } from 'vitest';
import { decodeActivationMessage, encodeActivationMessage, type ActivationMessage } from '../../../shared/model/activation-message.js';
import { decodeCompletionMessage, encodeCompletionMessage, type CompletionMessage } from '../../../shared/model/completion-message.js';
import { decodeHeartbeat, encodeHeartbeat, type InvokerHeartbeat } from '../../../shared/model/invoker-health.js';

const activation: ActivationMessage = {
  v: 1, activationId: 'a'.repeat(32), action: { namespace: 'guest', name: 'hello', version: '0.0.1' }, revision: 'r', namespace: 'guest',
  subject: 's', params: { x: [1] }, blocking: true, controller: 'c0', acceptedAt: 5, cause: 'b'.repeat(32), traceContext: { traceparent: 'tp' },
};
const completion: CompletionMessage = {
  v: 1, activationId: 'a'.repeat(32), invoker: 'i0', systemError: false,
  record: { namespace: 'guest', name: 'hello', version: '0.0.1', subject: 's', activationId: 'a'.repeat(32), start: 1, end: 2, duration: 1, response: { status: 'success', statusCode: 0, success: true, result: {} }, logs: [], annotations: [], publish: false },
};
const heartbeat: InvokerHeartbeat = { v: 1, invoker: 'i0', userMemory: 1024, busyMemory: 0, freeNamespaces: 3, at: 7, accepting: true };
const j = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('bus message codecs', () => {
  it('for a bus that hands the Buffer over (the standalone\'s), carry the object and no bytes', () => {
    const mine = structuredClone(activation);
    const value = encodeActivationMessage(mine, true);
    expect(value.length).toBe(0);
    const decoded = decodeActivationMessage(value);
    expect(decoded.ok && decoded.value).toBe(mine);
    const done = structuredClone(completion);
    const inline = encodeCompletionMessage(done, { text: JSON.stringify(done.record) }, true);
    expect(inline.length).toBe(0);
    const got = decodeCompletionMessage(inline);
    expect(got.ok && got.value).toBe(done);
    // Bytes copied anywhere (a real bus) lose the object: an empty message is no message.
    expect(decodeActivationMessage(Buffer.from(value)).ok).toBe(false);
  });

  it('round-trip every message', () => {
    expect(decodeActivationMessage(encodeActivationMessage(activation))).toEqual({ ok: true, value: activation });
    expect(decodeCompletionMessage(encodeCompletionMessage(completion))).toEqual({ ok: true, value: completion });
    expect(decodeHeartbeat(encodeHeartbeat(heartbeat))).toEqual({ ok: true, value: heartbeat });
  });

  it('hand the encoder\'s object to a consumer of the very same bytes (the in-process bus), frozen under the test runner, and parse any other bytes', () => {
    const mine = structuredClone(activation);
    const bytes = encodeActivationMessage(mine);
    const handed = decodeActivationMessage(bytes);
    expect(handed.ok && handed.value).toBe(mine);
    // Ownership passed with the message: under the tests a change on either side throws.
    expect(Object.isFrozen(mine.params) && Object.isFrozen(mine.action)).toBe(true);
    const copied = decodeActivationMessage(Buffer.from(bytes));
    expect(copied.ok && copied.value).not.toBe(mine);
    expect(copied).toEqual({ ok: true, value: activation });
    const done = structuredClone(completion);
    for (const bytes of [encodeCompletionMessage(done), encodeCompletionMessage(done, { text: JSON.stringify(done.record) })]) {
      const c = decodeCompletionMessage(bytes);
      expect(c.ok && c.value).toBe(done);
      expect(decodeCompletionMessage(Buffer.from(bytes))).toEqual({ ok: true, value: completion });
    }
    expect(Object.isFrozen(done.record!.response)).toBe(true);
    // Bytes of another version are never taken for this process's own message.
    expect(decodeActivationMessage(encodeActivationMessage({ ...structuredClone(activation), v: 2 as 1 })).ok).toBe(false);
  });

  it('encode a completion with the record\'s JSON made beforehand to the very bytes of a whole stringify', () => {
    const spliced = encodeCompletionMessage(completion, { text: JSON.stringify(completion.record) });
    expect(spliced.toString()).toBe(encodeCompletionMessage(completion).toString());
    // Every field survives the splice, slotReleased too (it was dropped once: every controller then released the slot again, a wasted Redis command).
    const { record, ...head } = completion;
    const released = { ...head, slotReleased: true as const, record };
    expect(encodeCompletionMessage(released, { text: JSON.stringify(record) }).toString()).toBe(JSON.stringify(released));
    const idOnly = { ...completion, record: undefined };
    expect(encodeCompletionMessage(idOnly, { text: JSON.stringify(completion.record) }).toString()).toBe(JSON.stringify(idOnly));
  });

  it('carry an activation-scoped key compatibly: with it and without it, version 1 either way', () => {
    const keyed = { ...activation, apiKey: '8f0c2b9e-0d6a-4c1e-9d2b-0a1b2c3d4e5f:abcDEF123' };
    expect(decodeActivationMessage(encodeActivationMessage(keyed))).toEqual({ ok: true, value: keyed });
    expect(JSON.parse(encodeActivationMessage(activation).toString())).not.toHaveProperty('apiKey');
  });

  it('refuse an unknown version with a reason that says so', () => {
    for (const [decode, m] of [[decodeActivationMessage, activation], [decodeCompletionMessage, completion], [decodeHeartbeat, heartbeat]] as const) {
      const d = decode(j({ ...m, v: 2 }));
      expect(d.ok).toBe(false);
      expect(!d.ok && d.reason).toContain('unknown version 2');
    }
  });

  it('refuse hostile bytes and shapes without throwing', () => {
    const bad: Buffer[] = [Buffer.from('{'), Buffer.from('null'), j([1]), j('x'), Buffer.from([0xff, 0xfe])];
    for (const b of bad) {
      expect(decodeActivationMessage(b).ok).toBe(false);
      expect(decodeCompletionMessage(b).ok).toBe(false);
      expect(decodeHeartbeat(b).ok).toBe(false);
    }
    expect(decodeActivationMessage(j({ ...activation, params: null })).ok).toBe(false);
    expect(decodeActivationMessage(j({ ...activation, action: { namespace: 'guest' } })).ok).toBe(false);
    expect(decodeActivationMessage(j({ ...activation, acceptedAt: 'now' })).ok).toBe(false);
    expect(decodeActivationMessage(j({ ...activation, traceContext: { traceparent: 1 } })).ok).toBe(false);
    expect(decodeActivationMessage(j({ ...activation, apiKey: 7 })).ok).toBe(false);
    expect(decodeActivationMessage(j({ ...activation, apiKey: 'no-colon' })).ok).toBe(false);
    expect(decodeActivationMessage(j({ ...activation, apiKey: 'u:k with space' })).ok).toBe(false);
    expect(decodeCompletionMessage(j({ ...completion, systemError: 'no' })).ok).toBe(false);
    // slotReleased is a promise the controller acts on (it skips its release): only `true` says it.
    expect(decodeCompletionMessage(j({ ...completion, slotReleased: 'yes' })).ok).toBe(false);
    expect(decodeCompletionMessage(j({ ...completion, slotReleased: true })).ok).toBe(true);
    expect(decodeCompletionMessage(j({ ...completion, record: { ...completion.record, activationId: 'other' } })).ok).toBe(false);
    expect(decodeHeartbeat(j({ ...heartbeat, userMemory: null })).ok).toBe(false);
    expect(decodeHeartbeat(j({ ...heartbeat, at: Number.NaN })).ok).toBe(false);
  });
});
