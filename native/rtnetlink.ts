// A minimal rtnetlink client: just the messages the namespace manager sends (veth pairs, link
// up/down, IPv4 addresses, routes, link deletion). Messages are built in Buffers and sent on a
// blocking NETLINK_ROUTE socket; the kernel handles rtnetlink requests inside send(2), so each
// batch costs one send and one recv per acknowledgement, with no `ip` process anywhere.
import {
  AF_INET,
  AF_NETLINK,
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_ROUTE,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_NETLINK,
  close,
  errnoName,
  ipv4Bytes,
  recv,
  send,
  setsockoptInt,
  socket,
} from './libc.js';

const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const NLM_F_ACK_TLVS = 0x200;
const NLMSGERR_ATTR_MSG = 1;

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;

const IFLA_IFNAME = 3;
const IFLA_LINKINFO = 18;
const IFLA_AF_SPEC = 26;
const IFLA_NET_NS_FD = 28;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const IFLA_INET_CONF = 1;
const IPV4_DEVCONF_FORWARDING = 1;
/** linux/ip.h: IPV4_DEVCONF_ROUTE_LOCALNET. */
const IPV4_DEVCONF_ROUTE_LOCALNET = 26;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const RTA_GATEWAY = 5;
const RTA_OIF = 4;
const IFF_UP = 0x1;
const RT_TABLE_MAIN = 254;
const RTPROT_STATIC = 4;
const RTN_UNICAST = 1;

/** An rtnetlink request the kernel refused; `errno` is positive, `message` has the extack text. */
export class NetlinkError extends Error {
  constructor(
    readonly operation: string,
    readonly errno: number,
    kernelMessage: string,
  ) {
    super(`rtnetlink ${operation} failed: ${errnoName(errno)}${kernelMessage ? ` (${kernelMessage})` : ''}`);
    this.name = 'NetlinkError';
  }
  get code(): string {
    return errnoName(this.errno);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function attr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const buf = Buffer.alloc(align4(len));
  buf.writeUInt16LE(len, 0);
  buf.writeUInt16LE(type, 2);
  payload.copy(buf, 4);
  return buf;
}
const nest = (type: number, ...children: Buffer[]): Buffer => attr(type, Buffer.concat(children));
const str = (type: number, value: string): Buffer => attr(type, Buffer.from(`${value}\0`));
function u32(type: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0, 0);
  return attr(type, b);
}

function ifinfomsg(index: number, flags: number, change: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(change, 12);
  return b;
}

interface Request {
  type: number;
  flags: number;
  body: Buffer;
  operation: string;
}

/** One NETLINK_ROUTE socket; its network namespace is the one its creating thread was in. */
export class RtNetlink {
  private readonly fd: number;
  private seq = 1;
  private readonly rx = Buffer.alloc(65536);

  constructor() {
    this.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    try {
      // CAP_ACK: acks do not echo our request back (smaller reads); EXT_ACK: the kernel's own
      // explanation of a refusal ends up in the error message.
      setsockoptInt(this.fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
      setsockoptInt(this.fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
    } catch (err) {
      close(this.fd);
      throw err;
    }
  }

  close(): void {
    close(this.fd);
  }

  /**
   * A veth pair: `hostName` stays here, `peerName` is created directly inside the namespace
   * `peerNsFd` with ifindex `peerIndex` (a fresh namespace only holds lo = 1, so 2 is free and we
   * need not ask). Only the host end comes up here: veth refuses to open an end whose peer is
   * not linked yet (ENOTCONN), which is the case for the peer while the pair is being built.
   */
  static vethPair(hostName: string, peerName: string, peerNsFd: number, peerIndex: number, hostUp = true): Request {
    const peer = Buffer.concat([ifinfomsg(peerIndex, 0, 0), str(IFLA_IFNAME, peerName), u32(IFLA_NET_NS_FD, peerNsFd)]);
    const parts = [
      ifinfomsg(0, hostUp ? IFF_UP : 0, IFF_UP),
      str(IFLA_IFNAME, hostName),
      nest(IFLA_LINKINFO, str(IFLA_INFO_KIND, 'veth'), nest(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peer))),
    ];
    return { type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL, body: Buffer.concat(parts), operation: `create veth ${hostName}` };
  }

  static linkUp(index: number, up: boolean): Request {
    return { type: RTM_NEWLINK, flags: 0, body: ifinfomsg(index, up ? IFF_UP : 0, IFF_UP), operation: `set link ${index} ${up ? 'up' : 'down'}` };
  }

  /**
   * IPv4 forwarding on one interface only (the kernel refuses IFLA_AF_SPEC on creation, so it is
   * a second message in the same batch as the address, not a sysctl write).
   */
  static ipv4Forwarding(index: number, on: boolean): Request {
    const body = Buffer.concat([
      ifinfomsg(index, 0, 0),
      nest(IFLA_AF_SPEC, nest(AF_INET, nest(IFLA_INET_CONF, u32(IPV4_DEVCONF_FORWARDING, on ? 1 : 0)))),
    ]);
    return { type: RTM_NEWLINK, flags: 0, body, operation: `set forwarding on link ${index}` };
  }

  /**
   * route_localnet on one interface: packets arriving there may be routed to 127.0.0.0/8. The
   * egress policy translates functions' API address to a loopback API (egress-policy.ts), which
   * the kernel would otherwise drop as a martian; its input chain rejects every other packet.
   */
  static ipv4RouteLocalnet(index: number, on: boolean): Request {
    const body = Buffer.concat([
      ifinfomsg(index, 0, 0),
      nest(IFLA_AF_SPEC, nest(AF_INET, nest(IFLA_INET_CONF, u32(IPV4_DEVCONF_ROUTE_LOCALNET, on ? 1 : 0)))),
    ]);
    return { type: RTM_NEWLINK, flags: 0, body, operation: `set route_localnet on link ${index}` };
  }

  static deleteLinkByName(name: string): Request {
    return { type: RTM_DELLINK, flags: 0, body: Buffer.concat([ifinfomsg(0, 0, 0), str(IFLA_IFNAME, name)]), operation: `delete link ${name}` };
  }

  static ipv4Address(index: number, address: string, prefixLength: number): Request {
    const head = Buffer.alloc(8);
    head.writeUInt8(AF_INET, 0);
    head.writeUInt8(prefixLength, 1);
    head.writeUInt32LE(index, 4);
    const bytes = ipv4Bytes(address);
    return {
      type: RTM_NEWADDR,
      flags: NLM_F_CREATE | NLM_F_EXCL,
      body: Buffer.concat([head, attr(IFA_LOCAL, bytes), attr(IFA_ADDRESS, bytes)]),
      operation: `add address ${address}/${prefixLength}`,
    };
  }

  static defaultRoute(gateway: string, index: number): Request {
    const head = Buffer.alloc(12);
    head.writeUInt8(AF_INET, 0);
    head.writeUInt8(RT_TABLE_MAIN, 4);
    head.writeUInt8(RTPROT_STATIC, 5);
    head.writeUInt8(0, 6); // RT_SCOPE_UNIVERSE
    head.writeUInt8(RTN_UNICAST, 7);
    return {
      type: RTM_NEWROUTE,
      flags: NLM_F_CREATE | NLM_F_EXCL,
      body: Buffer.concat([head, attr(RTA_GATEWAY, ipv4Bytes(gateway)), u32(RTA_OIF, index)]),
      operation: `add default route via ${gateway}`,
    };
  }

  /**
   * Sends all requests in one send(2) and waits for every acknowledgement. The kernel goes on
   * after a failed message, so every ack is read; the first failure is thrown, and
   * `tolerate` lists errno values that count as success (e.g. ENODEV when deleting).
   */
  run(requests: Request[], tolerate: readonly number[] = []): void {
    if (requests.length === 0) return;
    const firstSeq = this.seq;
    const frames = requests.map((r) => {
      const header = Buffer.alloc(16);
      header.writeUInt32LE(16 + r.body.length, 0);
      header.writeUInt16LE(r.type, 4);
      header.writeUInt16LE(r.flags | NLM_F_REQUEST | NLM_F_ACK, 6);
      header.writeUInt32LE(this.seq++, 8);
      return Buffer.concat([header, r.body]);
    });
    if (this.seq > 0x7fffffff) this.seq = 1;
    send(this.fd, frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    let pending = requests.length;
    let failure: NetlinkError | undefined;
    while (pending > 0) {
      const n = recv(this.fd, this.rx);
      for (let off = 0; off + 16 <= n; ) {
        const len = this.rx.readUInt32LE(off);
        const type = this.rx.readUInt16LE(off + 4);
        const seq = this.rx.readUInt32LE(off + 8);
        const index = seq - firstSeq;
        if (index >= 0 && index < requests.length && (type === NLMSG_ERROR || type === NLMSG_DONE)) {
          pending--;
          const errno = type === NLMSG_ERROR ? -this.rx.readInt32LE(off + 16) : 0;
          if (errno !== 0 && !tolerate.includes(errno) && !failure) {
            failure = new NetlinkError(requests[index]!.operation, errno, this.extackMessage(off, len));
          }
        }
        if (len < 16) break;
        off += align4(len);
      }
    }
    if (failure) throw failure;
  }

  private extackMessage(off: number, len: number): string {
    const flags = this.rx.readUInt16LE(off + 6);
    if (!(flags & NLM_F_ACK_TLVS)) return '';
    // With CAP_ACK the error payload is errno + the request's 16-byte header, then the TLVs.
    for (let p = off + 16 + 4 + 16; p + 4 <= off + len; ) {
      const alen = this.rx.readUInt16LE(p);
      const atype = this.rx.readUInt16LE(p + 2);
      if (alen < 4) break;
      if (atype === NLMSGERR_ATTR_MSG) return this.rx.toString('utf8', p + 4, p + alen).replace(/\0.*$/s, '');
      p += align4(alen);
    }
    return '';
  }
}
