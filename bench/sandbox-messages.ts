// What serialising the supervisor↔sandbox messages of one warm activation costs (issue 13's hop):
// the 'run' message and the 'done' message with a real outcome, encoded and decoded as Node's IPC
// channel does with serialization 'json' (the default, JSON.stringify/parse) and 'advanced' (the
// V8 serializer, structured clone), and the 'done' as the sandbox sends it (outcome-wire.ts leaves
// out what the supervisor rebuilds; packing and unpacking counted). CPU only, in this process: the
// part of the hop that is not the round trip between two processes.
import { deserialize, serialize } from 'node:v8';
import type { ActivationOutcome } from '../invoker/pool/activation-outcome.js';
import type { FromSandbox, RunMessage } from '../invoker/sandbox/sandbox-protocol.js';
import { packOutcome, unpackOutcome } from '../invoker/sandbox/outcome-wire.js';
import type { Action } from '../shared/model/action.js';

export interface MessageCost {
  runBytes: number;
  doneBytes: number;
  /** µs to encode + decode both messages once. */
  jsonUs: number;
  advancedUs: number;
  /** The 'done' as sent (packed outcome): its bytes, and µs for run + done with 'json', pack and unpack included. */
  packedDoneBytes: number;
  packedUs: number;
}

/** Contract: times n encode+decode round trips of `run` and a 'done' carrying `outcome` (whole, or packed for `action`), the codecs interleaved in blocks. */
export function messageCost(run: RunMessage, outcome: ActivationOutcome, action: Action, n = 20_000): MessageCost {
  const done: FromSandbox = { t: 'done', id: run.id, outcome, busyMb: 0 };
  const block = 1000;
  let json = 0;
  let advanced = 0;
  let packed = 0;
  // In the sandbox the outcome's limits are its copy of the action's (the same object on a warm run): so here too.
  const limits = outcome.annotations.find((k) => k.key === 'limits')?.value as Action['limits'] | undefined;
  if (limits) action = { ...action, limits };
  for (let done_ = 0; done_ < n; done_ += block) {
    let t = performance.now();
    for (let i = 0; i < block; i++) {
      JSON.parse(JSON.stringify(run));
      JSON.parse(JSON.stringify(done));
    }
    json += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < block; i++) {
      deserialize(serialize(run));
      deserialize(serialize(done));
    }
    advanced += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < block; i++) {
      JSON.parse(JSON.stringify(run));
      const m = JSON.parse(JSON.stringify({ t: 'done', id: run.id, outcome: packOutcome(outcome, action, run.activationId), busyMb: 0 })) as Extract<FromSandbox, { t: 'done' }>;
      unpackOutcome(m.outcome, action, run.activationId);
    }
    packed += performance.now() - t;
  }
  const packedDone: FromSandbox = { t: 'done', id: run.id, outcome: packOutcome(outcome, action, run.activationId), busyMb: 0 };
  return { runBytes: JSON.stringify(run).length, doneBytes: JSON.stringify(done).length, jsonUs: (1000 * json) / n, advancedUs: (1000 * advanced) / n, packedDoneBytes: JSON.stringify(packedDone).length, packedUs: (1000 * packed) / n };
}
