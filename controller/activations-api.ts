// GET of activation records: list, one, its logs, its result. Another namespace's activation is
// 404, not 403: its existence is not the caller's business.
import type { ActivationRecord } from '../shared/model/activation-record.js';
import { validateName } from './action-validation.js';
import { ACTIVATION_ID, extendedRecord, summaryRecord } from './activation-json.js';
import { ApiError, MESSAGES } from './api-error.js';
import { boolParam, intParam, paging, type ApiRequest, type Reply } from './api-request.js';

async function own(r: ApiRequest, id: string): Promise<ActivationRecord> {
  if (!ACTIVATION_ID.test(id)) throw new ApiError(400, `The activation id '${id}' is not valid: it must be 32 lowercase hexadecimal characters.`);
  const record = await r.deps.stores.activations.get(id);
  if (!record || record.namespace !== r.namespace) throw new ApiError(404, MESSAGES.notFound);
  return record;
}

export const activationsApi = {
  async list(r: ApiRequest): Promise<Reply> {
    const name = r.url.searchParams.get('name') || undefined;
    const since = intParam(r.url, 'since', 0, Number.MAX_SAFE_INTEGER);
    const upto = intParam(r.url, 'upto', 0, Number.MAX_SAFE_INTEGER);
    const records = await r.deps.stores.activations.list(r.namespace, {
      ...paging(r.url),
      // `wsk activation list pkg/action` filters by the action's own name.
      ...(name !== undefined ? { name: validateName(name.split('/').pop()!, 'name filter') } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(upto !== undefined ? { upto } : {}),
    });
    const docs = boolParam(r.url, 'docs');
    return { status: 200, body: records.map((rec) => (docs ? extendedRecord(rec) : summaryRecord(rec))) };
  },

  async get(r: ApiRequest, id: string): Promise<Reply> {
    return { status: 200, body: extendedRecord(await own(r, id)) };
  },

  async part(r: ApiRequest, id: string, part: 'logs' | 'result'): Promise<Reply> {
    const record = await own(r, id);
    if (part === 'logs') return { status: 200, body: { logs: record.logs } };
    return { status: 200, body: { result: record.response.result, success: record.response.success, status: record.response.status } };
  },
};
