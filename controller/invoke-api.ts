// POST …/actions/{name}: invoke. Non-blocking answers 202 {activationId} at once; blocking waits
// for the completion up to ?timeout= (at most the blocking wait limit) and then answers the record
// (or with ?result=true just the result), or 202 when the wait runs out (openwhisk-notes §1.5).
// A thin caller of the ActivationService (activation/): resolve, admit, schedule and await live there.
import type { ActionRef } from './actions-api.js';
import { ACTIVATION_ID_HEADER, blockingStatus, extendedRecord } from './activation-json.js';
import { boolParam, intParam, type ApiRequest, type Reply } from './api-request.js';
import { readJsonObject } from './http-body.js';

export { ACTIVATION_ID_HEADER };

export async function invokeApi(r: ApiRequest, ref: ActionRef): Promise<Reply> {
  const { activations, config } = r.deps;
  const blocking = boolParam(r.url, 'blocking');
  const resultOnly = boolParam(r.url, 'result');
  const waitMs = intParam(r.url, 'timeout', 1, config.blockingWaitMs, config.blockingWaitMs)!;
  const body = await readJsonObject(r.req, config.payloadLimitBytes);

  const started = await activations.start({ caller: r.identity, action: { namespace: ref.path, name: ref.name }, params: body, blocking, trace: r.trace });
  const { activationId } = started;
  const accepted: Reply = { status: 202, body: { activationId }, headers: { [ACTIVATION_ID_HEADER]: activationId } };
  if (!blocking) return accepted;

  const finished = await activations.awaitRecord(started, waitMs);
  if (!finished) return accepted;
  const headers = { [ACTIVATION_ID_HEADER]: activationId };
  const status = blockingStatus(finished.status);
  // A record that came as bytes answers with its slices as they are (finished-record.ts).
  const json = resultOnly ? finished.resultBytes() : finished.extendedBytes();
  if (json !== undefined) return { status, json, headers };
  const record = finished.record();
  return { status, body: resultOnly ? record.response.result : extendedRecord(record), headers };
}
