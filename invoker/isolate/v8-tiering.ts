// V8's tiering, tuned for isolates that live for a few activations (invoker/README.md "Where a
// new isolate's time goes", "First run"). V8 compiles a function with Sparkplug (its baseline
// JIT) once it has run a little, in batches of about 4 KB of estimated machine code
// (`--baseline-batch-compilation-threshold=4096`). In a new isolate every function starts cold
// (a startup snapshot keeps bytecode, not machine code or feedback), so the first activation of an
// action using the layer filled two or three such batches with functions it would run a handful
// of times in the isolate's life: on this machine that JIT work was 0.2-0.5 ms of a 0.6-1.2 ms
// first run. With larger batches a short-lived isolate rarely fills one; functions that stay hot
// still reach Maglev and TurboFan, which do not depend on Sparkplug. Process-wide (V8 flags are):
// the host's own JavaScript gets Sparkplug in larger, rarer batches. PHOTON_V8_TIERING=default
// leaves V8's own threshold (a baseline for benchmarks).
import v8 from 'node:v8';

/** The Sparkplug batch threshold set for this process (estimated bytes of machine code), or null: V8's default. */
export const SPARKPLUG_BATCH_BYTES: number | null = process.env.PHOTON_V8_TIERING === 'default' ? null : 65536;

if (SPARKPLUG_BATCH_BYTES !== null) v8.setFlagsFromString(`--baseline-batch-compilation-threshold=${SPARKPLUG_BATCH_BYTES}`);
