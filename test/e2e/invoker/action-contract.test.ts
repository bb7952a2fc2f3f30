// Every action-contract case and limit on real isolates bound to real network namespaces (root).
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import type { NamespaceCache } from '../../../native/index.js';
import { createNamespaceCache } from '../../../native/index.js';
import { describeActionContract } from '../../unit/invoker/action-contract-cases.js';

let cache: NamespaceCache;

describeActionContract(
  'real namespaces',
  async () => {
    cache = createNamespaceCache({ invokerId: 'tic', idBase: 61440, idCount: 64, floor: 4, ceiling: 48, isolation: 'on' });
    await cache.start();
    const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 1, memoryMb: 128 }, userMemoryMb: 4096, strictLifecycle: true, idPrefix: 'tic' });
    await pool.start();
    return pool;
  },
  async (pool) => {
    await pool.close();
    await cache.close();
  },
);
