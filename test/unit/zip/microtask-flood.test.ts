// Guest code never runs on the invoker's thread. An archive action that floods the microtask
// queue and then loads another file of its archive used to take the invoker down: the host
// compiled and ran the module from inside the guest's synchronous require, the run ended with
// V8's microtask checkpoint on the invoker's thread, and the flood ran there (a hung event loop,
// or V8's "archived threads in combination with wasm not supported" abort). Each case runs in a
// child process (microtask-flood-child.ts) under a watchdog, so a crash or hang fails the test
// instead of taking vitest down.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./microtask-flood-child.ts', import.meta.url));
const WATCHDOG_MS = 45_000;

function runChild(variant: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', CHILD, variant], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, WATCHDOG_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}

describe('a microtask flood never runs on the invoker thread', () => {
  for (const [variant, what] of [
    ['cjs', 'a CommonJS module that floods, then requires another file of the archive at load'],
    ['run', 'main() that floods, then requires a file of the archive for the first time'],
    ['esm', 'an ES module entry whose graph floods, then evaluates a CommonJS file'],
  ] as const) {
    it(`${what}: the action times out, another activation completes, the process lives`, async () => {
      const out = await runChild(variant);
      const detail = `exit ${out.code} signal ${out.signal} watchdog ${out.killed}\n${out.stderr.slice(-2000)}`;
      expect(out.killed, detail).toBe(false);
      expect(out.code, detail).toBe(0);
      const result = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as { flood: { status: string; result: { error: string } }; ok: { status: string; result: unknown } };
      expect(result.ok).toEqual({ status: 'success', result: { ok: 7 } });
      expect(result.flood.status).toBe('action developer error');
      // The flood's chain of promises grows until one limit ends it: the timeout, or on a fast
      // machine the action's memory first (seen in a full unit run). Either is the action's error.
      expect(result.flood.result.error).toMatch(/exceeded its time limits of 1500 milliseconds|The action exhausted its memory and was aborted/);
    }, WATCHDOG_MS + 10_000);
  }
});
