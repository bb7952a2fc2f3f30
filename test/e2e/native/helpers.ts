// Shared by the native/ e2e tests: probes that report what happened to a connection attempt
// instead of throwing, and views of what this test's invoker id has left on the machine.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { expect } from 'vitest';
import type { NamespaceCache, NetworkNamespace } from '../../../native/index.js';

/** `unreachable`: EHOSTUNREACH, what the egress policy's reject produces. */
export type ConnectOutcome = 'connected' | 'refused' | 'unreachable' | 'timeout' | `error:${string}`;

/**
 * The egress policy rejects with ICMP admin-prohibited (EHOSTUNREACH), but the kernel rate-limits
 * ICMP per destination (net.ipv4.icmp_ratelimit), so after a burst of probes a blocked connect
 * may time out instead. Either is blocked; connecting or being refused by a listener is not.
 */
export function expectBlocked(outcome: ConnectOutcome): void {
  expect(outcome).toMatch(/^(unreachable|timeout)$/);
}

/** Connects from inside `ns` (fd from the cache, wrapped by net.Socket) and reports the outcome. */
export function connectFrom(cache: NamespaceCache, ns: NetworkNamespace, host: string, port: number, timeoutMs = 800): Promise<ConnectOutcome> {
  const socket = new net.Socket({ fd: cache.sockets.tcpSocket(ns) });
  return settle(socket, host, port, timeoutMs);
}

/** Connects and reads what the server says (servers in these tests write a token and end). */
export function fetchToken(cache: NamespaceCache, ns: NetworkNamespace, host: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = new net.Socket({ fd: cache.sockets.tcpSocket(ns) });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(`error:${err.code ?? err.message}`);
    });
    socket.connect(port, host);
  });
}

function settle(socket: net.Socket, host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (err.code === 'ECONNREFUSED') resolve('refused');
      else if (err.code === 'EHOSTUNREACH') resolve('unreachable');
      else resolve(`error:${err.code ?? err.message}`);
    });
    socket.connect(port, host);
  });
}

/** A server from a listening fd made inside a namespace, writing `token` to every client. */
export function serveToken(fd: number, token: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => s.end(token));
    server.once('error', reject);
    server.listen({ fd }, () => resolve(server));
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export function namespacesOf(tag: string): string[] {
  return readdirSync('/run/netns').filter((n) => n.startsWith(`photon-${tag}-`));
}
export function hostVethsOf(tag: string): string[] {
  return readdirSync('/sys/class/net').filter((n) => n.startsWith(`ph-${tag}-h`));
}
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Runs a fixture with tsx in its own process; resolves on the first stdout line starting with `ready`. */
export function spawnFixture(file: string, args: string[], extraPrefix: string[] = []): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(...command(extraPrefix, ['node', '--no-node-snapshot', '--import', 'tsx', file, ...args]), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('ready'));
      if (line) resolve(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`fixture exited (${code ?? signal}) before ready:\n${out}\n${err}`)));
  });
  return { child, ready };
}

function command(prefix: string[], cmd: string[]): [string, string[]] {
  const all = [...prefix, ...cmd];
  return [all[0]!, all.slice(1)];
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}
