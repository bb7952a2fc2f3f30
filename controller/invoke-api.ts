// POST …/actions/{name}: invoke. Non-blocking answers 202 {activationId} at once; blocking waits
// for the completion up to ?timeout= (at most the blocking wait limit) and then answers the record
// (or with ?result=true just the result), or 202 when the wait runs out (openwhisk-notes §1.5).
import { LIMIT_RANGES } from '../shared/model/action.js';
import { actionKey } from '../shared/store/warm-registry.js';
import { actionName } from './actions-api.js';
import { blockingStatus, extendedRecord, newActivationId } from './activation-json.js';
import { ApiError, MESSAGES } from './api-error.js';
import { boolParam, intParam, type ApiRequest, type Reply } from './api-request.js';
import { readJsonObject } from './http-body.js';
import { NoInvokersError } from './load-balancer.js';
import { inSpan } from '../shared/tracing/in-span.js';

export const ACTIVATION_ID_HEADER = 'x-openwhisk-activation-id';

export async function invokeApi(r: ApiRequest, rawName: string): Promise<Reply> {
  const { stores, balancer, throttler, config } = r.deps;
  const name = actionName(rawName);
  const blocking = boolParam(r.url, 'blocking');
  const resultOnly = boolParam(r.url, 'result');
  const waitMs = intParam(r.url, 'timeout', 1, config.blockingWaitMs, config.blockingWaitMs)!;
  const body = await readJsonObject(r.req, config.payloadLimitBytes);
  const acceptedAt = Date.now();
  const activationId = newActivationId();

  // Independent store calls in parallel: this is the hot path of every invoke. The concurrency slot
  // is taken before the action's timeout is known, so it expires after the longest allowed one.
  const slotTtlMs = LIMIT_RANGES.timeout[1] + config.completionGraceMs + config.sweepIntervalMs;
  const settle = <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> =>
    p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  const [got, rate, warm, slot] = await inSpan(r.trace, 'controller.admission', {}, () => Promise.all([
    settle(stores.actions.get(r.namespace, name)),
    settle(throttler.checkRate(r.identity)),
    // The registry only steers placement; without it, placement falls back to hashing.
    stores.warm.forAction(actionKey(r.namespace, name)).catch(() => ({})),
    settle(throttler.acquire(r.identity, activationId, slotTtlMs)),
  ]));
  if (!got.ok || !rate.ok || !slot.ok || !got.value) {
    if (slot.ok) throttler.release(r.identity, activationId);
    if (!rate.ok) throw rate.error;
    if (!slot.ok) throw slot.error;
    if (!got.ok) throw got.error;
    throw new ApiError(404, MESSAGES.notFound);
  }
  const action = got.value;
  // init parameters reach the action as environment variables (the invoker sets them), not as arguments.
  const params = { ...Object.fromEntries(action.parameters.filter((kv) => kv.init !== true).map((kv) => [kv.key, kv.value])), ...body };

  let scheduled;
  try {
    scheduled = await balancer.schedule({
      activationId, action, caller: r.identity, params, blocking, acceptedAt, warm, trace: r.trace,
      onFinished: () => throttler.release(r.identity, activationId),
    });
  } catch (err) {
    throttler.release(r.identity, activationId);
    if (err instanceof NoInvokersError) throw new ApiError(503, MESSAGES.noInvokers);
    console.error(`controller: publishing activation ${activationId} failed:`, err);
    throw new ApiError(503, 'The activation could not be handed to an invoker; try again.');
  }

  const accepted: Reply = { status: 202, body: { activationId }, headers: { [ACTIVATION_ID_HEADER]: activationId } };
  if (!blocking) return accepted;

  let timer: NodeJS.Timeout | undefined;
  const record = await Promise.race([
    scheduled.finished,
    new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), waitMs); }),
  ]);
  clearTimeout(timer);
  if (!record) return accepted;
  return {
    status: blockingStatus(record),
    body: resultOnly ? record.response.result : extendedRecord(record),
    headers: { [ACTIVATION_ID_HEADER]: activationId },
  };
}
