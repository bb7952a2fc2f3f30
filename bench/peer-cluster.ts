// bench:peers' photon cluster column: one controller and one invoker as processes over the real
// Kafka and Redis (test/harness/process-cluster.ts, as bench:pipeline's withCluster starts them:
// a topic and key prefix of their own, nothing else on the shared services touched), hello world
// created as the guest. Its CPU is read per process: the controller, the invoker, and the
// invoker's sandbox processes apart (sandbox mode, the default).
import { ProcessCluster } from '../test/harness/process-cluster.js';
import type { Target } from './peer-load.js';
import { splitTreeCpuMs } from './process-tree.js';

export interface PeerClusterOptions {
  label: string;
  /** First address id of the invoker's namespaces, and how many it may use. */
  idBase: number;
  idCount: number;
  /** The functions' code (hello world). */
  code: string;
  env: Record<string, string>;
}

/** Starts the cluster and creates the action; resolves once the controller sees the invoker. */
export async function startPeerCluster(o: PeerClusterOptions): Promise<Target> {
  const cluster = new ProcessCluster({
    label: 'peers', invokers: 1, isolation: 'on', idBase: o.idBase, idCount: o.idCount,
    env: { PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000', PHOTON_USER_MEMORY_MB: '16384', ...o.env },
  });
  try {
    await cluster.start();
    const put = await cluster.api('PUT', 'namespaces/_/actions/hello?overwrite=true', { exec: { kind: 'nodejs:20', code: o.code } });
    if (put.status !== 200) throw new Error(`${o.label}: create hello answered ${put.status}: ${JSON.stringify(put.json)}`);
  } catch (err) {
    const logs = cluster.logs();
    await cluster.stop();
    if (err instanceof Error) err.message += `\n--- the cluster printed:\n${logs.slice(-4000)}`;
    throw err;
  }
  const controller = cluster.controllers[0]!.child.pid!;
  const invoker = [...cluster.invokers.values()][0]!.child.pid!;
  return {
    label: o.label,
    url: new URL(`${cluster.controllers[0]!.url}/api/v1/namespaces/_/actions/hello?blocking=true&result=true`),
    headers: { authorization: `Basic ${Buffer.from(cluster.apiKey).toString('base64')}` },
    cpuMs: () => {
      const c = splitTreeCpuMs(controller, /sandbox-main/);
      const i = splitTreeCpuMs(invoker, /sandbox-main/);
      // tsx's esbuild service (when a process has one) is counted with the process that runs it.
      return new Map([['controller', c.own + c.rest + c.part], ['invoker', i.own + i.rest], ['sandboxes', i.part]]);
    },
    threadPids: [['controller', controller], ['invoker', invoker]],
    stop: () => cluster.stop(),
  };
}
