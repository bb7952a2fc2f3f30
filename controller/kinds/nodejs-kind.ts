// Single-file JavaScript (OpenWhisk's nodejs kind): `nodejs:default` and `nodejs` resolve to the
// one Node.js runtime photon has, as OpenWhisk resolves `nodejs:default`. Its exec checks are the
// JavaScript source checks of action-validation.ts (no validateExec of its own).
import { NODEJS_KIND } from '../../shared/model/action-kinds.js';
import type { ControllerActionKind } from './action-kind.js';

export const nodejsKind: ControllerActionKind = {
  kind: NODEJS_KIND,
  aliases: [NODEJS_KIND, 'nodejs:default', 'nodejs'],
};
