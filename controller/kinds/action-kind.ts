// What a kind module of the controller provides (registered in action-kinds.ts).
import type { ActionExec } from '../../shared/model/action.js';

/** Contract: validateExec throws an ApiError (400) that says what to fix; absent, the JavaScript source checks of action-validation.ts apply. */
export interface ControllerActionKind {
  /** The kind stored in the action (shared/model/action-kinds.ts). */
  kind: string;
  /** Every name a PUT may use for it (the canonical one included). */
  aliases: readonly string[];
  validateExec?(raw: Record<string, unknown>, kind: string): ActionExec;
}
