// What the invoker's record write + slot release costs the client per activation, as today's four
// auto-pipelined commands (SET NX PX, ZADD NX ×2, ZREM) against one EVALSHA doing the same four,
// at 16 in flight, on a private redis-server (from PATH): the process's own CPU (user + system) per
// activation, alternating blocks. Evidence for issue 18's "invoker's Redis writes as one script".
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

const port = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); }); });
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 300));
const redis = new Redis({ port, host: '127.0.0.1', enableAutoPipelining: true });
const SCRIPT = `
local first = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[4])
local released = redis.call('ZREM', KEYS[4], ARGV[4])
return {first and 1 or 0, released}`;
redis.defineCommand('finish', { numberOfKeys: 4, lua: SCRIPT });
// The controller's admission: INCR of the minute's rate, ZADD NX of the slot, ZCARD.
redis.defineCommand('admit', { numberOfKeys: 2, lua: `
local rate = redis.call('INCR', KEYS[1])
local added = redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[2])
return {rate, added, redis.call('ZCARD', KEYS[2])}` });
const record = JSON.stringify({ namespace: 'guest', name: 'hello', version: '0.0.1', subject: 'guest', activationId: 'x'.repeat(32), start: 1, end: 2, duration: 1, response: { status: 'success', statusCode: 0, success: true, result: { payload: 'Hello, World!' } }, logs: [], annotations: [{ key: 'path', value: 'guest/hello' }, { key: 'kind', value: 'nodejs:20' }, { key: 'limits', value: { timeout: 60000, memory: 256, logs: 10, concurrency: 1 } }, { key: 'waitTime', value: 3 }], publish: false });
let n = 0;
const id = (): string => (n++).toString(16).padStart(32, '0');
const plain = async (): Promise<void> => {
  const a = id();
  await Promise.all([redis.set(`p:activation:${a}`, record, 'PX', 604800000, 'NX'), redis.zadd('p:activations:guest', 'NX', Date.now(), a), redis.zadd('p:activations:guest/hello', 'NX', Date.now(), a), redis.zrem('p:conc:guest', a)]);
};
const script = async (): Promise<void> => {
  const a = id();
  await (redis as unknown as { finish(...args: Array<string | number>): Promise<unknown> }).finish(`p:activation:${a}`, 'p:activations:guest', 'p:activations:guest/hello', 'p:conc:guest', record, 604800000, Date.now(), a);
};
const admitPlain = async (): Promise<void> => {
  const a = id();
  await Promise.all([redis.incr('p:rate:guest:1'), redis.zadd('p:conc2:guest', 'NX', Date.now(), a), redis.zcard('p:conc2:guest')]);
  await redis.zrem('p:conc2:guest', a);
};
const admitScript = async (): Promise<void> => {
  const a = id();
  await (redis as unknown as { admit(...args: Array<string | number>): Promise<unknown> }).admit('p:rate:guest:1', 'p:conc2:guest', Date.now(), a);
  await redis.zrem('p:conc2:guest', a);
};
async function block(f: () => Promise<void>, count: number): Promise<number> {
  const c0 = process.cpuUsage();
  let left = count;
  await Promise.all(Array.from({ length: 16 }, async () => { while (left-- > 0) await f(); }));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / count;
}
await block(plain, 5000); await block(script, 5000);
const res: Record<string, number[]> = { plain: [], script: [], admitPlain: [], admitScript: [] };
const arms: Array<[string, () => Promise<void>]> = [['plain', plain], ['script', script], ['admitPlain', admitPlain], ['admitScript', admitScript]];
for (let round = 0; round < 8; round++) {
  for (const [k, f] of round % 2 ? [...arms].reverse() : arms) res[k]!.push(await block(f, 10_000));
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`client CPU per activation (µs, median of 8 blocks of 10,000 at 16 in flight): 4 pipelined commands ${med(res.plain!).toFixed(1)} [${res.plain!.map((x) => x.toFixed(1)).join(' ')}], one EVALSHA ${med(res.script!).toFixed(1)} [${res.script!.map((x) => x.toFixed(1)).join(' ')}]`);
console.log(`admission (each + one ZREM as the release, plain): INCR + ZADD NX + ZCARD ${med(res.admitPlain!).toFixed(1)} [${res.admitPlain!.map((x) => x.toFixed(1)).join(' ')}], one EVALSHA ${med(res.admitScript!).toFixed(1)} [${res.admitScript!.map((x) => x.toFixed(1)).join(' ')}]`);
console.log(`load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
redis.disconnect();
server.kill();
