// An action's limits as the pool enforces them: OpenWhisk's defaults filled in, ranges checked
// (the controller validates on create; the invoker does not trust that).
import { DEFAULT_LIMITS, LIMIT_RANGES } from '../../shared/model/action.js';
import type { ActionLimits } from '../../shared/model/action.js';

/** The action's limits with defaults filled in, or why they are out of OpenWhisk's ranges. */
export function checkLimits(limits: Partial<ActionLimits> | undefined): ActionLimits | string {
  const l: ActionLimits = { ...DEFAULT_LIMITS, ...(limits ?? {}) };
  for (const k of Object.keys(LIMIT_RANGES) as (keyof ActionLimits)[]) {
    const [min, max] = LIMIT_RANGES[k];
    if (!Number.isInteger(l[k]) || l[k] < min || l[k] > max) return `The action's ${k} limit ${String(l[k])} is outside ${min}..${max}.`;
  }
  return l;
}
