// The conductor protocol and the sequence steps as pure transitions (composition-state.ts), against
// OpenWhisk's PrimitiveActions.scala / SequenceActions.scala: what the conductor is given, how its
// answer is read (boxing, state, action names), what a refused component becomes, and the budgets.
import { describe, expect, it } from 'vitest';
import { EntityNotFoundError, NotAuthorizedError, ThrottledError } from '../../../controller/activation/activation-errors.js';
import { afterRecord, afterRefusal, firstStep, TooDeepError, type CompositionState, type Step } from '../../../controller/compositions/composition-state.js';
import type { ActivationRecord } from '../../../shared/model/activation-record.js';

function state(kind: 'sequence' | 'conductor', components: string[] = []): CompositionState {
  return {
    kind, caller: { namespace: 'guest', subject: 's', limits: {} },
    action: { namespace: 'guest', name: 'comp', version: '0.0.1', timeout: 60000, memory: 256, logs: 10 * 1024 * 1024, concurrency: 1 },
    named: { namespace: 'guest', name: 'comp' }, components, steps: 1, logs: [], duration: 0, maxMemory: 256, start: 0, waitTime: 0,
    topmost: true, depth: 0, blocking: true, componentRuns: 0, conductorRuns: 1, maxLength: 50,
  };
}
const step = (phase: Step['phase'], target = '/guest/comp'): Step => ({ id: 'x'.repeat(32), phase, target, params: {}, startedAt: 0, timeoutMs: 1 });
function rec(result: Record<string, unknown>, status: ActivationRecord['response']['status'] = 'success', memory = 128): ActivationRecord {
  const codes = { success: 0, 'application error': 1, 'action developer error': 2, 'whisk internal error': 3 } as const;
  return {
    namespace: 'guest', name: 'n', version: '0.0.1', subject: 's', activationId: 'a'.repeat(32), start: 0, end: 7, duration: 7,
    response: { status, statusCode: codes[status], success: status === 'success', result }, logs: [], annotations: [{ key: 'limits', value: { memory } }], publish: false,
  };
}

describe('conductor protocol', () => {
  it('runs the conductor first with the input; its action runs with params, and the conductor again with the result plus the kept state', () => {
    const s = state('conductor');
    s.conductorRuns = 0;
    expect(firstStep(s, { in: 1 })).toEqual({ kind: 'step', phase: 'conductor', target: '/guest/comp', params: { in: 1 } });
    const next = afterRecord(s, step('conductor'), rec({ action: '/_/pkg/a', params: { p: 1 }, state: { $composer: { s: 2 } } }));
    expect(next).toEqual({ kind: 'step', phase: 'component', target: '/guest/pkg/a', params: { p: 1 } });
    expect(afterRecord(s, step('component', '/guest/pkg/a'), rec({ r: 3 }, 'success', 512))).toEqual({ kind: 'step', phase: 'conductor', target: '/guest/comp', params: { r: 3, $composer: { s: 2 } } });
    expect(s.logs).toHaveLength(2);
    expect(s.duration).toBe(14);
    expect(s.maxMemory).toBe(512);
  });

  it('boxes params and state that are not dictionaries; without action ends with params (or the result) and the conductor\'s status', () => {
    const s = state('conductor');
    expect(afterRecord(s, step('conductor'), rec({ action: 'a', params: 5, state: 'x' }))).toMatchObject({ params: { value: 5 } });
    expect(s.conductorState).toEqual({ state: 'x' });
    expect(afterRecord(state('conductor'), step('conductor'), rec({ params: { done: true } }))).toEqual({ kind: 'end', response: { status: 'success', statusCode: 0, success: true, result: { done: true } } });
    expect(afterRecord(state('conductor'), step('conductor'), rec({ error: 'x' }, 'application error'))).toMatchObject({ kind: 'end', response: { status: 'application error', result: { error: 'x' } } });
  });

  it('an unparsable action name, a missing or forbidden component are reported to the conductor with OpenWhisk\'s errors', () => {
    expect(afterRecord(state('conductor'), step('conductor'), rec({ action: 42 }))).toMatchObject({ phase: 'conductor', params: { error: 'Failed to parse action name from json value 42 during composition.' } });
    expect(afterRefusal(state('conductor'), step('component', '/guest/nope'), new EntityNotFoundError('action', 'guest/nope'))).toMatchObject({ phase: 'conductor', params: { error: "Failed to resolve action with name '/guest/nope' during composition." } });
    expect(afterRefusal(state('conductor'), step('component', '/other/p/a'), new NotAuthorizedError('/other/p/a'))).toMatchObject({ phase: 'conductor', params: { error: "Failed entitlement check for action with name '/other/p/a' during composition." } });
    expect(afterRefusal(state('conductor'), step('component'), new TooDeepError(51))).toMatchObject({ phase: 'conductor', params: { error: 'Too many actions in the composition.' } });
    expect(afterRefusal(state('conductor'), step('conductor'), new ThrottledError('invocationsPerMinute', 9, 8))).toMatchObject({ kind: 'end', response: { status: 'whisk internal error', result: { error: 'Activation failure during composition.' } } });
  });

  it('budgets: the 51st component is refused to the conductor, the conductor runs at most 2n+1 times', () => {
    const s = state('conductor');
    s.componentRuns = 50;
    expect(afterRecord(s, step('conductor'), rec({ action: 'a' }))).toMatchObject({ phase: 'conductor', params: { error: 'Too many actions in the composition.' } });
    const t = state('conductor');
    t.conductorRuns = 101;
    expect(afterRecord(t, step('component', '/guest/a'), rec({}))).toMatchObject({ kind: 'end', response: { status: 'application error', result: { error: 'Too many actions in the composition.' } } });
  });
});

describe('sequence steps', () => {
  it('chains results, ends on the first error or after the last, and says what a refusal means', () => {
    const s = state('sequence', ['/guest/a', '/guest/b']);
    expect(firstStep({ ...s, steps: 0 }, { x: 1 })).toEqual({ kind: 'step', phase: 'component', target: '/guest/a', params: { x: 1 } });
    expect(afterRecord(s, step('component', '/guest/a'), rec({ y: 2 }))).toEqual({ kind: 'step', phase: 'component', target: '/guest/b', params: { y: 2 } });
    s.steps = 2;
    expect(afterRecord(s, step('component', '/guest/b'), rec({ z: 3 }))).toMatchObject({ kind: 'end', response: { result: { z: 3 } } });
    expect(afterRecord(state('sequence', ['/guest/a', '/guest/b']), step('component'), rec({ error: 'e' }, 'application error'))).toMatchObject({ kind: 'end', response: { status: 'application error' } });
    expect(afterRefusal(state('sequence'), step('component'), new EntityNotFoundError('action', 'x'))).toMatchObject({ response: { result: { error: 'Sequence component does not exist.' } } });
    expect(afterRefusal(state('sequence'), step('component'), new ThrottledError('concurrentInvocations', 2, 1))).toMatchObject({ response: { status: 'whisk internal error', result: { error: 'Sequence failed.', reason: 'Too many concurrent requests in flight (count: 2, allowed: 1).' } } });
    expect(afterRefusal(state('sequence'), step('component'), new TooDeepError(51))).toMatchObject({ response: { result: { error: 'Too many actions in the sequence.' } } });
  });
});
