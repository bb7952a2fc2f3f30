// The fixture of the built-in modules' tests: one isolate pool (isolation off, strict lifecycle)
// per test file, a `run` that runs code as an action in it, and `inNode`, the same case body run
// by this test process's own Node.js — the known answer photon's must equal.
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import type { LayerSnapshotMode } from '../../../invoker/pool/layer-choice.js';
import type { ActivationOutcome } from '../../../invoker/pool/activation-outcome.js';
import { activation, fakeNamespaceCache, makeAction } from '../invoker/fixtures.js';

export type RunAction = (code: string, params?: Record<string, unknown>, options?: Parameters<typeof makeAction>[1]) => Promise<ActivationOutcome>;

/**
 * Starts a pool before the file's tests and closes it after them; returns what runs actions in it.
 * `layerSnapshot`: which isolates start from the built-in layer's startup snapshot (default 'auto': those of actions that use the layer).
 */
export function useBuiltinPool(options: { layerSnapshot?: LayerSnapshotMode } = {}): RunAction {
  let pool: IsolatePool | undefined;
  beforeAll(async () => {
    pool = new IsolatePool({ namespaces: fakeNamespaceCache(), userMemoryMb: 8192, strictLifecycle: true, ...options });
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
  });
  return (code, params = {}, options = {}) => {
    if (!pool) throw new Error('the pool starts in beforeAll: run actions inside tests');
    const action = makeAction(code, options);
    return pool.run(action, params, activation(action));
  };
}

const hostRequire = createRequire(import.meta.url);
const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => (req: NodeJS.Require, params: unknown) => Promise<unknown>;

/** A case body (`require` and `params` in scope) run by this process's Node: the known answer. */
export function inNode(body: string, params: unknown = {}): Promise<unknown> {
  return new AsyncFunction('require', 'params', body)(hostRequire, params);
}
