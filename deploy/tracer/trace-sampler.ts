// The sampling decision of photon's tracer, from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as
// the OpenTelemetry SDK reads them: always_on, always_off, traceidratio, and parentbased_* of each
// (the default: parentbased_always_on). The ratio sampler hashes the trace id exactly as the SDK's
// TraceIdRatioBasedSampler does, so a trace is kept or dropped alike by either tracer.
import { TraceFlags, type SpanContext } from '@opentelemetry/api';

/**
 * Whether a new span records. `parent` is the valid span context of its parent, or undefined for
 * a root; `traceId` is the new span's (the parent's, or a fresh one). Pure and cheap: it runs for
 * every span started, sampled or not.
 */
export type Sampler = (parent: SpanContext | undefined, traceId: string) => boolean;

const alwaysOn: Sampler = () => true;
const alwaysOff: Sampler = () => false;

/** The SDK's hash: the trace id's 32-bit words xor-ed, against ratio × 2^32−1. */
export function traceIdRatio(ratio: number): Sampler {
  const r = Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
  if (r >= 1) return alwaysOn;
  if (r <= 0) return alwaysOff;
  const bound = Math.floor(r * 0xffffffff);
  return (_parent, traceId) => {
    let acc = 0;
    for (let i = 0; i < traceId.length / 8; i++) acc = (acc ^ parseInt(traceId.slice(i * 8, i * 8 + 8), 16)) >>> 0;
    return acc <= bound;
  };
}

/** A parent's decision is followed (sampled or not, remote or local); a root goes to `root`. */
export function parentBased(root: Sampler): Sampler {
  return (parent, traceId) => (parent === undefined ? root(parent, traceId) : (parent.traceFlags & TraceFlags.SAMPLED) !== 0);
}

/**
 * The sampler the variables name. An unknown name or an unparsable ratio is reported through
 * `warn` and gives the SDK's fallback (parentbased_always_on; a ratio of 1).
 */
export function samplerFromEnv(name: string | undefined, arg: string | undefined, warn: (line: string) => void): Sampler {
  const ratio = (): number => {
    if (arg === undefined || arg.trim() === '') return 1;
    const r = Number(arg);
    if (Number.isNaN(r) || r < 0 || r > 1) {
      warn(`OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio in [0, 1]: 1 is used`);
      return 1;
    }
    return r;
  };
  switch ((name ?? '').trim().toLowerCase()) {
    case 'always_on': return alwaysOn;
    case 'always_off': return alwaysOff;
    case 'traceidratio': return traceIdRatio(ratio());
    case '':
    case 'parentbased_always_on': return parentBased(alwaysOn);
    case 'parentbased_always_off': return parentBased(alwaysOff);
    case 'parentbased_traceidratio': return parentBased(traceIdRatio(ratio()));
    default:
      warn(`OTEL_TRACES_SAMPLER=${name} is not supported by photon's tracer: parentbased_always_on is used`);
      return parentBased(alwaysOn);
  }
}
