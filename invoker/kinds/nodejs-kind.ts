// Single-file JavaScript: the source is installed as it is, `exec.main` (default `main`) is the entry.
import { NODEJS_KIND } from '../../shared/model/action-kinds.js';
import type { InvokerActionKind } from './action-kind.js';

export const nodejsKind: InvokerActionKind = {
  kind: NODEJS_KIND,
  runtime: 'isolate',
  load: (exec) => ({ code: exec.code, entry: exec.main ?? 'main' }),
};
