// A supervisor that wedges its sandbox (sparse-array sort, 60 s limit) and then dies by SIGKILL:
// sandbox.test.ts checks that the sandbox does not outlive it. Isolation off: no kernel state here.
import { createNamespaceCache } from '../../../native/index.js';
import { SandboxRunner } from '../../../invoker/sandbox/sandbox-runner.js';
import { makeAction } from '../../unit/invoker/fixtures.js';
const cache = createNamespaceCache({ invokerId: process.argv[2] ?? 'orp', idBase: 1, idCount: 16, floor: 1, ceiling: 4, isolation: 'off', log: () => {} });
await cache.start();
const runner = new SandboxRunner({ invokerId: process.argv[2] ?? 'orp', namespaces: cache, count: 1, prewarm: { count: 0, memoryMb: 128 }, log: () => {} });
await runner.start();
console.log('SANDBOX', runner.pids()[0]);
const sort = makeAction('function main() { const a = []; a[2 ** 32 - 2] = 1; a.sort(); return {}; }', { limits: { timeout: 60000 } });
void runner.run({ action: sort, params: {}, activationId: 'x'.repeat(32), namespace: 'n', deadline: Date.now() + 60000 });
setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1500);
