// The registry of Node's built-in modules inside a function's context: one line per module.
// `file` is its guest-side implementation under guest/ (a CommonJS module, bundled with the npm
// packages it uses by build-builtins.ts into .bundle/), `deps` the built-ins it requires (the
// build refuses any other bare built-in it finds), `lazy` whether it is compiled only when first
// required (every module is: a cold start pays nothing for modules its action does not use).
// Names under `internal/` are the layer's own and cannot be required by functions.
// A module that needs the host (crypto, zlib, sockets, files) reaches it through
// `require('photon:host')` (see guest/host-handle.md in the README's "Built-in modules" and
// host-builtins.ts, the host side's one line per module).

/** One built-in module: where its guest code lives and what it needs. */
export interface BuiltinModule {
  /** Path under invoker/builtins/guest/ of its implementation. */
  readonly file: string;
  /** Other built-ins it requires (their names, no `node:`). */
  readonly deps: readonly string[];
  /** Compiled at first require (true), or at context creation (false). */
  readonly lazy: boolean;
}

const m = (file: string, deps: readonly string[] = [], lazy = true): BuiltinModule => ({ file, deps, lazy });

export const BUILTIN_MODULES: Readonly<Record<string, BuiltinModule>> = {
  // ---- pure JavaScript (npm implementations where well kept) ----------------------------------
  assert: m('assert.cjs', ['util', 'buffer', 'process']),
  'assert/strict': m('assert-strict.cjs', ['assert']),
  async_hooks: m('async-hooks.cjs'),
  buffer: m('buffer.cjs', ['internal/web', 'internal/runtime']),
  diagnostics_channel: m('diagnostics-channel.cjs'),
  events: m('events.cjs'),
  os: m('os.cjs', ['internal/runtime']),
  path: m('path.cjs', ['process']),
  'path/posix': m('path-posix.cjs', ['path']),
  process: m('process.cjs', ['events', 'internal/runtime']),
  punycode: m('punycode.cjs'),
  querystring: m('querystring.cjs'),
  stream: m('stream.cjs', ['buffer', 'events', 'process', 'string_decoder']),
  'stream/promises': m('stream-promises.cjs', ['stream']),
  'stream/web': m('stream-web.cjs'),
  string_decoder: m('string-decoder.cjs', ['buffer']),
  timers: m('timers.cjs', ['internal/runtime']),
  tty: m('tty.cjs'),
  'timers/promises': m('timers-promises.cjs', ['timers']),
  url: m('url.cjs', ['punycode', 'querystring', 'buffer', 'internal/tr46', 'internal/web']),
  util: m('util.cjs', ['buffer', 'process', 'internal/web', 'assert']),
  'util/types': m('util-types.cjs', ['util']),
  // ---- host-backed: Node's own code on the host (host-builtins.ts), reached with copies ---------
  crypto: m('crypto.cjs', ['buffer', 'stream', 'string_decoder', 'internal/web']),
  zlib: m('zlib.cjs', ['buffer', 'stream']),
  // ---- provided by other parts of the issue: placeholders that throw at use ------------------
  dgram: m('dgram.cjs', ['events', 'buffer']),
  dns: m('dns.cjs'),
  'dns/promises': m('dns-promises.cjs', ['dns']),
  fs: m('fs.cjs', ['buffer', 'stream', 'events', 'internal/fs-core', 'timers']),
  'fs/promises': m('fs-promises.cjs', ['fs']),
  http: m('http.cjs', ['stream', 'events', 'buffer', 'net', 'internal/http-codes', 'internal/host-stream', 'url', 'timers']),
  https: m('https.cjs', ['http']),
  net: m('net.cjs', ['stream', 'events', 'internal/host-stream', 'timers']),
  tls: m('tls.cjs', ['net', 'buffer']),
  // ---- cannot exist in an isolate: importable, throw at the call -----------------------------
  child_process: m('unavailable.cjs'),
  cluster: m('unavailable.cjs'),
  http2: m('unavailable.cjs'), // HTTP/2 is not provided (yet): packages that only mention it (axios) load
  inspector: m('unavailable.cjs'),
  v8: m('unavailable.cjs'),
  vm: m('unavailable.cjs'),
  worker_threads: m('unavailable.cjs'),
  // ---- the layer's own (not requirable by functions) -----------------------------------------
  'internal/runtime': m('runtime.cjs', ['internal/runtime']),
  'internal/fs-core': m('fs-core.cjs', ['buffer', 'path', 'internal/runtime']),
  'internal/host-stream': m('host-stream.cjs', ['buffer']),
  'internal/http-codes': m('http-codes.cjs'),
  'internal/web': m('web.cjs', ['buffer', 'internal/runtime', 'stream/web', 'crypto']),
  'internal/tr46': m('tr46.cjs', ['punycode']), // UTS #46's tables, for URL hosts beyond ASCII (guest/tr46-ascii.cjs)
};

/** Built-ins a function may require (`x` and `node:x`). */
export const PUBLIC_BUILTINS: readonly string[] = Object.keys(BUILTIN_MODULES).filter((n) => !n.startsWith('internal/'));
