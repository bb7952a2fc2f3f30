// bench:after-cold — the invokes right after a cold start (issue #18: "the invoke right after a cold
// start is slower than the cold start itself"). Each round creates a new action in photon
// standalone, invokes it once (the cold start), then at once 5 times more, then once each 50, 200
// and 1000 ms later; a warm action's invoke is timed in the same round as the yardstick. Medians
// per position over the rounds, each beside the warm yardstick as a ratio.
//
//   flock /tmp/photon-e2e.lock npm run bench:after-cold
//   BENCH_ROUNDS=30            rounds (a new action each)
//   BENCH_SANDBOX=inline       isolates in the standalone process (default: sandbox processes, PHOTON_SANDBOX's default)
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStandalone } from '../test/harness/standalone-process.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
// Address ids of this benchmark's namespaces: 45248..45375.
const ID_BASE = 45248;
const mode = process.env.BENCH_SANDBOX ?? 'process';

const p = await startStandalone({
  PHOTON_INVOKER_ID: 'aftc', PHOTON_NETNS_ID_BASE: String(ID_BASE), PHOTON_NETNS_ID_COUNT: '128', PHOTON_NETNS_FLOOR: '8', PHOTON_NETNS_CEILING: '64',
  PHOTON_INVOCATIONS_PER_MINUTE: '1000000000', PHOTON_CONCURRENT_INVOCATIONS: '1000000', PHOTON_SANDBOX: mode,
});
const code = (i: number): string => `function main(p) { return { greeting: "Hello, " + p.name, round: ${i} }; }`;
async function create(name: string, i: number): Promise<void> {
  const put = await fetch(`${p.api}/api/v1/namespaces/_/actions/${name}?overwrite=true`, { method: 'PUT', headers: p.headers, body: JSON.stringify({ exec: { kind: 'nodejs:20', code: code(i) } }) });
  if (put.status !== 200) throw new Error(`create ${name} answered ${put.status}: ${await put.text()}`);
}
async function invoke(name: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${p.api}/api/v1/namespaces/_/actions/${name}?blocking=true&result=true`, { method: 'POST', headers: p.headers, body: '{"name":"x"}' });
  await res.text();
  if (res.status !== 200) throw new Error(`invoke ${name} answered ${res.status}`);
  return performance.now() - t;
}

const POSITIONS = ['cold start', 'right after: 1st', '2nd', '3rd', '4th', '5th', '50 ms later', '200 ms later', '1 s later'] as const;
const rows = new Map<string, number[]>([...POSITIONS, 'warm action (yardstick)'].map((k) => [k, []]));
await create('warm', 0);
for (let i = 0; i < 20; i++) await invoke('warm');
console.log(`bench:after-cold: photon standalone (${mode} sandbox mode), ${ROUNDS} rounds, a new action each; load ${loadavg()[0]!.toFixed(2)}`);
for (let r = 0; r < ROUNDS; r++) {
  const name = `after${r}`;
  await create(name, r);
  await sleep(300); // let the previous round's refills finish: the cold start starts from a quiet invoker
  rows.get('warm action (yardstick)')!.push(await invoke('warm'));
  rows.get('cold start')!.push(await invoke(name));
  for (const k of POSITIONS.slice(1, 6)) rows.get(k)!.push(await invoke(name));
  await sleep(50);
  rows.get('50 ms later')!.push(await invoke(name));
  await sleep(200);
  rows.get('200 ms later')!.push(await invoke(name));
  await sleep(1000);
  rows.get('1 s later')!.push(await invoke(name));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const warm = median(rows.get('warm action (yardstick)')!);
for (const [k, xs] of rows) console.log(`  ${k.padEnd(24)} p50 ${median(xs).toFixed(2).padStart(6)} ms   ×${(median(xs) / warm).toFixed(2)} of a warm invoke`);
const cold = median(rows.get('cold start')!);
const next = median(rows.get('right after: 1st')!);
console.log(`the invoke right after a cold start: ${next.toFixed(2)} ms against the cold start's ${cold.toFixed(2)} ms (goal: faster than the cold start → ${next < cold ? 'met' : 'NOT met'}); load ${loadavg()[0]!.toFixed(2)}`);
await p.stop();
