// OpenWhisk's sequence (`exec: {kind: "sequence", components: ["/ns/a", "/ns/pkg/b"]}`): run by the
// controller (compositions/), so it has no invoker-side registration. The shape is checked here;
// that the components exist, may be read by the creator, do not make a cycle and stay within the
// length limit needs the stores and is checked at PUT by compositions/sequence-check.ts.
import { SEQUENCE_KIND } from '../../shared/model/action-kinds.js';
import type { ActionExec } from '../../shared/model/action.js';
import { ApiError } from '../api-error.js';
import type { ControllerActionKind } from './action-kind.js';

/** OpenWhisk's wording (ErrorResponse.scala Messages). */
export const SEQUENCE_MESSAGES = Object.freeze({
  tooLong: 'Too many actions in the sequence.',
  noComponent: 'No component specified for the sequence.',
  cyclic: 'Sequence may not refer to itself.',
  componentNotFound: 'Sequence component does not exist.',
});

export const sequenceKind: ControllerActionKind = {
  kind: SEQUENCE_KIND,
  aliases: [SEQUENCE_KIND],
  validateExec(raw): ActionExec {
    const components = raw.components;
    if (components === undefined || (Array.isArray(components) && components.length === 0)) throw new ApiError(400, SEQUENCE_MESSAGES.noComponent);
    if (!Array.isArray(components) || components.some((c) => typeof c !== 'string' || c.length === 0 || c.length > 1024)) {
      throw new ApiError(400, 'exec.components must be an array of fully qualified action names, e.g. ["/guest/hello", "/whisk.system/utils/echo"].');
    }
    return { kind: SEQUENCE_KIND, code: '', components: components as string[] };
  },
};
