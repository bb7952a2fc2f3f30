// The outcome of one activation as it crosses from a sandbox to the supervisor in 'done' (issue 13,
// the hop's cost). JSON is most of the per-message CPU on both sides of the channel (stringify in
// the sandbox, parse in the supervisor; ~9 µs for a warm hello world's 590 B here), and most of a
// warm outcome is what the supervisor already knows: the activation id it sent, and annotations
// the pool derives from the action's limits, the start kind, the isolate and the namespace. So an
// outcome whose annotations are exactly the pool's standard ones (isolate-pool.ts outcome()) goes
// without them and the id, two flags in their place, and the supervisor rebuilds them; any other
// outcome (refused, synthetic, an annotation list of another shape) goes whole. What the
// supervisor gets back is equal, field for field, to what the pool produced.
import type { Action, KeyValue } from '../../shared/model/action.js';
import type { ActivationOutcome } from '../pool/activation-outcome.js';

/**
 * An ActivationOutcome on the channel. Contract: `annotations` absent means the pool's standard
 * list, rebuilt from the other fields, the run's action limits, `timedOut` and `fresh`;
 * `activationId` absent means the run's.
 */
export type WireOutcome = Omit<ActivationOutcome, 'activationId' | 'annotations'> & {
  activationId?: string;
  annotations?: KeyValue[];
  /** The 'timeout' annotation's value, when annotations are left out (absent: false). */
  timedOut?: true;
  /** A 'freshContext' annotation (true) ended the list. */
  fresh?: true;
};

/** Sandbox side: leaves out what unpackOutcome can rebuild exactly from `action` and `activationId`. */
export function packOutcome(o: ActivationOutcome, action: Action, activationId: string): WireOutcome {
  const std = standardFlags(o, action);
  if (std === null) return o;
  // A rest copy, not `delete` (which would turn the object into a slow dictionary for JSON.stringify).
  const { activationId: id, annotations, ...rest } = o;
  void annotations;
  const wire: WireOutcome = id === activationId ? rest : { ...rest, activationId: id };
  if (std.timedOut) wire.timedOut = true;
  if (std.fresh) wire.fresh = true;
  return wire;
}

/**
 * Supervisor side: the outcome the pool produced, from the wire form and the run it answers. It
 * completes `w` in place (a message just parsed, owned by the caller): a copy would cost as much
 * CPU as the bytes left out saved.
 */
export function unpackOutcome(w: WireOutcome, action: Action, activationId: string): ActivationOutcome {
  if (w.annotations === undefined) {
    w.annotations = [
      { key: 'limits', value: action.limits },
      { key: 'timeout', value: w.timedOut === true },
      { key: 'isolateStart', value: w.startKind },
      { key: 'isolate', value: w.isolateId },
      { key: 'namespaceId', value: w.namespaceId },
      ...(w.fresh ? [{ key: 'freshContext', value: true }] : []),
    ];
    // Present only when true, so rarely deleted (a delete makes a slow object).
    if (w.timedOut) delete w.timedOut;
    if (w.fresh) delete w.fresh;
  }
  w.activationId ??= activationId;
  return w as ActivationOutcome;
}

/** The flags that stand for `o.annotations` if they are the pool's standard list for `action`; else null. */
function standardFlags(o: ActivationOutcome, action: Action): { timedOut: boolean; fresh: boolean } | null {
  const a = o.annotations;
  if (o.isolateId === null || (a.length !== 5 && a.length !== 6)) return null;
  const [limits, timeout, start, isolate, ns, fresh] = a;
  if (limits?.key !== 'limits' || !sameLimits(limits.value, action.limits)) return null;
  if (timeout?.key !== 'timeout' || typeof timeout.value !== 'boolean') return null;
  if (start?.key !== 'isolateStart' || start.value !== o.startKind) return null;
  if (isolate?.key !== 'isolate' || isolate.value !== o.isolateId) return null;
  if (ns?.key !== 'namespaceId' || ns.value !== o.namespaceId) return null;
  if (fresh !== undefined && (fresh.key !== 'freshContext' || fresh.value !== true)) return null;
  return { timedOut: timeout.value, fresh: fresh !== undefined };
}

/** The limits the isolate ran under are the run's action's: the same object on a warm run (the sandbox keeps actions by key); by value otherwise. */
function sameLimits(a: unknown, b: Action['limits']): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
