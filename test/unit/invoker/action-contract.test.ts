// The action contract on real isolates with the unit-test namespace fake (no network needed).
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import { describeActionContract } from './action-contract-cases.js';
import { fakeNamespaceCache } from './fixtures.js';

describeActionContract(
  'fake namespaces',
  async () => {
    const pool = new IsolatePool({ namespaces: fakeNamespaceCache(), prewarm: { count: 1, memoryMb: 128 }, userMemoryMb: 4096, strictLifecycle: true });
    await pool.start();
    return pool;
  },
  (pool) => pool.close(),
);
