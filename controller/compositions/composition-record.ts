// The activation record of a sequence or conductor action, OpenWhisk's shape
// (SequenceActions.makeSequenceActivation, PrimitiveActions.completeActivation): the caller's
// namespace, the step activation ids as `logs`, the sum of the steps' durations as `duration`, the
// ending response; annotations topmost, path, kind "sequence", conductor (compositions), causedBy
// (nested ones), waitTime, binding, and limits with the largest memory any step had.
import type { ActivationRecord } from '../../shared/model/activation-record.js';
import type { KeyValue } from '../../shared/model/action.js';
import type { CompositionState } from './composition-state.js';

const MB = 1024 * 1024;

export function compositionRecord(id: string, s: CompositionState): ActivationRecord {
  const result = s.result!;
  const annotations: KeyValue[] = [
    { key: 'topmost', value: s.topmost },
    { key: 'path', value: `${s.action.namespace}/${s.action.name}` },
    { key: 'kind', value: 'sequence' },
  ];
  if (s.kind === 'conductor') annotations.push({ key: 'conductor', value: true });
  if (!s.topmost) annotations.push({ key: 'causedBy', value: 'sequence' });
  annotations.push({ key: 'waitTime', value: s.waitTime });
  if (s.binding) annotations.push({ key: 'binding', value: s.binding });
  annotations.push({ key: 'limits', value: { timeout: s.action.timeout, memory: s.maxMemory, logs: Math.round(s.action.logs / MB), concurrency: s.action.concurrency } });
  const cause = s.parent ?? s.cause;
  return {
    namespace: s.caller.namespace,
    name: s.action.name,
    version: s.action.version,
    subject: s.caller.subject,
    activationId: id,
    start: s.start,
    end: result.end,
    duration: s.duration,
    ...(cause ? { cause } : {}),
    response: result.response,
    logs: [...s.logs],
    annotations,
    publish: false,
  };
}
