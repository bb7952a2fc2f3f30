// Which isolates start from the built-in layer's startup snapshot (invoker/README.md, "Startup
// snapshot of the layer", "Which isolates"). An isolate from the snapshot holds the layer's heap
// (~1 MB of RSS) for its whole life, whether its action touches the layer or not; a plain isolate
// holds none, but an action that does use the layer then loads its modules at their first require.
// So the pool pays for the snapshot only where it pays: an action revision seen to use the layer
// (a built-in the snapshot holds, asked for in its first activation: isolate-runtime.ts
// onLayerUse) starts from it, one seen not to starts plain, and a revision not seen yet is guessed
// from its code. Blank prewarms are kept of both kinds.
import type { Action } from '../../shared/model/action.js';
import type { Slot } from './slot.js';

/** 'auto': per action revision (above); 'always' / 'never': every isolate from the snapshot / plain (benchmark baselines). */
export type LayerSnapshotMode = 'auto' | 'always' | 'never';

/** Revisions whose observed use is kept (the oldest observed are forgotten first, then guessed again). */
const MAX_REVISIONS = 4096;
/** Code longer than this is not scanned: it is taken to use the layer (a bundle, an npm package inlined). */
const MAX_SCANNED = 64 * 1024;
/**
 * Words with which code reaches the layer: a module loader (require, import) or a global that
 * Node defines and the layer provides (guest-builtins.js GLOBALS). A guess, in both directions:
 * the word in a comment or a string chooses the snapshot for nothing more than its memory, and
 * code that reaches a global by a computed name is seen at its first activation.
 */
const LAYER_WORDS = /\b(?:require|import|Buffer|process|URL|URLSearchParams|Text(?:En|De)coder(?:Stream)?|setImmediate|clearImmediate|structuredClone|atob|btoa|Abort(?:Controller|Signal)|Event(?:Target)?|DOMException|crypto|performance|fetch|Request|Response|Headers|Blob|File|FormData|\w*Stream|\w*QueuingStrategy)\b/;

/** The guess for a revision not seen yet: archives (npm packages) and long code use the layer; short code if it names it. */
export function guessLayerUse(action: Action): boolean {
  const code = action.exec.code;
  return action.exec.binary === true || code.length > MAX_SCANNED || LAYER_WORDS.test(code);
}

/**
 * Per pool. Contract: need(action) answers whether an isolate for it starts from the snapshot
 * (observed use of its revision, else the guess); learn() records an observation (a revision seen
 * using the layer once keeps it); prewarmKind() answers the kind of the next blank prewarm.
 */
export class LayerChoice {
  private readonly seenUse = new Map<string, boolean>();
  /** What the last placement that needed a new isolate needed (the kind a lone prewarm follows; first plain: the cheaper to hold). */
  private lastNeed = false;

  constructor(readonly mode: LayerSnapshotMode) {}

  need(action: Action): boolean {
    if (this.mode !== 'auto') return this.mode === 'always';
    const need = this.seenUse.get(revisionKey(action)) ?? guessLayerUse(action);
    this.lastNeed = need;
    return need;
  }

  /** What was observed of `action`'s revision: undefined when nothing yet. */
  seen(action: Action): boolean | undefined {
    return this.seenUse.get(revisionKey(action));
  }

  /** Observed after an isolate's first activation of `action` (the guest's answer: it chooses only how this action's isolates start). */
  learn(action: Action, uses: boolean): void {
    if (this.mode !== 'auto') return;
    const key = revisionKey(action);
    const before = this.seenUse.get(key);
    this.seenUse.delete(key);
    this.seenUse.set(key, uses || before === true);
    if (this.seenUse.size > MAX_REVISIONS) this.seenUse.delete(this.seenUse.keys().next().value!);
  }

  /** The kind of the next blank prewarm, given those there are (or being made) and the target: both kinds when it is 2 or more. */
  prewarmKind(fromSnapshot: number, plain: number, goal: number): boolean {
    if (this.mode !== 'auto') return this.mode === 'always';
    if (goal >= 2 && fromSnapshot === 0) return true;
    if (goal >= 2 && plain === 0) return false;
    return this.lastNeed;
  }
}

/**
 * The blank prewarm of `memoryMb` an activation takes: one of the kind it needs; else, only when a
 * new isolate of its kind does not fit (`room`), one of the other kind (that would hold, or lack,
 * the layer for its whole life, and V8 refuses code cache made in the other kind); else null.
 */
export function pickBlank(slots: Iterable<Slot>, memoryMb: number, layer: boolean, room: () => boolean): Slot | null {
  let other: Slot | null = null;
  for (const s of slots) {
    if (s.state !== 'blank' || s.memoryMb !== memoryMb) continue;
    if (s.layer === layer) return s;
    other ??= s;
  }
  return other !== null && !room() ? other : null;
}

const revisionKey = (a: Action): string => `${a.namespace}/${a.name}@${a.revision}`;
