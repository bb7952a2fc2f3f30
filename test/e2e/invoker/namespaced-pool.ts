// The setup the built-in networking tests share: a real namespace cache (isolation on, root) whose
// handed-out namespaces the test can look up by the ids outcomes report, and an inline pool on it.
import { IsolatePool } from '../../../invoker/pool/isolate-pool.js';
import { createNamespaceCache } from '../../../native/index.js';
import type { RecordingCache } from './recording-cache.js';
import { recording } from './recording-cache.js';

export async function startNamespacedPool(o: { invokerId: string; idBase: number; floor: number; ceiling: number }): Promise<{ cache: RecordingCache; pool: IsolatePool }> {
  const cache = recording(createNamespaceCache({ invokerId: o.invokerId, idBase: o.idBase, idCount: 64, floor: o.floor, ceiling: o.ceiling, isolation: 'on' }));
  await cache.start();
  const pool = new IsolatePool({ namespaces: cache, prewarm: { count: 0, memoryMb: 128 }, userMemoryMb: 4096, strictLifecycle: true, idPrefix: o.invokerId });
  await pool.start();
  return { cache, pool };
}
