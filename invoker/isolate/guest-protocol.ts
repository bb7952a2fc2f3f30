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
  | { op: 'destroy'; conn: number };

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
  | { op: 'conn-error'; conn: number; message: string };

/** What the guest runtime is configured with when a context is created. */
export interface GuestConfig {
  /** Bytes of log text one busy period of the context may send before it stops sending. */
  logLimit: number;
  /** Bytes (UTF-16 code units, a lower bound of UTF-8 bytes) above which the guest does not copy a result out. */
  resultLimit: number;
}

/** What the guest's run() resolves to, as JSON. */
export type GuestRunResult =
  | { kind: 'ok'; json: string }
  | { kind: 'application-error'; error: unknown }
  | { kind: 'developer-error'; message: string }
  | { kind: 'too-large'; length: number; truncated: string };

/** The answer of the guest's install(): the entry point was found, or why not. */
export type GuestInstallResult = { ok: true } | { ok: false; message: string };
