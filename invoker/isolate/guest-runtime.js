// The runtime inside every function context: console, timers, a small TCP API, the OpenWhisk
// main() contract, and Node's built-in modules and globals through guest-builtins.js (process,
// Buffer, fetch, URL, … are that layer's). It is not a module: isolate-runtime.ts evaluates this
// one function expression in a fresh context and calls it with the host's fire-and-forget `send`
// callback, the host's synchronous callback (`hostFs`: an archive action's files, built-in
// modules' code), the module loader's and the built-ins' factories (guest-module-loader.js,
// guest-builtins.js), the host's call Reference for built-ins' synchronous host calls, the
// built-in registry and the names of the bundled npm packages (bundled-packages.ts), a getter of the
// isolate's staging area, and the factories of guest-memory.js and guest-text.js (UTF-8, console's
// formatting), and keeps references to what it returns (install, run, deliver, esm).
// The host's callbacks may be late-bound stand-ins (isolate-runtime.ts: a context made from the
// layer's startup snapshot ran this before any host existed, and is bound after its start).
// Nothing of the host is reachable from here except `send`, `hostFs` and `hostCall`, which these
// closures keep to themselves.
// Messages are described in guest-protocol.ts. Results leave as one string whose first character
// says what it is (o: ok JSON, a: application error JSON, d: developer error text, t: too large
// JSON) so that a large result is not JSON-encoded twice.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- evaluated as an expression by the host
(function photonGuest(send, hostFs, makeLoader, makeBuiltins, hostCall, builtinTable, packageNames, stage, makeMemory, makeText) {
  'use strict';
  const G = globalThis;
  // First, before anything else captures a constructor: bytes outside the heap are counted (guest-memory.js).
  const memory = makeMemory(G, send);
  // Intrinsics captured before user code can replace them.
  const jsonStringify = JSON.stringify;
  const jsonParse = JSON.parse;
  const objectKeys = Object.keys;
  const MapCtor = Map;
  const SetCtor = Set;
  const FunctionCtor = Function;
  const PromiseCtor = Promise;
  const DateCtor = Date;
  const StringCtor = String;

  // When this context started serving: performance.timeOrigin and process.uptime() count from it.
  // Set again by started() when a context made from the layer's startup snapshot is bound to its
  // isolate, so that no time of the snapshot's making leaks into a function's clock.
  let timeOrigin = DateCtor.now();
  const config = { logLimit: 10 * 1024 * 1024, resultLimit: 1024 * 1024, archive: false, root: '/nodejsAction', env: {} };
  let main = null;
  let inflight = 0;

  // ---- UTF-8 and console formatting (guest-text.js) ------------------------------------------
  const { utf8Encode, utf8Decode, utf8Length, utf8Write, utf8Slice, toArrayBuffer, format, takeNative: takeNativeText } = makeText(StringCtor, jsonStringify);

  // ---- console -------------------------------------------------------------------------------
  // The guest stops sending once a busy period (activations in flight) logged more than the
  // limit, so a logging loop cannot flood the host; the host keeps the exact per-activation count.
  let logBytes = 0;
  let logCut = false;
  function emit(stream, args) {
    if (config.logLimit <= 0 || logCut) return;
    const time = new DateCtor().toISOString();
    const lines = format(args).split('\n');
    for (const text of lines) {
      logBytes += utf8Length(text);
      if (logBytes > config.logLimit) { logCut = true; send({ op: 'log-truncated' }); return; }
      send({ op: 'log', stream, time, text });
    }
  }
  const console = {
    log: (...a) => emit('stdout', a), info: (...a) => emit('stdout', a), debug: (...a) => emit('stdout', a),
    trace: (...a) => emit('stderr', a), warn: (...a) => emit('stderr', a), error: (...a) => emit('stderr', a),
    dir: (v) => emit('stdout', [v]), table: (v) => emit('stdout', [v]),
  };

  // ---- timers --------------------------------------------------------------------------------
  // Every timer, request and socket costs the host memory outside the isolate's limit, so a
  // context may hold only so many at once.
  const MAX_TIMERS = 10000;
  const MAX_PENDING = 1000;
  const timers = new MapCtor();
  let seq = 0;
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be a function');
    if (timers.size >= MAX_TIMERS) throw new RangeError('too many timers (' + MAX_TIMERS + ') in this activation');
    const id = ++seq;
    const delay = Math.min(Math.max(Number(ms) || 0, 0), 2147483647);
    timers.set(id, { fn, args, repeat });
    send({ op: 'timer', id, ms: delay, repeat });
    return id;
  }
  function clearTimer(id) { if (timers.delete(id)) send({ op: 'clear-timer', id }); }
  function onTimer(id) {
    const t = timers.get(id);
    if (!t) return;
    if (!t.repeat) timers.delete(id);
    try { t.fn(...t.args); } catch (e) { uncaught('a timer callback', e); }
  }

  // ---- requests to the host (fetch, sockets, built-ins' asynchronous calls) ------------------
  const pending = new MapCtor();
  function request(msg) {
    if (pending.size >= MAX_PENDING) return PromiseCtor.reject(new RangeError('too many requests and sockets (' + MAX_PENDING + ') in flight'));
    return new PromiseCtor((resolve, reject) => { pending.set(msg.id, { resolve, reject }); send(msg); });
  }
  function settle(id, ok, value) {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (ok) p.resolve(value); else p.reject(value);
  }
  /** The host's fetch: {url, method, headers: [k, v][], body: ArrayBuffer|null} → the raw fetch-response message. */
  function rawFetch(m) {
    return request({ op: 'fetch', id: ++seq, url: m.url, method: m.method, headers: m.headers, body: m.body });
  }

  // ---- tcp -----------------------------------------------------------------------------------
  // Connections buffer their events until a 'data' listener is attached, so nothing that arrives
  // between accept/connect and the user's first on('data') is lost.
  const conns = new MapCtor();
  const servers = new MapCtor();
  class Connection {
    constructor(id, info) {
      this._id = id; this._on = { data: [], end: [], close: [], error: [] }; this._queue = []; this._flowing = false;
      this.remoteAddress = info.remoteAddress; this.remotePort = info.remotePort; this.localAddress = info.localAddress; this.localPort = info.localPort;
      this.closed = false;
    }
    on(ev, fn) {
      if (!this._on[ev]) throw new TypeError('unknown event ' + ev);
      this._on[ev].push(fn);
      if (ev === 'data' && !this._flowing) { this._flowing = true; PromiseCtor.resolve().then(() => { const q = this._queue; this._queue = []; for (const [e, a] of q) this._emit(e, a); }); }
      return this;
    }
    _push(ev, arg) { if (this._flowing) this._emit(ev, arg); else this._queue.push([ev, arg]); }
    _emit(ev, arg) { for (const fn of this._on[ev]) { try { fn(arg); } catch (e) { uncaught('a socket listener', e); } } }
    write(data) { send({ op: 'write', conn: this._id, data: toArrayBuffer(data), end: false }); return true; }
    end(data) { send({ op: 'write', conn: this._id, data: toArrayBuffer(data), end: true }); }
    destroy() { send({ op: 'destroy', conn: this._id }); }
    /** All bytes until the peer ends, decoded as UTF-8. */
    text() {
      return new PromiseCtor((resolve, reject) => {
        const parts = [];
        this.on('error', reject).on('end', () => resolve(parts.join(''))).on('data', (d) => parts.push(utf8Decode(d)));
      });
    }
  }
  function connection(id, info) {
    const c = new Connection(id, info);
    conns.set(id, c);
    if (conns.size > MAX_PENDING) c.destroy();
    return c;
  }
  const tcp = Object.freeze({
    /** listen({port, host?}, onConnection) → Promise<{host, port, close()}> inside the function's namespace. */
    listen(opts, onConnection) {
      const o = typeof opts === 'number' ? { port: opts } : opts || {};
      if (typeof onConnection !== 'function') throw new TypeError('tcp.listen needs an onConnection function');
      const id = ++seq;
      servers.set(id, onConnection);
      return request({ op: 'listen', id, host: StringCtor(o.host || '0.0.0.0'), port: Number(o.port) || 0 });
    },
    /** connect({host, port}) → Promise<Connection>, opened inside the function's namespace. */
    connect(opts) {
      const o = opts || {};
      return request({ op: 'connect', id: ++seq, host: StringCtor(o.host || '127.0.0.1'), port: Number(o.port) });
    },
  });

  function deliver(m) {
    switch (m.op) {
      case 'timer': onTimer(m.id); break;
      case 'fetch-response': settle(m.id, true, m); break;
      case 'builtin-result': settle(m.id, true, m); break;
      case 'builtin-event': builtins.event(m); break;
      case 'immediate': runImmediates(); break;
      case 'fetch-error': settle(m.id, false, new TypeError('fetch failed: ' + m.message)); break;
      case 'listening': {
        const id = m.id;
        settle(id, true, Object.freeze({ host: m.host, port: m.port, close() { servers.delete(id); send({ op: 'close-server', id }); } }));
        break;
      }
      case 'listen-error': servers.delete(m.id); settle(m.id, false, new Error('listen failed: ' + m.message)); break;
      case 'accept': {
        const onConnection = servers.get(m.id);
        const c = connection(m.conn, m);
        if (onConnection) { try { onConnection(c); } catch (e) { uncaught('a connection handler', e); } }
        break;
      }
      case 'connected': settle(m.id, true, connection(m.conn, m)); break;
      case 'connect-error': settle(m.id, false, new Error('connect failed: ' + m.message)); break;
      case 'data': { const c = conns.get(m.conn); if (c) c._push('data', new Uint8Array(m.data)); break; }
      case 'end': { const c = conns.get(m.conn); if (c) c._push('end'); break; }
      case 'conn-error': { const c = conns.get(m.conn); if (c) c._push('error', new Error(m.message)); break; }
      case 'close': { const c = conns.get(m.conn); if (c) { c.closed = true; conns.delete(m.conn); c._push('close'); } break; }
      default: break;
    }
  }

  // ---- setImmediate, process.exit --------------------------------------------------------------
  // Immediates run in batches, one host setImmediate per batch (HostMessage 'immediate'), so a loop
  // of setImmediate yields to timers and sockets as in Node, and a flood of them is an ordinary
  // busy loop that the activation's timeout stops.
  const immediates = new MapCtor();
  let immediateArmed = false;
  function addImmediate(fn, args) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function. Received ' + typeof fn);
    if (immediates.size >= MAX_TIMERS) throw new RangeError('too many immediates (' + MAX_TIMERS + ') in this activation');
    const id = ++seq;
    immediates.set(id, { fn, args });
    if (!immediateArmed) { immediateArmed = true; send({ op: 'immediate' }); }
    return id;
  }
  function runImmediates() {
    immediateArmed = false;
    const batch = [...immediates];
    immediates.clear();
    for (const [, t] of batch) {
      try { t.fn(...t.args); } catch (e) { uncaught('an immediate callback', e); }
    }
  }
  // process.exit() ends every activation in flight in this context, as the exit of OpenWhisk's
  // action process does: each gets a developer error and the isolate is retired with it.
  const EXIT = Symbol('photon.exit');
  let exitWaiters = [];
  let exited = null;
  function exit(code) {
    exited = { code: code === undefined ? 0 : Number(code) | 0 };
    const w = exitWaiters;
    exitWaiters = [];
    for (const f of w) f();
    const e = new Error('process.exit(' + exited.code + ')');
    e[EXIT] = true;
    throw e;
  }

  /** The value, or undefined as soon as process.exit() is called (an exit ends every activation). */
  function untilExit(value) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || typeof value.then !== 'function') return value;
    return new PromiseCtor((resolve, reject) => {
      const waiter = () => resolve(undefined);
      exitWaiters.push(waiter);
      const drop = () => { const i = exitWaiters.indexOf(waiter); if (i !== -1) exitWaiters.splice(i, 1); };
      PromiseCtor.resolve(value).then((v) => { drop(); resolve(v); }, (e) => { drop(); reject(e); });
    });
  }
  // An exception a callback threw, logged as Node prints an uncaught one (process.exit's own is not).
  function uncaught(where, e) { if (!(e !== null && typeof e === 'object' && e[EXIT] === true)) emit('stderr', ['Uncaught exception in ' + where + ':', e]); }

  // ---- globals the function sees -------------------------------------------------------------
  const env = {};
  const shared = Object.freeze({
    env, config, emit, log: emit, exit, timeOrigin: () => timeOrigin, utf8Encode, utf8Decode, utf8Length, utf8Write, utf8Slice, toArrayBuffer, rawFetch,
    setTimer: (fn, ms, args, repeat) => addTimer(fn, ms, args, repeat), clearTimer,
    setImmediate: addImmediate, clearImmediate: (id) => { immediates.delete(id); },
    request: (msg) => request({ ...msg, id: ++seq }),
    // The action's own files, read-only, for node:fs ('list' → the listing under config.root,
    // 'stat' → 0/1/2, 'read' → text): the same host view the module loader reads.
    actionFiles: (op, path) => (op === 'list' || op === 'stat' || op === 'read' ? hostFs(op, path) : undefined),
  });
  const builtins = makeBuiltins(builtinTable, hostFs, hostCall, { shared, request: shared.request }, packageNames, stage);
  builtins.defineGlobals();
  const globals = {
    console, tcp, global: G,
    queueMicrotask: (fn) => {
      if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function. Received ' + typeof fn);
      PromiseCtor.resolve().then(fn).catch((e) => uncaught('a microtask', e));
    },
  };
  for (const k of objectKeys(globals)) Object.defineProperty(G, k, { value: globals[k], writable: true, configurable: true, enumerable: false });

  // ---- the action contract -------------------------------------------------------------------
  function describe(e) { return e !== null && typeof e === 'object' && typeof e.stack === 'string' ? e.stack : StringCtor(e); }
  // OpenWhisk serialises rejections with serialize-error: Errors become {name, message, stack, ...}.
  function serializeError(e) {
    if (e === undefined || e === null) return {};
    if (typeof e === 'object' && (typeof e.message === 'string' || typeof e.stack === 'string')) {
      const out = { name: e.name, message: e.message, stack: e.stack };
      for (const k of objectKeys(e)) { try { const v = jsonParse(jsonStringify(e[k])); if (v !== undefined) out[k] = v; } catch { /* not JSON */ } }
      return out;
    }
    try { const v = jsonStringify(e); return v === undefined ? StringCtor(e) : jsonParse(v); } catch { return StringCtor(e); }
  }
  function pick(obj, path) {
    let v = obj;
    for (const part of path.split('.')) { if (v === null || v === undefined) return undefined; v = v[part]; }
    return v;
  }

  // Parameters marked init: true are environment variables from the start, as OpenWhisk's /init
  // sets them (strings; objects as JSON; null and other falsy values as '').
  function initEnv(vars) {
    for (const k of objectKeys(vars)) {
      const v = vars[k];
      env[k] = v !== null && typeof v === 'object' ? jsonStringify(v) : (v ? StringCtor(v) : '');
    }
  }

  // An archive action, as OpenWhisk's runner.js loads one: `main` is `fn` (the function, found in
  // the module of the archive's root: package.json's main, else index.js) or `file.fn.path` (the
  // function at fn.path of the module `file`).
  function installArchive(entry) {
    const m = /^([^.]+)$|^([^.]+)\.(.+)$/.exec(entry);
    if (!m) return jsonStringify({ ok: false, message: 'Initialization has failed due to: Name of main function is not valid.' });
    const file = m[2];
    const fnPath = m[3] || m[1];
    const root = config.root;
    if (file === undefined && hostFs('stat', root + '/package.json') !== 1 && hostFs('stat', root + '/index.js') !== 1) {
      return jsonStringify({ ok: false, message: 'Initialization has failed due to: Zipped actions must contain either package.json or index.js at the root.' });
    }
    // Paths are resolved here from the archive's listing (one copy per install). A module the
    // host compiled with V8 cache data before this install (isolate-runtime.ts precompile) is
    // taken from `precompiled` at its first require; any other is compiled here, on the isolate's
    // thread. Never by the host from inside this synchronous require: the script run would end
    // with V8's microtask checkpoint on the invoker's thread, running this context's pending
    // promise reactions there (a flood holds the invoker's event loop, or V8 aborts).
    const fileSet = new SetCtor();
    const dirSet = new SetCtor([root]);
    const listing = hostFs('list', root);
    if (typeof listing === 'string' && listing !== '') {
      for (const rel of listing.split('\n')) {
        const p = root + '/' + rel;
        fileSet.add(p);
        for (let i = p.lastIndexOf('/'); i > root.length; i = p.lastIndexOf('/', i - 1)) {
          const d = p.slice(0, i);
          if (dirSet.has(d)) break;
          dirSet.add(d);
        }
      }
    }
    const fs = (op, path) => (op === 'stat' ? (fileSet.has(path) ? 1 : dirSet.has(path) ? 2 : 0) : hostFs(op, path));
    const compile = (filename) => {
      const fn = precompiled.get(filename);
      if (fn !== undefined) {
        // Once: a re-require (after delete require.cache[…]) compiles afresh, as Node does.
        precompiled.delete(filename);
        return fn;
      }
      // Reported to the host (esm 'compiled'), which produces cache data for it after the load.
      if (!compiledHere.has(filename)) compiledHere.add(filename);
      let source = hostFs('read', filename);
      if (typeof source !== 'string') return undefined;
      if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
      if (source.startsWith('#!')) source = '//' + source.slice(2);
      return new FunctionCtor('exports', 'require', 'module', '__filename', '__dirname', source + '\n//# sourceURL=' + filename);
    };
    const loader = makeLoader(fs, builtins.modules, compile, builtins.packages);
    const target = file === undefined ? root : root + '/' + file;
    let exported;
    try {
      // An ES module entry is linked and evaluated by the host (isolate-runtime.ts), which asks
      // esm() below to resolve specifiers and, at the end, to adopt the entry's namespace.
      const entryFile = loader.resolveEntry(target);
      if (loader.formatOf(entryFile) === 'module') {
        esmLoader = loader;
        Object.defineProperty(G, CJS_HOOK, { value: (p) => loader.requireEntry(p), configurable: true, enumerable: false, writable: false });
        Object.defineProperty(G, BUILTIN_HOOK, { value: (name) => builtins.modules.get(name), configurable: true, enumerable: false, writable: false });
        Object.defineProperty(G, PACKAGE_HOOK, { value: (name) => builtins.packages.get(name), configurable: true, enumerable: false, writable: false });
        return jsonStringify({ ok: 'esm', entry: entryFile, fnPath });
      }
      exported = loader.requireEntry(target);
    } catch (e) {
      const at = loader.failedModule();
      let message = describe(e);
      if (at !== null && message.indexOf(at) === -1) message += ' (while loading ' + at + ')';
      return jsonStringify({ ok: false, message: 'Initialization has failed due to: ' + message });
    }
    const fn = pick(exported, fnPath);
    if (typeof fn !== 'function') {
      const where = objectKeys(loader.cache).find((k) => loader.cache[k].parent && loader.cache[k].parent.filename === null);
      return jsonStringify({ ok: false, message: "Action entrypoint '" + entry + "' is not a function." + (where ? ' It was looked up in ' + where + '.' : '') });
    }
    main = fn;
    return jsonStringify({ ok: true });
  }

  // ES module entries: what the host's linker asks while it compiles and links the module graph.
  const CJS_HOOK = Symbol.for('photon.requireCommonJs');
  const BUILTIN_HOOK = Symbol.for('photon.requireBuiltin');
  const PACKAGE_HOOK = Symbol.for('photon.requireBundled');
  const BUNDLED_SCHEME = 'bundled:';
  let esmLoader = null;
  // Archive modules: compiled by the host before install (path → wrapper function), and the
  // paths this context compiled itself (from source), which the host asks for after the load.
  const precompiled = new MapCtor();
  const compiledHere = new SetCtor();
  function esm(op, a, b) {
    if (op === 'compiled') {
      const out = jsonStringify(Array.from(compiledHere));
      compiledHere.clear();
      return out;
    }
    if (op === 'builtins') return jsonStringify(builtins.loaded());
    if (op === 'touched') return jsonStringify(builtins.touched());
    if (op === 'resolve') {
      try {
        const path = esmLoader.resolveEsm(a, b);
        const format = esmLoader.formatOf(path);
        if (format !== 'builtin' && format !== 'bundled') return jsonStringify({ path, format });
        // A built-in or a bundled package: its names become the synthetic module's named exports
        // (esm-linker.ts); loading it here is what `import` would do next anyway.
        const exported = format === 'builtin' ? builtins.modules.get(path.slice(5)) : builtins.packages.get(path.slice(BUNDLED_SCHEME.length));
        const names = exported !== null && (typeof exported === 'object' || typeof exported === 'function') ? objectKeys(exported) : [];
        return jsonStringify({ path, format, names });
      } catch (e) {
        return jsonStringify({ error: describe(e) });
      }
    }
    // adopt: a is the entry's module namespace, b the function's path in it; `export default`
    // serves as main (a default function, or a default object's member).
    let fn = pick(a, b);
    if (typeof fn !== 'function' && a && a.default !== undefined) fn = typeof a.default === 'function' && b === 'main' ? a.default : pick(a.default, b);
    if (typeof fn !== 'function') return jsonStringify({ ok: false, message: "Action entrypoint '" + b + "' is not a function. It was looked up in the exports of the ES module entry." });
    main = fn;
    return jsonStringify({ ok: true });
  }

  // OpenWhisk's invoker when the action's process exits during /init or /run (Messages.scala).
  const EXIT_INIT = 'The action did not initialize and exited unexpectedly.';
  const EXIT_RUN = 'The action did not produce a valid response and exited unexpectedly.';
  // `paths` and the functions after it: archive modules and built-ins (`node:x`) the host compiled with cache data.
  function install(code, entry, configJson, paths, ...fns) {
    if (typeof paths === 'string' && paths !== '') {
      const list = paths.split('\n');
      for (let i = 0; i < list.length; i++) {
        if (typeof fns[i] !== 'function') continue;
        if (list[i].startsWith('node:')) builtins.adopt(list[i].slice(5), fns[i]);
        else precompiled.set(list[i], fns[i]);
      }
    }
    const out = installCode(code, entry, configJson);
    return exited ? jsonStringify({ ok: false, message: EXIT_INIT }) : out;
  }
  function installCode(code, entry, configJson) {
    Object.assign(config, jsonParse(configJson));
    memory.setLimit(config.memoryLimit);
    initEnv(config.env || {});
    if (config.archive) return installArchive(entry);
    if (typeof code !== 'string' || code.trim() === '') return jsonStringify({ ok: false, message: 'Missing main/no code to execute.' });
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(entry)) return jsonStringify({ ok: false, message: "Action entrypoint '" + entry + "' is not a valid name." });
    const mod = { exports: {} };
    const exportsObject = mod.exports;
    let lookup;
    try {
      // The Function constructor parses the body on its own, so code cannot escape the wrapper;
      // the returned closure resolves a top-level `function main` by direct eval in its scope.
      const factory = new Function('exports', 'module', 'require', code + '\n;return function (n) { try { return eval(n); } catch (e) { return undefined; } };');
      lookup = factory.call(exportsObject, exportsObject, mod, builtins.require);
    } catch (e) {
      return jsonStringify({ ok: false, message: 'Initialization has failed due to: ' + describe(e) });
    }
    let fn = pick(mod.exports, entry);
    if (typeof fn !== 'function') fn = pick(exportsObject, entry);
    if (typeof fn !== 'function' && typeof lookup === 'function') fn = lookup(entry);
    if (typeof fn !== 'function') fn = pick(G, entry);
    if (typeof fn !== 'function') return jsonStringify({ ok: false, message: "Action entrypoint '" + entry + "' is not a function." });
    main = fn;
    return jsonStringify({ ok: true });
  }

  // Nothing a function started may outlive the activations in flight: when the last one ends,
  // its timers, pending requests and sockets are forgotten here (the host closes its side).
  function endScope() {
    timers.clear(); pending.clear(); conns.clear(); servers.clear(); immediates.clear(); immediateArmed = false;
    logBytes = 0; logCut = false;
  }

  function finish(value) {
    if (value === undefined) return 'o{}';
    // OpenWhisk's runtime accepts any object, arrays included (service.js: typeof result !== 'object').
    if (value === null || typeof value !== 'object') return 'dThe action did not return a dictionary.';
    let json;
    try { json = jsonStringify(value); } catch (e) { return 'dThe action did not return a dictionary: ' + describe(e); }
    if (json.length > config.resultLimit) return 't' + jsonStringify({ length: json.length, truncated: json.slice(0, 1024) });
    return 'o' + json;
  }

  async function run(paramsJson, envJson) {
    inflight++;
    try {
      for (const k of objectKeys(env)) if (k.startsWith('__OW_')) Reflect.deleteProperty(env, k);
      Object.assign(env, jsonParse(envJson));
      if (typeof main !== 'function') return 'dThe action was not initialized.';
      if (exited) return 'd' + EXIT_RUN;
      let value;
      // runner.js: a synchronous throw rejects the run itself, which service.js answers with the
      // developer error "An error has occurred: <error>"; only a rejected promise is an application error.
      try {
        value = main(jsonParse(paramsJson));
      } catch (e) {
        if (exited) return 'd' + EXIT_RUN;
        let text;
        try { text = StringCtor(e); } catch { text = describe(e); }
        return 'dAn error has occurred: ' + text;
      }
      try {
        value = await untilExit(value);
      } catch (e) {
        if (exited) return 'd' + EXIT_RUN;
        let error;
        try { error = jsonStringify(serializeError(e)); } catch { error = jsonStringify(StringCtor(e)); }
        return 'a' + error;
      }
      if (exited) return 'd' + EXIT_RUN;
      memory.check();
      return finish(value);
    } finally {
      inflight--;
      if (inflight === 0) endScope();
    }
  }

  // started: the context is bound to its isolate (isolate-runtime.ts, before any function code);
  // preload: built-ins loaded while the layer's startup snapshot is made (photon's own code only).
  return { install, run, deliver, esm, started() { memory.wrapped(true); timeOrigin = DateCtor.now(); takeNativeText(); builtins.started(); },
    /** Just before the layer's startup snapshot is taken (guest-memory.js wrapped). */
    snapshotting() { memory.wrapped(false); }, preload: (names, factories, shape) => builtins.preload(names, factories, shape) };
});
