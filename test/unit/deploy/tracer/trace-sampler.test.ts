// The sampler of photon's tracer decides as the SDK's samplers do, named by the same variables.
import { ROOT_CONTEXT, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { randomHex } from '../../../../shared/ids/random-hex.js';
import { samplerFromEnv, traceIdRatio } from '../../../../deploy/tracer/trace-sampler.js';

const parent = (flags: number, isRemote: boolean): SpanContext => ({ traceId: randomHex(16), spanId: randomHex(8), traceFlags: flags, isRemote });
const quiet = (line: string): void => { throw new Error(`unexpected warning: ${line}`); };

describe('samplerFromEnv', () => {
  it('always_on and always_off ignore the parent', () => {
    const on = samplerFromEnv('always_on', undefined, quiet);
    const off = samplerFromEnv('always_off', undefined, quiet);
    for (const p of [undefined, parent(TraceFlags.NONE, true), parent(TraceFlags.SAMPLED, false)]) {
      expect(on(p, randomHex(16))).toBe(true);
      expect(off(p, randomHex(16))).toBe(false);
    }
  });

  it('parentbased_* follows a parent\'s flag, remote or local, and asks its root sampler for a root', () => {
    for (const name of ['parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio', undefined]) {
      const s = samplerFromEnv(name, '0', quiet);
      for (const isRemote of [true, false]) {
        expect(s(parent(TraceFlags.SAMPLED, isRemote), randomHex(16)), `${name} under a sampled parent`).toBe(true);
        expect(s(parent(TraceFlags.NONE, isRemote), randomHex(16)), `${name} under an unsampled parent`).toBe(false);
      }
    }
    expect(samplerFromEnv(undefined, undefined, quiet)(undefined, randomHex(16))).toBe(true);
    expect(samplerFromEnv('parentbased_always_off', undefined, quiet)(undefined, randomHex(16))).toBe(false);
  });

  it('traceidratio keeps exactly the traces the SDK\'s TraceIdRatioBasedSampler keeps', () => {
    for (const ratio of [0.1, 0.5, 0.9]) {
      const ours = traceIdRatio(ratio);
      const sdk = new tracing.TraceIdRatioBasedSampler(ratio);
      let kept = 0;
      for (let i = 0; i < 2000; i++) {
        const id = randomHex(16);
        const theirs = sdk.shouldSample(ROOT_CONTEXT, id).decision === tracing.SamplingDecision.RECORD_AND_SAMPLED;
        expect(ours(undefined, id), `trace ${id} at ${ratio}`).toBe(theirs);
        if (theirs) kept++;
      }
      // And the ratio is roughly what it says (2,000 draws: ± 5 points is > 4 standard deviations).
      expect(Math.abs(kept / 2000 - ratio)).toBeLessThan(0.05);
    }
  });

  it('says so and falls back as the SDK does for an unknown sampler or a ratio out of range', () => {
    const warnings: string[] = [];
    const unknown = samplerFromEnv('jaeger_remote', undefined, (l) => warnings.push(l));
    expect(unknown(undefined, randomHex(16))).toBe(true);
    expect(unknown(parent(TraceFlags.NONE, true), randomHex(16))).toBe(false);
    const bad = samplerFromEnv('traceidratio', '1.5', (l) => warnings.push(l));
    expect(bad(undefined, randomHex(16))).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('jaeger_remote'), expect.stringContaining('OTEL_TRACES_SAMPLER_ARG=1.5')]);
  });
});
