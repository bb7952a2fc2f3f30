// PHOTON_SANDBOX / PHOTON_SANDBOXES, parsed once at the entry point (deploy/invoker-env.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_API_HOST_FOR_ACTIONS, invokerEnv } from '../../../deploy/invoker-env.js';

describe('invoker settings: sandbox mode', () => {
  it('defaults to process (nothing set, or empty) and takes process or inline', () => {
    expect(invokerEnv({ PHOTON_INVOKER_ID: 'i0' }).sandbox).toBe('process');
    expect(invokerEnv({ PHOTON_INVOKER_ID: 'i0', PHOTON_SANDBOX: '' }).sandbox).toBe('process');
    expect(invokerEnv({ PHOTON_INVOKER_ID: 'i0', PHOTON_SANDBOX: 'process', PHOTON_SANDBOXES: '3' })).toMatchObject({ sandbox: 'process', sandboxes: 3 });
    expect(invokerEnv({ PHOTON_INVOKER_ID: 'i0', PHOTON_SANDBOX: 'inline' }).sandbox).toBe('inline');
  });

  it('refuses anything else', () => {
    expect(() => invokerEnv({ PHOTON_INVOKER_ID: 'i0', PHOTON_SANDBOX: 'yes' })).toThrow(/PHOTON_SANDBOX must be inline or process/);
  });
});

describe('invoker settings: the API host for actions', () => {
  it('takes PHOTON_API_HOST_FOR_ACTIONS, and leaves the default to the cluster entry point', () => {
    expect(invokerEnv({ PHOTON_INVOKER_ID: 'i0' }).apiHost).toBeUndefined();
    expect(invokerEnv({ PHOTON_INVOKER_ID: 'i0', PHOTON_API_HOST_FOR_ACTIONS: 'http://10.0.0.5:3233' }).apiHost).toBe('http://10.0.0.5:3233');
    expect(DEFAULT_API_HOST_FOR_ACTIONS).toBe('http://127.0.0.1:3233');
  });
});
