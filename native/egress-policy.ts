// The egress policy of one invoker's namespaces, as one nftables table. Every rule matches the
// host ends of this invoker's veths by name pattern, so creating or deleting a namespace touches
// no rule at all; link() and unlink() edit one set; the table goes in at start and out at close.
// `nft` is run only from start/link/unlink/close, never on acquire/release.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { hostVethPattern, idRangeAddresses, nftTableName } from './naming.js';

/**
 * The address functions dial for the controller's API when the API listens on the host's loopback
 * (standalone, or a controller beside the invoker): 127.0.0.1 inside a namespace is the
 * namespace's own loopback, so the egress policy translates this address (and only the API's
 * port on it) to the API. Link-local, never assigned to any interface: the translation happens in
 * prerouting, before any route lookup, and only for this invoker's veths.
 */
export const FUNCTION_API_ADDRESS = '169.254.0.1';

/** Where the controller's API listens, as the host reaches it (an IPv4 address and a TCP port). */
export interface ApiTarget {
  address: string;
  port: number;
}

/** Where the API is, seen from the host: on its loopback, at one of its own addresses, or on another host. */
export type ApiPlacement = 'loopback' | 'local' | 'remote';

export interface EgressPolicyOptions {
  tag: string;
  idBase: number;
  idCount: number;
  /** Masquerade the namespaces' traffic out through `uplink`. */
  nat: boolean;
  /** The interface of the host's default route; required when nat is on. */
  uplink?: string;
}

/** One direction of a link: traffic arriving from `fromVeth` (a host end) to `toAddress`. */
export interface LinkPair {
  fromVeth: string;
  toAddress: string;
}

/**
 * The whole table as an `nft -f` script. It first makes sure the table exists and deletes it, so
 * applying it replaces whatever a previous run of the same invoker left, atomically.
 */
export function policyRuleset(o: EgressPolicyOptions): string {
  const table = `inet ${nftTableName(o.tag)}`;
  const ours = `"${hostVethPattern(o.tag)}"`;
  if (o.nat && !o.uplink) throw new Error('nat needs the uplink interface');
  const uplink = `"${o.uplink ?? ''}"`;
  const lines = [
    `table ${table}`,
    `delete table ${table}`,
    `table ${table} {`,
    '  set links {',
    '    type ifname . ipv4_addr',
    '  }',
    // A function may only send from its own address: otherwise it could borrow a linked peer's.
    '  chain prerouting {',
    '    type filter hook prerouting priority raw; policy accept;',
    `    iifname ${ours} fib saddr . iif oif missing drop`,
    '  }',
    // Anything a function sends to an address of the host itself (the host end of any veth, the
    // host's LAN address, its services on 0.0.0.0) arrives here; only replies to connections the
    // host opened get through, the rest is rejected. The host's 127.0.0.1 is not reachable at all: inside a namespace
    // 127.0.0.1 is that namespace's own loopback.
    // The one exception: the controller's API (api_in, filled by apiRules(); empty until then).
    '  chain input {',
    '    type filter hook input priority filter - 10; policy accept;',
    `    iifname ${ours} ct state established,related accept`,
    `    iifname ${ours} jump api_in`,
    `    iifname ${ours} reject with icmpx admin-prohibited`,
    '  }',
    '  chain api_in {',
    '  }',
    '  chain api_fwd {',
    '  }',
    // The API's translations: functions' FUNCTION_API_ADDRESS to a loopback API, and masquerade
    // toward an API on another host (whose replies must find their way back).
    '  chain api_dnat {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '  }',
    '  chain api_snat {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter - 10; policy accept;',
    `    iifname ${ours} oifname ${ours} iifname . ip daddr @links accept`,
    `    iifname ${ours} jump api_fwd`,
  ];
  if (o.nat) {
    lines.push(
      `    iifname ${ours} oifname ${uplink} accept`,
      `    iifname ${uplink} oifname ${ours} ct state established,related accept`,
    );
  }
  // Rejected, not dropped: a function that tries a forbidden address fails at once (EHOSTUNREACH)
  // instead of hanging in SYN retries until its activation times out. Traffic toward a function
  // that nobody asked for is dropped silently.
  lines.push(`    iifname ${ours} reject with icmpx admin-prohibited`, `    oifname ${ours} drop`, '  }');
  if (o.nat) {
    lines.push(
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      `    ip saddr ${idRangeAddresses(o.idBase, o.idCount)} oifname ${uplink} masquerade`,
      '  }',
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}

/**
 * The rules that let functions reach the controller's API and nothing else of the host: they
 * replace the api_* chains' contents in one transaction. Only TCP to the API's one address and
 * port is accepted; Redis, Kafka and every other port of the same address stay rejected.
 */
export function apiRules(o: Pick<EgressPolicyOptions, 'tag' | 'idBase' | 'idCount'>, target: ApiTarget, placement: ApiPlacement): string {
  if (!isIPv4(target.address)) throw new Error(`the API's address must be IPv4, got '${target.address}'`);
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) throw new Error(`the API's port is out of range: ${target.port}`);
  const table = `inet ${nftTableName(o.tag)}`;
  const ours = `"${hostVethPattern(o.tag)}"`;
  const to = `ip daddr ${target.address} tcp dport ${target.port}`;
  const lines = ['api_in', 'api_fwd', 'api_dnat', 'api_snat'].map((c) => `flush chain ${table} ${c}`);
  if (placement === 'loopback') {
    // Loopback is reachable only through the translation (the veths accept 127/8 as a
    // destination, route_localnet, for this and nothing else: everything else is rejected above).
    lines.push(
      `add rule ${table} api_dnat iifname ${ours} ip daddr ${FUNCTION_API_ADDRESS} tcp dport ${target.port} dnat ip to ${target.address}:${target.port}`,
      `add rule ${table} api_in ${to} ct status dnat accept`,
    );
  } else if (placement === 'local') {
    lines.push(`add rule ${table} api_in ${to} accept`);
  } else {
    lines.push(
      `add rule ${table} api_fwd ${to} accept`,
      `add rule ${table} api_snat ip saddr ${idRangeAddresses(o.idBase, o.idCount)} ${to} masquerade`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Loopback (127/8, or 0.0.0.0, which reaches the host's own sockets), one of this host's addresses, or another host. */
export function apiPlacement(address: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): ApiPlacement {
  if (address === '0.0.0.0' || address.startsWith('127.')) return 'loopback';
  const local = Object.values(interfaces).some((list) => (list ?? []).some((a) => a.address === address));
  return local ? 'local' : 'remote';
}

/** What a function dials for the API: FUNCTION_API_ADDRESS in place of a loopback address, the address itself otherwise. */
export function functionApiTarget(target: ApiTarget, placement: ApiPlacement): ApiTarget {
  return placement === 'loopback' ? { address: FUNCTION_API_ADDRESS, port: target.port } : target;
}

export function linkElements(pairs: readonly LinkPair[]): string {
  return pairs.map((p) => `"${p.fromVeth}" . ${p.toAddress}`).join(', ');
}

/** The interface of the IPv4 default route, read from /proc/net/route (no `ip` needed). */
export function defaultRouteInterface(routeTable = readFileSync('/proc/net/route', 'utf8')): string | undefined {
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === '00000000' && mask === '00000000') return iface;
  }
  return undefined;
}

export class EgressPolicy {
  private readonly table: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: EgressPolicyOptions) {
    this.table = `inet ${nftTableName(options.tag)}`;
  }

  /** Replaces any table of a previous run and, for NAT, lets the uplink forward replies back. */
  install(): void {
    nftSync(policyRuleset(this.options));
    if (this.options.nat && this.options.uplink) {
      writeFileSync(`/proc/sys/net/ipv4/conf/${this.options.uplink}/forwarding`, '1');
    }
  }

  /**
   * Lets functions reach the API at `target` (replacing any earlier target). A remote API also
   * needs forwarding on the interface its replies arrive on (`uplink`, the default route's).
   */
  async allowApi(target: ApiTarget, placement: ApiPlacement, uplink: string | undefined): Promise<void> {
    await this.serialized(apiRules(this.options, target, placement));
    if (placement === 'remote' && uplink) writeFileSync(`/proc/sys/net/ipv4/conf/${uplink}/forwarding`, '1');
  }

  async link(pairs: readonly LinkPair[]): Promise<void> {
    if (pairs.length > 0) await this.serialized(`add element ${this.table} links { ${linkElements(pairs)} }\n`);
  }

  async unlink(pairs: readonly LinkPair[]): Promise<void> {
    // Deleting an element that is not there is an error in nft; `destroy` (nft 1.0.8+) is not
    // available on bookworm, so add-then-delete keeps this idempotent in one transaction.
    if (pairs.length === 0) return;
    const elements = linkElements(pairs);
    await this.serialized(`add element ${this.table} links { ${elements} }\ndelete element ${this.table} links { ${elements} }\n`);
  }

  /**
   * One nft process at a time, in call order: a link() still running when its namespace is
   * released must not land after the unlink() that release starts.
   */
  private serialized(script: string): Promise<void> {
    const run = this.queue.then(() => nft(script));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Synchronous so that exit hooks can call it. */
  remove(): void {
    nftSync(`table ${this.table}\ndelete table ${this.table}\n`);
  }
}

/** Whether the nft binary is there at all (checked at start, to fail with a useful message). */
export function nftAvailable(): boolean {
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function nftSync(script: string): void {
  try {
    execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`nft failed: ${stderr || String(err)}`);
  }
}

function nft(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('nft', ['-f', '-'], (err, _stdout, stderr) => {
      if (err) reject(new Error(`nft failed: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin?.end(script);
  });
}
