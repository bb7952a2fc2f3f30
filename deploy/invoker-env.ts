// The invoker's settings from PHOTON_* environment variables, with a clear error for bad values.
import { hostname } from 'node:os';
import type { InvokerOptions } from '../invoker/start-invoker.js';
import { parseNetworkIsolation } from '../shared/config/network-isolation.js';

export type InvokerSettings = Pick<InvokerOptions, 'invokerId' | 'isolation' | 'userMemoryMb' | 'namespaceFloor' | 'namespaceCeiling' | 'nat' | 'namespaceIdBase' | 'namespaceIdCount' | 'namespacePerActivation' | 'sandbox' | 'sandboxes' | 'apiHost'>;

/** Where functions find the controller's API when PHOTON_API_HOST_FOR_ACTIONS is not set: a controller on this host, on its default port. */
export const DEFAULT_API_HOST_FOR_ACTIONS = 'http://127.0.0.1:3233';

export function invokerEnv(env: NodeJS.ProcessEnv): InvokerSettings {
  const num = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
    return n;
  };
  const flag = (name: string): boolean | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw === 'on' || raw === 'true' || raw === '1') return true;
    if (raw === 'off' || raw === 'false' || raw === '0') return false;
    throw new Error(`${name} must be on or off, got '${raw}'`);
  };
  const isolation = parseNetworkIsolation(env.PHOTON_NETWORK_ISOLATION);
  const out: InvokerSettings = { invokerId: env.PHOTON_INVOKER_ID || `invoker-${hostname()}` };
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(out.invokerId)) throw new Error(`PHOTON_INVOKER_ID must be 1-64 of [A-Za-z0-9_.-], got '${out.invokerId}'`);
  if (isolation !== undefined) out.isolation = isolation;
  const userMemoryMb = num('PHOTON_USER_MEMORY_MB');
  if (userMemoryMb !== undefined) out.userMemoryMb = userMemoryMb;
  const floor = num('PHOTON_NETNS_FLOOR');
  if (floor !== undefined) out.namespaceFloor = floor;
  const ceiling = num('PHOTON_NETNS_CEILING');
  if (ceiling !== undefined) out.namespaceCeiling = ceiling;
  const idBase = num('PHOTON_NETNS_ID_BASE');
  if (idBase !== undefined) out.namespaceIdBase = idBase;
  const idCount = num('PHOTON_NETNS_ID_COUNT');
  if (idCount !== undefined) out.namespaceIdCount = idCount;
  if (flag('PHOTON_NETNS_PER_ACTIVATION')) out.namespacePerActivation = true;
  // Sandbox processes are the entry points' default (issue 13): an invoker whose isolates run in
  // processes it can kill cannot be wedged by a tenant. `inline` stays selectable.
  const sandbox = env.PHOTON_SANDBOX || 'process';
  if (sandbox !== 'inline' && sandbox !== 'process') throw new Error(`PHOTON_SANDBOX must be inline or process, got '${sandbox}'`);
  out.sandbox = sandbox;
  const sandboxes = num('PHOTON_SANDBOXES');
  if (sandboxes !== undefined) out.sandboxes = Math.max(1, sandboxes);
  // Standalone passes its own controller's URL instead (deploy/standalone.ts): only the cluster's
  // entry point applies the default.
  if (env.PHOTON_API_HOST_FOR_ACTIONS) out.apiHost = env.PHOTON_API_HOST_FOR_ACTIONS;
  const nat = flag('PHOTON_NETNS_NAT');
  if (nat !== undefined) out.nat = nat;
  return out;
}
