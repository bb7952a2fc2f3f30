// The isolate lifecycle table: the paths the pool takes are legal, anything else throws.
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, TRANSITIONS, nextState, type IsolateEvent, type IsolateState } from '../../../invoker/pool/isolate-lifecycle.js';

const walk = (events: IsolateEvent[], from: IsolateState = 'creating'): IsolateState => events.reduce((s, e) => nextState('t', s, e), from);

describe('isolate lifecycle', () => {
  it('allows the pool\'s paths: prewarm, cold, retire, evict, close while creating', () => {
    expect(walk(['created', 'bind', 'installed'])).toBe('warm');
    expect(walk(['bind', 'created', 'installed'])).toBe('warm');
    expect(walk(['created', 'bind', 'installed', 'retire', 'dispose', 'gone'])).toBe('gone');
    expect(walk(['created', 'dispose', 'gone'])).toBe('gone');
    expect(walk(['dispose', 'gone', 'created'])).toBe('gone');
  });

  it('throws on an event a state does not list (e.g. binding a gone or busy-initialising isolate again)', () => {
    expect(() => nextState('iso-1', 'gone', 'bind')).toThrow(IllegalTransitionError);
    expect(() => nextState('iso-1', 'initialising', 'bind')).toThrow("isolate iso-1: event 'bind' is not allowed in state 'initialising'");
    expect(() => nextState('iso-1', 'warm', 'created')).toThrow(IllegalTransitionError);
    expect(() => nextState('iso-1', 'blank', 'installed')).toThrow(IllegalTransitionError);
  });

  it('every state can end: dispose or gone leads to gone from anywhere but gone', () => {
    for (const state of Object.keys(TRANSITIONS) as IsolateState[]) {
      if (state === 'gone') continue;
      expect(walk(['dispose', 'gone'], state)).toBe('gone');
    }
  });
});
