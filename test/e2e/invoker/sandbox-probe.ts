// Run as a sandbox process by sandbox.test.ts through spawnSandbox() itself (the sandbox's lowest
// layer), standing in for a guest that escaped its isolate and runs arbitrary code in the process:
// it tries what a sandbox must not be able to do and reports each result over the IPC channel.
import { openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import koffi from 'koffi';

const [secretFile, netnsFile, controllerPort] = process.argv.slice(2) as [string, string, string];

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve('timeout'); }, 1500);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
    s.once('error', (e) => { clearTimeout(t); resolve(`error: ${e.message}`); });
  });
}

function trySetns(): string {
  let fd: number;
  try {
    fd = openSync(netnsFile, 'r');
  } catch (e) {
    return `open failed: ${(e as Error).message}`;
  }
  const libc = koffi.load('libc.so.6');
  const setns = libc.func('int setns(int fd, int nstype)');
  const CLONE_NEWNET = 0x40000000;
  return setns(fd, CLONE_NEWNET) === 0 ? 'entered' : 'setns failed';
}

function tryRead(file: string): string {
  try {
    return `read: ${readFileSync(file, 'utf8').length} bytes`;
  } catch (e) {
    return `error: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

const status = readFileSync('/proc/self/status', 'utf8');
const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
process.send!({
  uid: process.getuid!(),
  capEff: field('CapEff'),
  capBnd: field('CapBnd'),
  noNewPrivs: field('NoNewPrivs'),
  cgroups: readFileSync('/proc/self/cgroup', 'utf8'),
  redis: await tryConnect('127.0.0.1', 6379),
  kafka: await tryConnect('127.0.0.1', 9092),
  controller: await tryConnect('127.0.0.1', Number(controllerPort)),
  setns: trySetns(),
  secret: tryRead(secretFile),
  shadow: tryRead('/etc/shadow'),
}, () => process.exit(0));
