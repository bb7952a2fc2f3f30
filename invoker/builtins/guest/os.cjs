// node:os — honest values for the isolate's view: one CPU's worth of an isolate, the action's
// memory limit as the machine's memory, no network interfaces of its own to list (sockets are
// opened by the host in the function's namespace), /tmp as the temporary folder.
const rt = require('internal/runtime');
const mem = () => rt.memory();
module.exports = {
  EOL: '\n',
  arch: () => 'x64',
  platform: () => 'linux',
  type: () => 'Linux',
  release: () => 'photon',
  version: () => 'photon isolate',
  machine: () => 'x86_64',
  hostname: () => 'photon',
  homedir: () => '/nodejsAction',
  tmpdir: () => '/tmp',
  endianness: () => 'LE',
  uptime: () => Math.floor((globalThis.performance ? globalThis.performance.now() : 0) / 1000),
  loadavg: () => [0, 0, 0],
  totalmem: () => mem().limit,
  freemem: () => Math.max(0, mem().limit - mem().used),
  availableParallelism: () => 1,
  cpus: () => [{ model: 'photon isolate', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }],
  networkInterfaces: () => ({}),
  userInfo: () => ({ uid: 1000, gid: 1000, username: 'photon', homedir: '/nodejsAction', shell: null }),
  getPriority: () => 0,
  setPriority: () => undefined,
  devNull: '/dev/null',
  constants: { signals: { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }, errno: {}, priority: {} },
};
