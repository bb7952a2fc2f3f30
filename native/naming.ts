// Names and addresses of an invoker's namespaces. Pure functions: everything that must be
// derivable again after a crash (reclamation) is a function of the invoker id and the address id.

/** Interface names must fit IFNAMSIZ (16 with the NUL): `ph-<tag>-h<4 hex>` is at most 15. */
export const MAX_TAG_LENGTH = 6;
/** Address ids are 16 bits: 10.X.Y.0/24 with X = id >> 8, Y = id & 255. */
export const MAX_ID = 0xffff;
export const DEFAULT_ID_COUNT = 1024;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A short, interface-name-safe tag for an invoker id. Short lowercase alphanumeric ids are used
 * as they are (readable in `ip link`); anything else becomes two readable characters plus a
 * 4-character hash, so distinct long ids still get distinct tags with high probability.
 */
export function invokerTag(invokerId: string): string {
  if (/^[a-z0-9]{1,6}$/.test(invokerId)) return invokerId;
  const readable = invokerId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 2);
  const hash = (fnv1a(invokerId) % 36 ** 4).toString(36).padStart(4, '0');
  return `${readable}${hash}`;
}

export interface AddressPair {
  hostAddress: string;
  functionAddress: string;
}

export function addressesOf(id: number): AddressPair {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new RangeError(`address id out of range: ${id}`);
  const prefix = `10.${id >> 8}.${id & 255}`;
  return { hostAddress: `${prefix}.1`, functionAddress: `${prefix}.2` };
}

export function namespaceName(tag: string, id: number): string {
  return `photon-${tag}-${id}`;
}
export function hostVethName(tag: string, id: number): string {
  return `ph-${tag}-h${id.toString(16).padStart(4, '0')}`;
}
export function peerVethName(tag: string, id: number): string {
  return `ph-${tag}-f${id.toString(16).padStart(4, '0')}`;
}
/** nftables table of one invoker (identifiers may not contain '-'). */
export function nftTableName(tag: string): string {
  return `photon_${tag}`;
}
/** nftables wildcard that matches the host end of every veth of this invoker, and nothing else. */
export function hostVethPattern(tag: string): string {
  return `ph-${tag}-h*`;
}

/** The id a namespace name of this invoker carries, or undefined for anyone else's name. */
export function parseNamespaceName(tag: string, name: string): number | undefined {
  const prefix = `photon-${tag}-`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  if (!/^(0|[1-9][0-9]{0,4})$/.test(rest)) return undefined;
  const id = Number(rest);
  return id <= MAX_ID ? id : undefined;
}

/** The id a host-side veth name of this invoker carries, or undefined. */
export function parseHostVethName(tag: string, name: string): number | undefined {
  const prefix = `ph-${tag}-h`;
  if (!name.startsWith(prefix) || name.length !== prefix.length + 4) return undefined;
  const hex = name.slice(prefix.length);
  return /^[0-9a-f]{4}$/.test(hex) ? parseInt(hex, 16) : undefined;
}

/**
 * Each invoker owns a block of address ids so that invokers on one host never share a /24.
 * The default block is chosen by hashing the tag among the blocks of 10.4.0.0 .. 10.247.255.255;
 * block 0 (10.0/14, common on LANs) and ids from RESERVED_ID_BASE up (10.248/13) are never
 * chosen by default, the latter being left for explicit `idBase` values (tests, benchmarks).
 * start() refuses to run when another owner's address already sits in its block.
 */
export const RESERVED_ID_BASE = 0xf800;
export function defaultIdBase(tag: string, idCount = DEFAULT_ID_COUNT): number {
  const usable = Math.max(1, Math.floor(RESERVED_ID_BASE / idCount) - 1);
  return (1 + (fnv1a(tag) % usable)) * idCount;
}

/** "10.a.b.c-10.d.e.f": the IPv4 range spanned by the /24s of ids [base, base + count). */
export function idRangeAddresses(idBase: number, idCount: number): string {
  const first = addressesOf(idBase).hostAddress.replace(/\.1$/, '.0');
  const last = addressesOf(idBase + idCount - 1).hostAddress.replace(/\.1$/, '.255');
  return `${first}-${last}`;
}
