// The host side of internal/runtime: the isolate's memory figures for process.memoryUsage() and
// os.totalmem()/freemem() (the action's limit is the machine the function sees).
import type { HostBuiltin } from '../host-builtin.js';

export const runtimeHost: HostBuiltin = {
  async call(op, _args, scope) {
    if (op === 'memory') return scope.memory();
    throw new TypeError(`internal/runtime: no host operation ${op}`);
  },
};
