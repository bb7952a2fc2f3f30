// node:process and the `process` global: an EventEmitter with the OpenWhisk environment
// (`env` holds the __OW_* variables and init parameters only), the isolate's honest view of the
// platform, and exit() ending the activation as the exit of OpenWhisk's action process does.
const { EventEmitter } = require('events');
const rt = require('internal/runtime');
const NODE_VERSION = 'v20.19.0';
const process = new EventEmitter();
// Object.prototype.toString(process) is '[object process]' in Node: axios picks its http adapter by it.
Object.defineProperty(process, Symbol.toStringTag, { value: 'process', configurable: true });
// From the context's start (rt.timeOrigin: not when this top level ran, which may be in the layer's startup snapshot).
const perf = () => (globalThis.performance && typeof globalThis.performance.now === 'function' ? globalThis.performance.now() : Date.now() - rt.timeOrigin());
function hrtime(prev) {
  const ns = Math.round(perf() * 1e6);
  let s = Math.floor(ns / 1e9);
  let n = ns % 1e9;
  if (Array.isArray(prev)) { s -= prev[0]; n -= prev[1]; if (n < 0) { s--; n += 1e9; } }
  return [s, n];
}
hrtime.bigint = () => BigInt(Math.round(perf() * 1e6));
function nextTick(fn, ...args) {
  if (typeof fn !== 'function') { const e = new TypeError('The "callback" argument must be of type function. Received ' + typeof fn); e.code = 'ERR_INVALID_ARG_TYPE'; throw e; }
  // Microtasks: ticks run before the next timer, immediate or host event, as in Node (Node runs
  // them ahead of promise reactions as well; here they interleave with them).
  Promise.resolve().then(() => fn(...args)).catch((e) => rt.log('stderr', ['Uncaught exception in a process.nextTick callback:', e]));
}
Object.assign(process, {
  title: 'node',
  version: NODE_VERSION,
  versions: { node: NODE_VERSION.slice(1), v8: '11.3.244.8-node.28', uv: '1.46.0', modules: '115', unicode: '15.1', photon: '1' },
  arch: 'x64',
  platform: 'linux',
  release: { name: 'node', lts: 'Iron' },
  env: rt.env,
  argv: ['/usr/local/bin/node', '/nodejsAction/index.js'],
  argv0: 'node',
  execArgv: [],
  execPath: '/usr/local/bin/node',
  pid: 1,
  ppid: 0,
  exitCode: undefined,
  browser: false,
  config: { variables: {} },
  features: {},
  cwd: () => '/nodejsAction',
  chdir: () => { const e = new Error('process.chdir() is not supported in photon'); e.code = 'ERR_WORKER_UNSUPPORTED_OPERATION'; throw e; },
  umask: () => 0o22,
  uptime: () => perf() / 1000,
  hrtime,
  nextTick,
  exit: (code) => rt.exit(code === undefined ? process.exitCode : code),
  abort: () => rt.exit(134),
  kill: () => { const e = new Error('kill EPERM'); e.code = 'EPERM'; throw e; },
  memoryUsage: Object.assign(() => {
    const m = rt.memory();
    return { rss: m.total, heapTotal: m.total, heapUsed: m.used, external: m.external, arrayBuffers: m.external };
  }, { rss: () => rt.memory().total }),
  resourceUsage: () => ({ userCPUTime: Math.round(perf() * 1000), systemCPUTime: 0, maxRSS: Math.round(rt.memory().total / 1024) }),
  cpuUsage: () => ({ user: Math.round(perf() * 1000), system: 0 }),
  emitWarning: (w) => rt.log('stderr', ['(node) Warning: ' + (w && w.message ? w.message : String(w))]),
  binding: (name) => { const e = new Error('No such module: ' + name); e.code = 'ERR_INVALID_MODULE'; throw e; },
  getuid: () => 1000, geteuid: () => 1000, getgid: () => 1000, getegid: () => 1000, getgroups: () => [],
  stdout: { write: (s) => { rt.log('stdout', [String(s).replace(/\n$/, '')]); return true; }, isTTY: false, fd: 1 },
  stderr: { write: (s) => { rt.log('stderr', [String(s).replace(/\n$/, '')]); return true; }, isTTY: false, fd: 2 },
  stdin: { isTTY: false, fd: 0, on() { return this; } },
});
module.exports = process;
