// Preloaded into every confined sandbox process (`node --import`, sandbox-spawn.ts) before its
// entry module, so before any code of a guest can run there: installs the seccomp filter
// (native/seccomp.ts) on every thread of the process. Where it cannot, the process says so
// loudly on stderr and in PHOTON_SECCOMP_MISSING, which sandbox-main.ts reports to the
// supervisor with 'ready' (the supervisor's WARNING line lists it with the other missing steps).
import { installSandboxSeccomp } from '../../native/index.js';

const why = installSandboxSeccomp();
if (why !== null) {
  process.env.PHOTON_SECCOMP_MISSING = why;
  process.stderr.write(`WARNING: sandbox process ${process.pid} runs WITHOUT seccomp: ${why}\n`);
}
