// Isolation needs CAP_SYS_ADMIN (unshare, setns, mount) and CAP_NET_ADMIN (veths, addresses,
// routes, nftables). Checked up front so a missing privilege is one clear error at start, not an
// EPERM from deep inside the first namespace creation.
import { readFileSync } from 'node:fs';

const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;

/** Names of the needed capabilities missing from a CapEff hex mask (as in /proc/self/status). */
export function missingCapabilities(capEffHex: string): string[] {
  const mask = BigInt(`0x${capEffHex.trim() || '0'}`);
  const missing: string[] = [];
  if (!(mask & (1n << BigInt(CAP_SYS_ADMIN)))) missing.push('CAP_SYS_ADMIN');
  if (!(mask & (1n << BigInt(CAP_NET_ADMIN)))) missing.push('CAP_NET_ADMIN');
  return missing;
}

export function effectiveCapabilities(status = readFileSync('/proc/self/status', 'utf8')): string {
  return /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
}

export function isolationUnavailableMessage(missing: readonly string[]): string {
  return (
    `photon: network isolation is on but this process lacks ${missing.join(' and ')} ` +
    '(needed to create network namespaces and veths). Run the invoker as root or with these ' +
    'capabilities, or set PHOTON_NETWORK_ISOLATION=off to run functions WITHOUT network isolation.'
  );
}
