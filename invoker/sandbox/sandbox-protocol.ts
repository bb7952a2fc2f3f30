// The messages between the supervisor (the invoker) and one sandbox process, over Node's IPC
// channel (a Unix socket; socket and server handles travel with the message as passed fds). A
// turn's messages without a handle cross as one array (channel-batcher.ts); one with a handle goes alone.
import type { Action } from '../../shared/model/action.js';
import type { WarmCounts } from '../../shared/store/warm-registry.js';
import type { NetworkNamespace } from '../../native/index.js';
import type { WireOutcome } from './outcome-wire.js';

/** What a sandbox is started with (its one command-line argument, JSON). */
export interface SandboxConfig {
  id: string;
  userMemoryMb: number;
  isolation: 'on' | 'off';
  prewarm?: { count: number; memoryMb: number; max?: number };
  /** IsolatePoolOptions.holdAfterTimeout: an ordinary sandbox holds a timed-out tenant's queue for the supervisor's word. */
  holdAfterTimeout?: boolean;
  /** A directory for the sandbox's memory log (sandbox-memory-log.ts; the supervisor's PHOTON_SANDBOX_MEMORY_LOG). */
  memoryLog?: string;
}

export interface RunMessage {
  t: 'run';
  id: number;
  /** namespace/name@revision: the sandbox keeps the actions it was sent, so a warm run carries no code. */
  actionKey: string;
  /** Present the first time this sandbox sees actionKey (or after 'forget-actions'). */
  action?: Action;
  params: Record<string, unknown>;
  activationId: string;
  namespace: string;
  actionName: string;
  deadline: number;
  /** RunRequest.env: this activation's __OW_API_HOST / __OW_API_KEY. */
  env?: Record<string, string>;
}

/** Supervisor → sandbox. 'sock' carries a connected net.Socket, 'server' a listening net.Server, 'udp' a bound dgram.Socket, 'accept' a socket the supervisor accepted for listener `req` before its copy closed. */
export type ToSandbox =
  | RunMessage
  | { t: 'ns'; req: number; ns?: NetworkNamespace; error?: string }
  | { t: 'sock'; req: number; error?: string }
  | { t: 'server'; req: number; error?: string }
  | { t: 'accept'; req: number }
  | { t: 'udp'; req: number; error?: string }
  | { t: 'forget-actions' }
  /** Take run `id` back if it is still queued in the pool (answered by 'withdrawn'; if it was placed already, it runs and ends with 'done'). */
  | { t: 'withdraw'; id: number }
  /** Lift the hold isolate `isolateId` put on its tenant's queue ('done' with `hold`), after the withdraws the supervisor wanted. */
  | { t: 'resume'; isolateId: string }
  | { t: 'close' };

/** Sandbox → supervisor. 'phase' is sent only when an activation queued or waited for an init (a warm run sends none). */
export type FromSandbox =
  /** `missing`: confinement the process itself could not set up (seccomp), said loudly by the supervisor. */
  | { t: 'ready'; missing?: string[] }
  /**
   * `outcome.logs` holds only the lines after those already sent with 'log'; `outcome` leaves out what
   * the supervisor rebuilds (outcome-wire.ts). `hold`: the activation
   * ran to its time limit and its tenant's queued activations are held until 'resume'.
   */
  | { t: 'done'; id: number; outcome: WireOutcome; busyMb: number; hold?: true }
  /** Log lines of run `id`, as they are kept (batched per turn of the event loop). */
  | { t: 'log'; id: number; lines: string[] }
  /** Run `id` left the pool's queue without running: the supervisor places it elsewhere. */
  | { t: 'withdrawn'; id: number }
  | { t: 'phase'; id: number; phase: 'queued' | 'init' | 'run' }
  | { t: 'warm'; snapshot: Record<string, WarmCounts> }
  | { t: 'acquire'; req: number }
  | { t: 'release'; nsId: number }
  | { t: 'connect'; req: number; nsId: number; host: string; port: number }
  | { t: 'listen'; req: number; nsId: number; host: string; port: number; backlog: number }
  | { t: 'udp'; req: number; nsId: number; host: string; port: number }
  | { t: 'cancel'; req: number };
