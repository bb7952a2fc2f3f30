// The messages that cross between a function's context (the guest, guest-runtime.js) and the
// host. Both directions are fire-and-forget (isolated-vm "ignored" callbacks and applyIgnored):
// the guest never blocks on the host and the host never blocks on the guest. Payloads are plain
// data (strings, numbers, ArrayBuffers, arrays) because isolated-vm copies them structurally.
// This file imports nothing so that host-apis/ can speak the protocol without isolated-vm.

/** Guest → host. `id` numbers are chosen by the guest, unique within its context. */
export type GuestMessage =
  | { op: 'log'; stream: 'stdout' | 'stderr'; time: string; text: string }
  | { op: 'log-truncated' }
  | { op: 'timer'; id: number; ms: number; repeat: boolean }
  | { op: 'clear-timer'; id: number }
  | { op: 'fetch'; id: number; url: string; method: string; headers: [string, string][]; body: ArrayBuffer | null }
  | { op: 'listen'; id: number; host: string; port: number }
  | { op: 'close-server'; id: number }
  | { op: 'connect'; id: number; host: string; port: number }
  | { op: 'write'; conn: number; data: ArrayBuffer; end: boolean }
  | { op: 'destroy'; conn: number }
  /** setImmediate: one per batch of immediates; answered by HostMessage 'immediate' on the host's next check phase. */
  | { op: 'immediate' }
  /** A built-in module's asynchronous host call (`require('photon:host').request(call, …args)`). */
  | { op: 'builtin'; id: number; module: string; call: string; args: unknown[] }
  /** guest-memory.js: bytes outside the heap passed the action's limit; the isolate runtime disposes the isolate ('memory'). */
  | { op: 'memory-exceeded' };

/** Host → guest. `id` answers a guest request; `conn` names a TCP connection the host allocated. */
export type HostMessage =
  | { op: 'timer'; id: number }
  | {
      op: 'fetch-response';
      id: number;
      status: number;
      statusText: string;
      url: string;
      headers: [string, string][];
      body: ArrayBuffer;
    }
  | { op: 'fetch-error'; id: number; message: string }
  | { op: 'listening'; id: number; host: string; port: number }
  | { op: 'listen-error'; id: number; message: string }
  | { op: 'accept'; id: number; conn: number; remoteAddress: string; remotePort: number; localAddress: string; localPort: number }
  | { op: 'connected'; id: number; conn: number; localAddress: string; localPort: number }
  | { op: 'connect-error'; id: number; message: string }
  | { op: 'data'; conn: number; data: ArrayBuffer }
  | { op: 'end'; conn: number }
  | { op: 'close'; conn: number }
  | { op: 'conn-error'; conn: number; message: string }
  | { op: 'immediate' }
  /** The answer to GuestMessage 'builtin'. */
  | ({ op: 'builtin-result'; id: number } & BuiltinAnswer)
  /** An event the host pushes to a built-in module (HostBuiltinScope.emit), e.g. a socket's data. */
  | { op: 'builtin-event'; module: string; event: string; data: unknown };

/**
 * A host answer to a built-in's call, sync or async: plain data only (copied into the isolate), so
 * no host object, Error or stack ever reaches the guest; the guest rebuilds an Error of the same
 * name (Error, TypeError, RangeError, SyntaxError) with the message and code.
 */
export type BuiltinAnswer = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string; code?: string } };

/** What the guest runtime is configured with when a context is created. */
export interface GuestConfig {
  /** The action's memory limit in bytes: Wasm memories and resizable buffers count against it (guest-memory.js). */
  memoryLimit?: number;
  /** Bytes of log text one busy period of the context may send before it stops sending. */
  logLimit: number;
  /** Bytes (UTF-16 code units, a lower bound of UTF-8 bytes) above which the guest does not copy a result out. */
  resultLimit: number;
  /** An archive action: the guest loads it with its module loader through ActionFiles. */
  archive?: boolean;
  /** The absolute path the archive's root appears at (__dirname of its top-level files). */
  root?: string;
  /** Parameters marked init: true: process.env variables from the start (OpenWhisk's /init env). */
  env?: Record<string, unknown>;
}

/**
 * An archive action's files as the guest's loader sees them, by absolute path under the root.
 * Contract: synchronous and side-effect free; paths outside the root are simply absent.
 */
export interface ActionFiles {
  /** 0: nothing there, 1: a file, 2: a directory. */
  stat(path: string): 0 | 1 | 2;
  /**
   * Every file's path relative to the root, one per line: the guest resolves from this listing
   * on its own instead of asking stat() across the isolate boundary for each probe (a require of
   * a package probes a dozen paths; 140 modules ≈ 1,500 probes).
   */
  listing(): string;
  /** The file's text (UTF-8), or undefined when there is no such file. */
  read(path: string): string | undefined;
  /**
   * V8 code cache per module path, shared by every isolate of the revision of the same kind (plain
   * or from the layer's snapshot): written and read only by isolate-runtime.ts (keys and values are
   * its own; only data V8 produced for photon, never user bytes).
   * Absent: compile without a code cache.
   */
  readonly codeCache?: Map<string, unknown>;
  /**
   * Module compiles of this revision's loads (install): by the host with cache data accepted or
   * rejected by V8 (before the load), and by the guest from source (no data yet). Modules first
   * required after the load (inside main) are compiled by the guest and not counted.
   */
  readonly compiles: { cached: number; uncached: number; rejected: number };
  /** Cache data being produced for this revision (isolate-runtime.ts), awaited by later installs. */
  codeCacheWork?: Promise<void>;
}

/** What the guest's run() resolves to, as JSON. */
export type GuestRunResult =
  | { kind: 'ok'; json: string }
  | { kind: 'application-error'; error: unknown }
  | { kind: 'developer-error'; message: string }
  | { kind: 'too-large'; length: number; truncated: string };

/** The answer of the guest's install(): the entry point was found, or why not. */
export type GuestInstallResult = { ok: true } | { ok: false; message: string };
