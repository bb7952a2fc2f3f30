// The one place parameters are merged. An activation's params are its layers merged in order of
// precedence, lowest first, OpenWhisk's: the package's < the binding's (when invoked through one) <
// the action's defaults < the invocation's (for a rule activation, the trigger's defaults < the
// event's, which together are the invocation's). Later layers win key by key (shallow), as in
// OpenWhisk.
import type { KeyValue } from './action.js';

export type ParameterLayer = readonly KeyValue[] | Readonly<Record<string, unknown>>;

export function mergeParameters(...layers: ParameterLayer[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    // `init: true` parameters are the action's environment variables (given where the isolate is
    // made, invoker/pool/pooled-isolate.ts), never arguments, as in OpenWhisk.
    if (Array.isArray(layer)) for (const kv of layer as readonly KeyValue[]) { if (kv.init !== true) out[kv.key] = kv.value; }
    else Object.assign(out, layer);
  }
  return out;
}
