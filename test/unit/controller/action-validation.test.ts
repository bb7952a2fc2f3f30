import { describe, expect, it } from 'vitest';
import { apiLimits, validateActionPut, validateName } from '../../../controller/action-validation.js';
import { DEFAULT_LIMITS, type Action } from '../../../shared/model/action.js';

const exec = { kind: 'nodejs:default', code: 'function main() { return {}; }' };
const err = (f: () => unknown): { status: number; message: string } => {
  try {
    f();
  } catch (e) {
    return e as { status: number; message: string };
  }
  throw new Error('expected a validation error');
};

describe('action validation', () => {
  it('accepts a minimal action and resolves nodejs kinds to nodejs:20 with default limits', () => {
    const a = validateActionPut('ns', 'hello', { exec });
    expect(a).toMatchObject({ namespace: 'ns', name: 'hello', exec: { kind: 'nodejs:20', code: exec.code }, parameters: [], annotations: [], limits: DEFAULT_LIMITS, publish: false });
    expect(validateActionPut('ns', 'h', { exec: { ...exec, kind: 'nodejs' } }).exec.kind).toBe('nodejs:20');
    expect(validateActionPut('ns', 'h', { exec: { ...exec, main: 'handler' } }).exec.main).toBe('handler');
  });

  it('converts API limits (logs in MB) and says what to fix when out of range', () => {
    const a = validateActionPut('ns', 'h', { exec, limits: { timeout: 1000, memory: 128, logs: 1, concurrency: 5 } });
    expect(a.limits).toEqual({ timeout: 1000, memory: 128, logs: 1024 * 1024, concurrency: 5 });
    expect(apiLimits(a.limits)).toEqual({ timeout: 1000, memory: 128, logs: 1, concurrency: 5 });
    const e = err(() => validateActionPut('ns', 'h', { exec, limits: { memory: 1024 } }));
    expect(e.status).toBe(400);
    expect(e.message).toContain('limits.memory');
    expect(e.message).toContain('between 128 MB and 512 MB');
    expect(err(() => validateActionPut('ns', 'h', { exec, limits: { timeout: 50 } })).message).toContain('between 100 ms and 300000 ms');
    expect(err(() => validateActionPut('ns', 'h', { exec, limits: { concurrency: 1.5 } })).message).toContain('limits.concurrency');
    expect(err(() => validateActionPut('ns', 'h', { exec, limits: { cpu: 2 } })).message).toContain('limits.cpu is not a limit');
  });

  it('refuses unknown kinds, missing exec and malformed parameters; binary is decided by the code, as OpenWhisk does', () => {
    expect(err(() => validateActionPut('ns', 'h', { exec: { kind: 'python:3', code: '' } })).message).toContain('not supported');
    // Exec.isBinaryCode: the flag is not trusted, base64 is an archive and anything else is text.
    expect(validateActionPut('ns', 'h', { exec: { ...exec, binary: true } }).exec.binary).toBe(false);
    expect(validateActionPut('ns', 'h', { exec: { kind: 'nodejs:20', code: 'UEsDBA==' } }).exec.binary).toBe(true);
    expect(err(() => validateActionPut('ns', 'h', {})).message).toContain("needs 'exec'");
    expect(err(() => validateActionPut('ns', 'h', { exec, parameters: { a: 1 } })).message).toContain('array');
    expect(err(() => validateActionPut('ns', 'h', { exec, parameters: [{ value: 1 }] })).message).toContain('parameters[0]');
  });

  it('merges an update over the existing action', () => {
    const existing: Action = { ...validateActionPut('ns', 'h', { exec, parameters: [{ key: 'a', value: 1 }], limits: { memory: 512 } }), version: '0.0.1', revision: 'r', updated: 1 };
    const u = validateActionPut('ns', 'h', { parameters: [{ key: 'b', value: 2 }], limits: { timeout: 500 } }, existing);
    expect(u.exec).toEqual(existing.exec);
    expect(u.parameters).toEqual([{ key: 'b', value: 2 }]);
    expect(u.limits).toMatchObject({ memory: 512, timeout: 500 });
  });

  it('validates entity names like OpenWhisk', () => {
    expect(validateName('hello-world_1.2@x')).toBe('hello-world_1.2@x');
    expect(() => validateName('-x')).toThrow();
    expect(() => validateName('a'.repeat(257))).toThrow();
    expect(() => validateName('')).toThrow();
  });
});
