// bench:peers' CPU per request by process rests on splitTreeCpuMs putting each process below a
// photon process in the right part: the trees whose command line matches (an invoker's sandbox
// processes) apart from the process itself and its other children.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { splitTreeCpuMs, treeSchedCpuMs } from '../../../bench/process-tree.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A child that burns `cpuMs` of its own CPU time (process.cpuUsage), says so, then sleeps. */
function child(cpuMs: number, marker: string): Promise<ChildProcess> {
  const code = `const end = ${cpuMs} * 1000; while (process.cpuUsage().user + process.cpuUsage().system < end) {} console.log('ready'); setInterval(() => {}, 1e6);`;
  const c = spawn(process.execPath, ['-e', code, marker], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  return new Promise((resolve, reject) => {
    c.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(c); });
    c.on('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
}

describe('splitTreeCpuMs', () => {
  it('counts the trees whose command line matches apart from the rest of the tree', async () => {
    const busy = await child(400, 'sandbox-main-like');
    await child(0, 'plain');
    const before = treeSchedCpuMs(process.pid);
    const split = splitTreeCpuMs(process.pid, /sandbox-main/);
    const after = treeSchedCpuMs(process.pid);
    // The busy child burned at least 400 ms, all of it in `part`; the idle one only its start-up.
    expect(split.part).toBeGreaterThanOrEqual(390);
    expect(split.part).toBeGreaterThanOrEqual(treeSchedCpuMs(busy.pid!) - 1);
    expect(split.rest).toBeLessThan(390);
    expect(split.own).toBeGreaterThan(0);
    // Nothing counted twice or left out: the parts add up to the whole tree, read just before and just after.
    expect(split.own + split.part + split.rest).toBeGreaterThanOrEqual(before);
    expect(split.own + split.part + split.rest).toBeLessThanOrEqual(after);
  });
});
