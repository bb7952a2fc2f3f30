// The thesis's six native operations (create, delete, enter, leave, disable, enable veths) plus
// socket creation inside a namespace, done with syscalls and rtnetlink on the calling thread.
// Everything here is synchronous on purpose: while the main thread sits in another namespace
// no other JavaScript may run, and a synchronous call is the cheapest way to guarantee that.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, unlinkSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import {
  CLONE_NEWNET,
  MNT_DETACH,
  MS_BIND,
  MS_REC,
  MS_SHARED,
  close,
  ifNameToIndex,
  mount,
  openPath,
  setns,
  socket,
  tryMount,
  umount2,
  unshare,
} from './libc.js';
import { addressesOf, hostVethName, namespaceName, parseHostVethName, parseNamespaceName, peerVethName } from './naming.js';
import { RtNetlink } from './rtnetlink.js';

export const NETNS_DIR = '/run/netns';
const { ENODEV, EINVAL, ENOENT } = osConstants.errno;
/** A fresh namespace holds only lo (ifindex 1); the veth end created into it gets the next one. */
const PEER_IFINDEX = 2;

/** A live kernel namespace: the fd keeps it reachable for setns even while its mount exists. */
export interface KernelNamespace {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly fd: number;
  readonly hostVeth: string;
  readonly hostIndex: number;
  readonly hostAddress: string;
  readonly functionAddress: string;
}

export interface CreateOptions {
  /** IPv4 forwarding on the host end (needed for link() and NAT; nftables holds the policy). */
  forwarding: boolean;
  /** Host end up at creation (default); false creates it already disabled. */
  hostUp?: boolean;
}

export class NamespaceKernel {
  private readonly originalFd: number;
  private readonly nl: RtNetlink;
  private currentFd: number;
  private closed = false;

  constructor() {
    ensureNetnsDir();
    this.originalFd = openPath('/proc/thread-self/ns/net');
    this.currentFd = this.originalFd;
    this.nl = new RtNetlink();
  }

  /** netns + veth pair, both ends up and addressed, lo up, default route via the host end. */
  create(tag: string, id: number, options: CreateOptions): KernelNamespace {
    const name = namespaceName(tag, id);
    const path = `${NETNS_DIR}/${name}`;
    const hostVeth = hostVethName(tag, id);
    const { hostAddress, functionAddress } = addressesOf(id);
    // The file is the mount point `ip netns add` would create; 'wx' fails if a stale one is there.
    closeSync(openSync(path, 'wx', 0o444));
    let fd = -1;
    let mounted = false;
    let inner: RtNetlink | undefined;
    let vethCreated = false;
    try {
      unshare(CLONE_NEWNET);
      try {
        mount('/proc/thread-self/ns/net', path, 'none', MS_BIND);
        mounted = true;
        fd = openPath('/proc/thread-self/ns/net');
        // A netlink socket belongs to the namespace it was opened in, so this one configures
        // the new namespace later from the host side without entering it again.
        inner = new RtNetlink();
      } finally {
        setns(this.currentFd, CLONE_NEWNET);
      }
      this.nl.run([RtNetlink.vethPair(hostVeth, peerVethName(tag, id), fd, PEER_IFINDEX, options.hostUp ?? true)]);
      vethCreated = true;
      const hostIndex = ifNameToIndex(hostVeth);
      const hostSide = [RtNetlink.ipv4Address(hostIndex, hostAddress, 24)];
      if (options.forwarding) hostSide.push(RtNetlink.ipv4Forwarding(hostIndex, true));
      // Same batch, no extra round trip: lets the egress policy hand functions a loopback API.
      hostSide.push(RtNetlink.ipv4RouteLocalnet(hostIndex, true));
      this.nl.run(hostSide);
      inner.run([
        RtNetlink.linkUp(1, true),
        RtNetlink.linkUp(PEER_IFINDEX, true),
        RtNetlink.ipv4Address(PEER_IFINDEX, functionAddress, 24),
        RtNetlink.defaultRoute(hostAddress, PEER_IFINDEX),
      ]);
      return { id, name, path, fd, hostVeth, hostIndex, hostAddress, functionAddress };
    } catch (err) {
      if (vethCreated) this.deleteLink(hostVeth);
      if (fd >= 0) close(fd);
      if (mounted) umount2(path, MNT_DETACH);
      unlinkQuiet(path);
      throw err;
    } finally {
      inner?.close();
    }
  }

  /** Deletes the veth pair (synchronously, so its name is free again) and the namespace. */
  delete(ns: KernelNamespace): void {
    this.deleteLink(ns.hostVeth);
    close(ns.fd);
    umount2(ns.path, MNT_DETACH);
    unlinkQuiet(ns.path);
  }

  /** Moves the calling thread into `ns`. Pair with leave(); prefer within(). */
  enter(ns: KernelNamespace): void {
    setns(ns.fd, CLONE_NEWNET);
    this.currentFd = ns.fd;
  }

  /** Returns the calling thread to the namespace it was in when this manager was made. */
  leave(): void {
    setns(this.originalFd, CLONE_NEWNET);
    this.currentFd = this.originalFd;
  }

  /** Runs a synchronous `fn` inside `ns` and always returns the thread to where it was. */
  within<T>(ns: KernelNamespace, fn: () => T): T {
    const previous = this.currentFd;
    setns(ns.fd, CLONE_NEWNET);
    this.currentFd = ns.fd;
    try {
      return fn();
    } finally {
      // If this fails the thread would stay in the function's namespace: nothing may go on.
      try {
        setns(previous, CLONE_NEWNET);
      } catch (err) {
        process.stderr.write(`photon native: cannot return the thread to its namespace: ${String(err)}\n`);
        process.abort();
      }
      this.currentFd = previous;
    }
  }

  /** socket(2) inside `ns`: the socket keeps that namespace for its whole life. */
  socketIn(ns: KernelNamespace, domain: number, type: number, protocol = 0): number {
    return this.within(ns, () => socket(domain, type, protocol));
  }

  /**
   * The thesis's disable/enable. Only the host end is toggled: the function end losing carrier
   * stops all traffic just the same, and because the function end stays administratively up its
   * address and default route survive, so enable is one message instead of three.
   */
  setLinkUp(ns: KernelNamespace, up: boolean): void {
    this.nl.run([RtNetlink.linkUp(ns.hostIndex, up)]);
  }

  /**
   * Unmounts and forgets a namespace without waiting: once no fd, socket or mount refers to it the
   * kernel destroys it in the background, and its veth pair with it. ~100 µs instead of the tens
   * of ms a synchronous veth deletion spends waiting for RCU, so the event loop never stalls.
   */
  detach(ns: KernelNamespace): void {
    close(ns.fd);
    umount2(ns.path, MNT_DETACH);
    unlinkQuiet(ns.path);
  }

  /** Unmounts the namespaces a previous run of this invoker left under /run/netns. */
  detachStale(tag: string): string[] {
    const stale = safeReaddir(NETNS_DIR).filter((entry) => parseNamespaceName(tag, entry) !== undefined);
    for (const entry of stale) {
      umount2(`${NETNS_DIR}/${entry}`, MNT_DETACH);
      unlinkQuiet(`${NETNS_DIR}/${entry}`);
    }
    return stale;
  }

  /** Host ends of this invoker's veths that still exist (lingering or orphaned). */
  hostVeths(tag: string): string[] {
    return safeReaddir('/sys/class/net').filter((link) => parseHostVethName(tag, link) !== undefined);
  }

  hostVethExists(name: string): boolean {
    return existsSync(`/sys/class/net/${name}`);
  }

  /** Synchronous veth deletion (both ends); a missing link is not an error. */
  deleteLink(name: string): void {
    this.nl.run([RtNetlink.deleteLinkByName(name)], [ENODEV]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.nl.close();
    close(this.originalFd);
  }
}

/**
 * /run/netns must be a shared mount, as `ip netns add` makes it, so namespaces mounted here are
 * visible to `ip netns exec` and to other mount namespaces; the same steps keep us compatible.
 */
function ensureNetnsDir(): void {
  mkdirSync(NETNS_DIR, { recursive: true, mode: 0o755 });
  const errno = tryMount('', NETNS_DIR, 'none', MS_SHARED | MS_REC);
  if (errno === EINVAL) {
    mount(NETNS_DIR, NETNS_DIR, 'none', MS_BIND | MS_REC);
    mount('', NETNS_DIR, 'none', MS_SHARED | MS_REC);
  } else if (errno !== 0) {
    mount('', NETNS_DIR, 'none', MS_SHARED | MS_REC); // throws with the errno's name
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).errno === -ENOENT || (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
