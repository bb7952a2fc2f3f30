// The contract between native/ and its one user, invoker/. native/ implements it over koffi
// (setns, socket, rtnetlink); invoker/ binds every isolate to one NamespaceLease for its life.

/** A network namespace owned by this invoker, with its veth pair already up and addressed. */
export interface NetworkNamespace {
  /** Address id: host side is 10.X.Y.1, function side 10.X.Y.2, X = id >> 8, Y = id & 255. */
  readonly id: number;
  /** Name under /run/netns, carrying the owning invoker's id (e.g. `photon-<invoker>-<id>`). */
  readonly name: string;
  /** 10.X.Y.1: the host end of the veth pair. */
  readonly hostAddress: string;
  /** 10.X.Y.2: the function's own address inside the namespace. */
  readonly functionAddress: string;
}

/**
 * Opens sockets inside one namespace without moving the event loop's thread there for longer
 * than the socket(2) call. The returned fd belongs to the namespace for its whole life; the caller
 * owns it (hands it to net.Socket({fd}) / server.listen({fd}) or closes it).
 */
export interface NamespaceSockets {
  /** A new non-blocking, close-on-exec TCP socket fd (AF_INET, SOCK_STREAM) in `ns`. */
  tcpSocket(ns: NetworkNamespace): number;
  /** A TCP socket fd in `ns`, bound to host:port (SO_REUSEADDR) and listening: for server.listen({fd}). */
  tcpListen(ns: NetworkNamespace, host: string, port: number, backlog?: number): number;
  /**
   * A UDP socket fd (AF_INET, SOCK_DGRAM, non-blocking, close-on-exec) in `ns`, bound to host:port
   * (port 0: the kernel picks one): for dgram's socket.bind({ fd }). A bind error throws, nothing left open.
   */
  udpBind(ns: NetworkNamespace, host: string, port: number): number;
  /** Runs `fn` with the calling thread inside `ns`, then returns it to the original namespace. */
  within<T>(ns: NetworkNamespace, fn: () => T): T;
}

/**
 * The namespace cache (thesis Algorithm 4.3). `start()` fills it to the floor before the invoker
 * takes work; `acquire()` and `release()` are O(1) and never create a namespace on the caller's
 * path while the cache holds one; a background filler tops it up and a janitor trims idle ones
 * beyond the ceiling or older than the keep-alive. `close()` deletes every namespace it owns.
 */
export interface NamespaceCache {
  readonly isolation: 'on' | 'off';
  start(): Promise<void>;
  /** A namespace from the cache, or a newly created one when the cache is empty (slow path). */
  acquire(): Promise<NetworkNamespace>;
  /**
   * Returns a namespace to the cache, O(1). Its veths go down until it is acquired again only with
   * the `disableIdle` option: measured, that puts a netlink round trip (~40 µs, ms at p99) on every
   * acquire for no isolation gain, so it is off by default (native/README.md).
   */
  release(ns: NetworkNamespace): void;
  /**
   * Lets every function of this cache reach the controller's API at `target` (an IPv4 address and
   * port as the host reaches it; replaces an earlier target) and nothing else of the host, and
   * answers the address and port functions must dial for it: the target itself, or, for an API on
   * the host's loopback, a fixed link-local address the egress policy translates
   * (egress-policy.ts FUNCTION_API_ADDRESS). Without isolation: the target itself.
   */
  exposeApi(target: { address: string; port: number }): Promise<{ address: string; port: number }>;
  /** Allows traffic between two namespaces (both directions), the thesis's "add routes". */
  link(a: NetworkNamespace, b: NetworkNamespace): Promise<void>;
  unlink(a: NetworkNamespace, b: NetworkNamespace): Promise<void>;
  readonly sockets: NamespaceSockets;
  stats(): { free: number; inUse: number; created: number; deleted: number };
  close(): Promise<void>;
}
