// Entry point of a sandbox process (started by sandbox-spawn.ts, unprivileged, in its own cgroup
// and empty network namespace): the invoker's unchanged IsolatePool, with namespaces and sockets
// asked of the supervisor over the IPC channel. It takes no work of its own: runs arrive as
// messages, outcomes go back as messages. When the supervisor goes away, so does the sandbox.
import type { Action } from '../../shared/model/action.js';
import { IsolatePool } from '../pool/isolate-pool.js';
import { PoolActionRunner } from '../pool/pool-action-runner.js';
import { RemoteNamespaces } from './remote-namespaces.js';
import { packOutcome } from './outcome-wire.js';
import { startMemoryLog } from './sandbox-memory-log.js';
import type { FromSandbox, SandboxConfig, ToSandbox } from './sandbox-protocol.js';
import { ChannelBatcher, eachMessage, type Batched } from './channel-batcher.js';

const WARM_REFRESH_MS = 1000;
const config = JSON.parse(process.argv[2] ?? '{}') as SandboxConfig;
// Everything this side sends carries no handle: all of a turn's messages ('done's above all) go as one write.
const batch = new ChannelBatcher<FromSandbox>((payload) => {
  if (process.connected) process.send!(payload);
});
const send = (m: FromSandbox, now = false): void => batch.send(m, now);
const remote = new RemoteNamespaces(config.isolation, send);
const pool = new IsolatePool({
  namespaces: remote,
  network: remote,
  idPrefix: config.id,
  userMemoryMb: config.userMemoryMb,
  ...(config.prewarm ? { prewarm: config.prewarm } : {}),
  holdAfterTimeout: config.holdAfterTimeout ?? false,
});
const runner = new PoolActionRunner(pool, remote);
// Isolates coming and going are sent at once (the supervisor reports them to the registry);
// idle/busy counts, which the supervisor's heartbeat reads, ride on a once-a-second refresh.
let lastSent = '';
const sendWarm = (): void => {
  const snapshot = runner.warmSnapshot();
  const json = JSON.stringify(snapshot);
  if (json === lastSent) return;
  lastSent = json;
  send({ t: 'warm', snapshot });
};
runner.onWarmChange(sendWarm);
setInterval(sendWarm, WARM_REFRESH_MS).unref();

// Log lines go to the supervisor as they are kept, batched per turn of the event loop (isolates run
// on their own threads, so this loop keeps turning while one is wedged): a sandbox killed or dead
// loses at most the lines of its last turn. Bounded by each activation's log limit; 'done' then
// carries only the lines not sent yet, so no line crosses twice.
const streams = new Map<number, { sent: number; pending: string[] }>();
let flushArmed = false;
const flushLogs = (): void => {
  flushArmed = false;
  for (const [id, s] of streams) {
    if (s.pending.length === 0) continue;
    send({ t: 'log', id, lines: s.pending });
    s.sent += s.pending.length;
    s.pending = [];
  }
  batch.flush(); // already this turn's check phase: written now, not a turn later
};

/** Runs not yet answered, by the supervisor's id: what a 'withdraw' names. */
const queuedRuns = new Map<number, string>();
/** Actions by key as the supervisor sent them (it tracks what was sent, and says when to forget). */
const actions = new Map<string, Action>();

// The supervisor's death closes the channel: nothing here may outlive it. SIGKILL, not exit():
// exit() runs teardown that can wait for an isolate thread wedged in uninterruptible code.
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
process.on('message', (payload: Batched<ToSandbox>, handle: unknown) => {
  // A message with a handle always comes alone (sandbox-process.ts).
  eachMessage(payload, (msg) => receive(msg, handle));
});

function receive(msg: ToSandbox, handle: unknown): void {
  if (msg.t === 'run') {
    let told = false;
    if (msg.action) actions.set(msg.actionKey, msg.action);
    const action = actions.get(msg.actionKey);
    if (!action) throw new Error(`sandbox: action ${msg.actionKey} was never sent`); // a supervisor bug: crash loudly
    const stream = { sent: 0, pending: [] as string[] };
    streams.set(msg.id, stream);
    void pool.run(action, msg.params, {
      activationId: msg.activationId,
      namespace: msg.namespace,
      actionName: msg.actionName,
      deadline: msg.deadline,
      ...(msg.env ? { env: msg.env } : {}),
      // A warm run says nothing (no extra message on the hot path): the supervisor's kill deadline
      // already counts from dispatch. Queueing and inits move it, so they are told, and the run after them.
      onPhase: (phase) => {
        if (phase === 'run' && !told) return;
        told = true;
        send({ t: 'phase', id: msg.id, phase });
      },
      onLog: (line) => {
        stream.pending.push(line);
        if (!flushArmed) {
          flushArmed = true;
          setImmediate(flushLogs);
        }
      },
    }).then((outcome) => {
      queuedRuns.delete(msg.id);
      streams.delete(msg.id);
      if (outcome.refused === 'withdrawn') return send({ t: 'withdrawn', id: msg.id });
      const sent = stream.sent === 0 ? outcome : { ...outcome, logs: outcome.logs.slice(stream.sent) };
      const hold = outcome.isolateId !== null && pool.holding(outcome.isolateId);
      // The last run in flight here (c = 1): its 'done' goes at once; else with the turn's other 'done's.
      send({ t: 'done', id: msg.id, outcome: packOutcome(sent, action, msg.activationId), busyMb: pool.busyMemoryMb(), ...(hold ? { hold: true as const } : {}) }, queuedRuns.size === 0);
    });
    queuedRuns.set(msg.id, msg.activationId);
  } else if (msg.t === 'withdraw') {
    const activationId = queuedRuns.get(msg.id);
    if (activationId !== undefined) pool.withdraw(activationId);
  } else if (msg.t === 'resume') {
    pool.resume(msg.isolateId);
  } else if (msg.t === 'forget-actions') {
    actions.clear();
  } else if (msg.t === 'close') {
    void pool.close().then(() => {
      batch.flush(); // this turn's messages ('done's): exit() comes before the setImmediate that writes them
      process.exit(0);
    });
  } else remote.receive(msg, handle);
}

await pool.start();
const seccompMissing = process.env.PHOTON_SECCOMP_MISSING;
send({ t: 'ready', ...(seccompMissing ? { missing: [`seccomp (${seccompMissing})`] } : {}) });
if (config.memoryLog) {
  startMemoryLog(config.memoryLog, config.id, {
    counts: () => ({ streams: streams.size, queuedRuns: queuedRuns.size, actions: actions.size }),
    isolateHeapBytes: () => pool.isolateHeapBytes(),
  });
}
