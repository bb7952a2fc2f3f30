// shared/tracing/root-context.ts: photon's root context answers as the API's ROOT_CONTEXT does for
// every sequence of setValue / deleteValue / getValue, and the API's span helpers work on it.
import { ROOT_CONTEXT, createContextKey, trace, type Context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../shared/tracing/root-context.js';

describe('photon\'s root context', () => {
  it('reads, overrides and deletes values as the API\'s ROOT_CONTEXT does, leaving its parents as they were', () => {
    const keys = [createContextKey('a'), createContextKey('b'), createContextKey('c')];
    const ops: Array<(c: Context) => Context> = [
      (c) => c.setValue(keys[0]!, 1),
      (c) => c.setValue(keys[1]!, 'two'),
      (c) => c.setValue(keys[0]!, 3),
      (c) => c.deleteValue(keys[1]!),
      (c) => c.setValue(keys[2]!, undefined),
      (c) => c.setValue(keys[1]!, 4),
      (c) => c.deleteValue(keys[2]!),
    ];
    let mine: Context = ROOT;
    let theirs: Context = ROOT_CONTEXT;
    const history: Array<[Context, Context]> = [[mine, theirs]];
    for (const op of ops) {
      mine = op(mine);
      theirs = op(theirs);
      history.push([mine, theirs]);
    }
    for (const [m, t] of history) for (const k of keys) expect(m.getValue(k)).toBe(t.getValue(k));
    expect(ROOT.getValue(keys[0]!)).toBeUndefined();
  });

  it('carries a span through the API\'s helpers', () => {
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    const ctx = trace.setSpan(ROOT, span);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(trace.getSpan(ROOT)).toBeUndefined();
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
  });
});
