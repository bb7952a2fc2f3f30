// The controller's registry of action kinds: which `exec.kind` names a PUT may use, the canonical
// kind each resolves to, and how its `exec` is checked. A new kind (sequence, conductor, another
// runtime) is one module under controller/kinds/ plus one line in KINDS below; the invoker has the
// matching registry for loading and running it (invoker/kinds/action-kinds.ts).
//
// Why two registries and not one in shared/: validation answers the REST API's 400s (controller
// only) and loading runs inside the invoker's isolates (invoker only); shared/ holds just the
// canonical names both sides agree on (shared/model/action-kinds.ts).
import type { ControllerActionKind } from './action-kind.js';
import { nodejsKind } from './nodejs-kind.js';
import { sequenceKind } from './sequence-kind.js';

export type { ControllerActionKind };

const KINDS: readonly ControllerActionKind[] = [
  nodejsKind,
  sequenceKind,
];

const BY_ALIAS = new Map(KINDS.flatMap((k) => k.aliases.map((a) => [a, k] as const)));

/** The registered kind a PUT's exec.kind names, or undefined. */
export function actionKind(name: string): ControllerActionKind | undefined {
  return BY_ALIAS.get(name);
}

/** Every accepted exec.kind name, for error messages. */
export function kindNames(): string[] {
  return [...BY_ALIAS.keys()];
}
