// Node's built-in modules inside a function's context: the guest half of the compatibility layer.
// One function expression, evaluated by isolate-runtime.ts with the guest runtime and called once
// per context by guest-runtime.js with:
//   table       { name: { deps, lazy } } from invoker/builtins/builtin-modules.ts (the registry);
//   hostFs      the host's synchronous callback; hostFs('builtin', name) answers the module's source
//               (a function expression (exports, require, module), invoker/builtins/.bundle/), compiled here;
//   hostCall    an isolated-vm Reference to the host's call(module, op, args): a module's
//               synchronous host calls wait on it with applySyncPromise (the isolate waits, the
//               host's event loop does not);
//   internals   what the runtime shares with the layer's own modules (`require('photon:runtime')`,
//               internal/* only) and its request(msg) for asynchronous host calls;
//   stage       () → the isolate's staging area (a SharedArrayBuffer), undefined until the context
//               is bound to its isolate (isolate-runtime.ts; a startup snapshot holds none).
//   packageNames the npm packages OpenWhisk's image bundles (invoker/builtins/bundled-packages.ts):
//               hostFs('package', name) answers one's bundle, compiled here on its first require.
//               They are what a bare require finds when nothing else does (`packages` below; the
//               module loader asks only after Node's resolution failed), unlike built-ins, which win.
// Modules are loaded on first require (lazy); globals that Node defines (Buffer, URL, process, …)
// are accessors that load their module on first use and then become plain values. Nothing of the
// host is reachable from a module: its host handle holds only guest functions.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- evaluated as an expression by the host
(function photonBuiltins(table, hostFs, hostCall, internals, packageNames, stage) {
  'use strict';
  const MapCtor = Map;
  const ErrorCtor = Error;
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const cache = new MapCtor();
  const precompiled = new MapCtor();
  const listeners = new MapCtor();
  const G = globalThis;
  const indirectEval = eval;

  // V8's native base64 (isolate-runtime.ts sets the flag; experimental in this V8): kept here for
  // node:buffer alone (`require('photon:base64')`) and removed from the guest's view before any
  // function code runs, so functions never reach an experimental V8 builtin (Node 20 has none of
  // these either). node:buffer only calls it on fresh, whole, non-resizable buffers with its own
  // option objects: no function code runs during the call (V8 13.6's toBase64 also ignores a
  // view's byteOffset).
  const U8 = Uint8Array;
  // The staging area shared with the host (isolate-runtime.ts STAGE_BYTES), reachable only here.
  // `stage()` answers it once the context is bound to its isolate (a context made from the layer's
  // startup snapshot gets it after the start: a snapshot holds nothing of a host), so it is taken
  // at the first bytes() and kept.
  let stageView;
  function stageArea() {
    if (stageView === undefined) {
      const sab = stage();
      if (sab === undefined) return null; // not bound yet (inside the snapshot): not kept
      stageView = typeof SharedArrayBuffer === 'function' && sab instanceof SharedArrayBuffer ? new U8(sab) : null;
    }
    return stageView;
  }
  // Taken here and again when the context is bound (started): V8 installs these flag-gated
  // builtins when it deserialises a context from a startup snapshot (the snapshot's maker has none),
  // so in a context of the layer's snapshot they appear only then, and are taken then.
  // photon's isolated-vm build also gives each context it makes a native encoder whose string lives
  // outside the V8 heap (deploy/isolated-vm/native-text.patch): taken and deleted like
  // photon:digest below; the prebuilt binary has none (encode() answers null: V8's toBase64 then).
  const ENCODE_KEY = 'photon:base64-encode';
  let v8Base64 = null;
  let nativeEncode = null;
  function takeBase64() {
    const e = G[ENCODE_KEY];
    if (typeof e === 'function') nativeEncode = e;
    Reflect.deleteProperty(G, ENCODE_KEY);
    if (typeof U8.prototype.toBase64 === 'function' && typeof U8.fromBase64 === 'function') v8Base64 = Object.freeze({ toBase64: U8.prototype.toBase64, fromBase64: U8.fromBase64 });
    for (const k of ['toBase64', 'toHex', 'setFromBase64', 'setFromHex']) Reflect.deleteProperty(U8.prototype, k);
    for (const k of ['fromBase64', 'fromHex']) Reflect.deleteProperty(U8, k);
  }
  takeBase64();
  // What node:buffer holds (it may be loaded before the context is bound): asked at each call.
  const base64Handle = Object.freeze({
    current: () => v8Base64,
    /** (view: Uint8Array, url: boolean) → Node's base64 (base64url) of its bytes, or null without the native encoder. */
    encode: (view, url) => (nativeEncode === null ? null : nativeEncode(view, url)),
  });

  // Node's Latin-1, hex and byte primitives from photon's isolated-vm build (deploy/isolated-vm/
  // native-text.patch: NewFromOneByte, WriteOneByteV2, memcmp, memmem), for node:buffer alone
  // (`require('photon:bytes')`), taken and deleted like the base64 encoder above; the prebuilt
  // binary has none (current() answers null: buffer@6's JavaScript then).
  const BYTES_KEYS = ['photon:latin1-decode', 'photon:latin1-write', 'photon:hex-encode', 'photon:hex-write', 'photon:bytes-compare', 'photon:bytes-index'];
  let nativeBytes = null;
  function takeBytes() {
    const f = BYTES_KEYS.map((k) => G[k]);
    if (f.every((x) => typeof x === 'function')) nativeBytes = Object.freeze({ latin1Decode: f[0], latin1Write: f[1], hexEncode: f[2], hexWrite: f[3], compare: f[4], index: f[5] });
    for (const k of BYTES_KEYS) Reflect.deleteProperty(G, k);
  }
  takeBytes();
  const bytesHandle = Object.freeze({ current: () => nativeBytes });

  // photon's isolated-vm build gives each context it makes a native one-shot digest (OpenSSL on the
  // isolate's own thread, no host round trip: deploy/isolated-vm/native-digest.patch) under a
  // global property: kept here for node:crypto alone (`require('photon:digest')`) and deleted before
  // any function code exists. A context of the layer's snapshot gets it only when made (a snapshot
  // holds none), so it is taken again when bound (started). The prebuilt binary has none: then
  // digest() answers undefined and node:crypto asks the host, as before.
  const DIGEST_KEY = 'photon:digest';
  let nativeDigest = null;
  function takeDigest() {
    const d = G[DIGEST_KEY];
    if (typeof d === 'function') nativeDigest = d;
    Reflect.deleteProperty(G, DIGEST_KEY);
  }
  takeDigest();
  const digestHandle = Object.freeze({
    /** (algorithm: one of native-digest.patch's list, key: Uint8Array | null, data: Uint8Array | Uint8Array[]) → ArrayBuffer, or undefined: ask the host. */
    digest(algorithm, key, data) { return nativeDigest === null ? undefined : nativeDigest(algorithm, key, data); },
    /** The same written into out (a Uint8Array over an ArrayBuffer, ≥ 64 bytes) → the digest's length, or undefined: ask the host. */
    digestInto(algorithm, key, data, out) { return nativeDigest === null ? undefined : nativeDigest(algorithm, key, data, out); },
  });

  function coded(code, message, Ctor) { const e = new (Ctor || ErrorCtor)(message); e.code = code; return e; }
  // The host answers {ok, value} or {ok: false, error: {name, message, code}}: never a host Error object.
  function unwrap(answer) {
    if (answer && answer.ok) return answer.value;
    const err = (answer && answer.error) || { message: 'the host did not answer' };
    const Ctor = { TypeError, RangeError, SyntaxError }[err.name] || ErrorCtor;
    const e = new Ctor(err.message);
    if (err.code !== undefined) e.code = err.code;
    return e;
  }

  /** What a module gets from require('photon:host'): its own line to the host, by module name. */
  function hostHandle(name) {
    return Object.freeze({
      /** Synchronous host call: the host's answer (its handler may be async; this isolate waits for it). */
      call(op, ...args) {
        const answer = hostCall.applySyncPromise(undefined, [name, op, args], { arguments: { copy: true } });
        if (!answer || !answer.ok) throw unwrap(answer);
        return answer.value;
      },
      /**
       * Bytes (a Uint8Array) as an argument of the next call(): up to the staging area's size
       * they are copied there (no allocation, no copy across) and stand for `{ photonStaged: n }`,
       * else their own ArrayBuffer. At most one staged argument per call; never for request().
       */
      bytes(u) {
        const area = stageArea();
        if (area !== null && u.length <= area.length) { area.set(u); return { photonStaged: u.length }; }
        if (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength) return u.buffer;
        const c = new U8(u.byteLength); c.set(u); return c.buffer;
      },
      /** Asynchronous host call: a Promise of the host's answer; the isolate keeps running. */
      request(op, ...args) {
        return internals.request({ op: 'builtin', module: name, call: op, args }).then((answer) => {
          if (!answer || !answer.ok) throw unwrap(answer);
          return answer.value;
        });
      },
      /** Events the host pushes to this module (HostBuiltinScope.emit): fn(event, data). */
      on(fn) {
        let set = listeners.get(name);
        if (!set) listeners.set(name, (set = []));
        set.push(fn);
      },
    });
  }

  function unknown(request) { return coded('ERR_UNKNOWN_BUILTIN_MODULE', 'No such built-in module: ' + request); }
  function isPublic(name) { return hasOwn(table, name) && !name.startsWith('internal/'); }

  function makeRequire(self) {
    return function require(request) {
      if (request === 'photon:host') return hostHandle(self);
      if (request === 'photon:base64' && self === 'buffer') return base64Handle;
      if (request === 'photon:bytes' && self === 'buffer') return bytesHandle;
      if (request === 'photon:digest' && self === 'crypto') return digestHandle;
      if (request === 'photon:runtime' && self.startsWith('internal/')) return internals.shared;
      const name = request.startsWith('node:') ? request.slice(5) : request;
      if (!hasOwn(table, name)) throw unknown(request);
      return load(name);
    };
  }

  // The built-ins asked for (a require, a global's first use, another module's require) since the
  // context was bound to its isolate (started): in a context of the layer's startup snapshot `cache`
  // already holds the preloaded modules, so this, not loaded(), tells whether the action uses the
  // layer (isolate-runtime.ts onLayerUse: the pool then starts its next isolates from the snapshot).
  let touched = null;
  function load(name) {
    if (touched !== null) touched.set(name, true);
    const known = cache.get(name);
    if (known !== undefined) return known.exports;
    // Precompiled by the host with V8 cache data before this context's install (builtin-code-cache.ts),
    // taken once; else the host answers the module's source and it is compiled here, on the
    // isolate's thread: a script run by the host from inside this synchronous call would end with
    // V8's microtask checkpoint on the invoker's thread, where a flood of pending reactions would hold it.
    let factory = precompiled.get(name);
    if (factory !== undefined) {
      precompiled.delete(name);
    } else {
      const source = hostFs('builtin', name);
      if (typeof source !== 'string') throw unknown(name);
      factory = indirectEval(source + '\n//# sourceURL=node:' + name);
    }
    if (typeof factory !== 'function') throw unknown(name);
    const module = { id: 'node:' + name, exports: {}, loaded: false };
    cache.set(name, module);
    try {
      factory.call(module.exports, module.exports, makeRequire(name), module);
    } catch (e) {
      cache.delete(name);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  // ---- bundled npm packages (OpenWhisk's image's /node_modules) ------------------------------
  const packageSet = new Set(packageNames);
  const packageCache = new MapCtor();
  function notFound(request) {
    const e = new ErrorCtor("Cannot find module '" + request + "'\nRequire stack:\n- /nodejsAction/index.js");
    e.code = 'MODULE_NOT_FOUND';
    e.requireStack = ['/nodejsAction/index.js'];
    return e;
  }
  // What a bundled package's own requires reach: Node's public built-ins, nothing else (its npm
  // dependencies are inside its bundle; never photon:host or the layer's internal modules).
  function packageRequire(request) {
    if (typeof request !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "id" argument must be of type string. Received ' + typeof request, TypeError);
    if (request.startsWith('node:')) { if (!isPublic(request.slice(5))) throw unknown(request); return load(request.slice(5)); }
    if (isPublic(request)) return load(request);
    const e = new ErrorCtor("Cannot find module '" + request + "'");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  // A bundle's module.exports is its package's table (invoker/builtins/package-subpaths.ts):
  // { exportsMap, spellings: { '' | '/sub…' → file }, files: { file → () => exports } }, the
  // spellings being exactly those Node's resolver accepts for that version of the package.
  function packageTable(name) {
    const known = packageCache.get(name);
    if (known !== undefined) return known.exports;
    const source = hostFs('package', name);
    if (typeof source !== 'string') throw notFound(name);
    const factory = indirectEval(source + '\n//# sourceURL=/node_modules/' + name + '/index.js');
    const module = { id: '/node_modules/' + name + '/index.js', exports: {}, loaded: false };
    factory.call(module.exports, module.exports, packageRequire, module, module.id, '/node_modules/' + name);
    module.loaded = true;
    packageCache.set(name, module);
    return module.exports;
  }
  /** `name` and what follows it ('' or '/…'), or null when the request names no bundled package. */
  function splitPackage(request) {
    if (typeof request !== 'string') return null;
    const slash = request.indexOf('/', request[0] === '@' ? request.indexOf('/') + 1 : 0);
    const name = slash === -1 ? request : request.slice(0, slash);
    if (!packageSet.has(name)) return null;
    // Node joins the request to the node_modules folder (path.resolve): `.` and `..` segments
    // collapse; one that climbs out of the package names something else (not found here).
    const parts = [];
    const segments = slash === -1 ? [] : request.slice(slash + 1).split('/');
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      if (seg === '..') { if (parts.length === 0) return null; parts.pop(); } else if (seg !== '.' && (seg !== '' || i === segments.length - 1)) parts.push(seg);
    }
    return { name, rest: parts.length === 0 ? (segments.length > 0 && segments[segments.length - 1] === '' ? '/' : '') : '/' + parts.join('/') };
  }
  /**
   * The file of a bundled package that `request` names, as Node's require resolves it; undefined
   * if none; throws Node's ERR_PACKAGE_PATH_NOT_EXPORTED for a subpath its exports map does not
   * list. esm: only exact file names (Node's ESM resolver probes no extension and no directory).
   */
  function resolvePackage(request, esm) {
    const p = splitPackage(request);
    if (p === null) return undefined;
    const t = packageTable(p.name);
    const file = hasOwn(t.spellings, p.rest) ? t.spellings[p.rest] : undefined;
    if (file !== undefined && (!esm || p.rest === '' || p.rest === '/' + file)) return { name: p.name, file };
    if (t.exportsMap && !(esm && file !== undefined)) {
      throw coded('ERR_PACKAGE_PATH_NOT_EXPORTED', "Package subpath '." + p.rest + "' is not defined by \"exports\" in /node_modules/" + p.name + '/package.json');
    }
    return undefined;
  }
  function loadPackage(request) {
    const r = resolvePackage(request, false);
    if (r === undefined) throw notFound(request);
    return packageTable(r.name).files[r.file]();
  }

  // The globals Node defines, each from the module that implements it: name → [module, property].
  const GLOBALS = {
    Buffer: ['buffer', 'Buffer'],
    process: ['process', null],
    setTimeout: ['timers', 'setTimeout'], clearTimeout: ['timers', 'clearTimeout'],
    setInterval: ['timers', 'setInterval'], clearInterval: ['timers', 'clearInterval'],
    setImmediate: ['timers', 'setImmediate'], clearImmediate: ['timers', 'clearImmediate'],
    URL: ['url', 'URL'], URLSearchParams: ['url', 'URLSearchParams'],
    TextEncoder: ['internal/web', 'TextEncoder'], TextDecoder: ['internal/web', 'TextDecoder'],
    EventTarget: ['internal/web', 'EventTarget'], Event: ['internal/web', 'Event'], CustomEvent: ['internal/web', 'CustomEvent'],
    DOMException: ['internal/web', 'DOMException'], File: ['internal/web', 'File'], fetch: ['internal/web', 'fetch'],
    AbortController: ['internal/web', 'AbortController'], AbortSignal: ['internal/web', 'AbortSignal'],
    atob: ['internal/web', 'atob'], btoa: ['internal/web', 'btoa'],
    structuredClone: ['internal/web', 'structuredClone'],
    crypto: ['internal/web', 'crypto'], performance: ['internal/web', 'performance'],
    Blob: ['internal/web', 'Blob'], FormData: ['internal/web', 'FormData'],
    Headers: ['internal/web', 'Headers'], Request: ['internal/web', 'Request'], Response: ['internal/web', 'Response'],
    ReadableStream: ['stream/web', 'ReadableStream'], WritableStream: ['stream/web', 'WritableStream'],
    TransformStream: ['stream/web', 'TransformStream'], ByteLengthQueuingStrategy: ['stream/web', 'ByteLengthQueuingStrategy'],
    CountQueuingStrategy: ['stream/web', 'CountQueuingStrategy'], TextEncoderStream: ['stream/web', 'TextEncoderStream'],
    TextDecoderStream: ['stream/web', 'TextDecoderStream'],
  };
  function defineGlobals() {
    for (const g of Object.keys(GLOBALS)) {
      const [mod, prop] = GLOBALS[g];
      const set = (v) => Object.defineProperty(G, g, { value: v, writable: true, configurable: true, enumerable: false });
      Object.defineProperty(G, g, {
        configurable: true, enumerable: false,
        // While its module is still loading (a cycle between the layer's modules) the value is not
        // there yet: answered, not kept.
        get() { const m = load(mod); const v = prop === null ? m : m[prop]; if (v !== undefined) set(v); return v; },
        set,
      });
    }
  }

  for (const name of Object.keys(table)) if (table[name].lazy === false) load(name);

  return {
    /** Map-like view for the module loader: public built-ins by bare name. */
    modules: Object.freeze({ has: (name) => isPublic(name), get: (name) => (isPublic(name) ? load(name) : undefined) }),
    /** Map-like view of the bundled packages, for the module loader's last resort. */
    /** has(request, esm) also answers a subpath (`express/lib/router`), and throws Node's error for one an exports map hides. */
    packages: Object.freeze({ has: (request, esm) => resolvePackage(request, esm === true) !== undefined, get: (request) => (splitPackage(request) !== null ? loadPackage(request) : undefined) }),
    /**
     * require() for a single-file action (it has no node_modules): built-ins (`x` or `node:x`),
     * then the bundled packages, Node's error otherwise.
     */
    require(request) {
      if (typeof request !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "id" argument must be of type string. Received ' + typeof request, TypeError);
      if (request.startsWith('node:')) { if (!isPublic(request.slice(5))) throw unknown(request); return load(request.slice(5)); }
      if (isPublic(request)) return load(request);
      if (resolvePackage(request, false) !== undefined) return loadPackage(request);
      throw notFound(request);
    },
    defineGlobals,
    /**
     * Loads `names` now, from `factories` (name → wrapper function) where they or what they
     * require are there: the layer's startup snapshot (layer-snapshot.ts; their top levels run while
     * it is made, before any host is bound and before any function code exists). Factories left
     * unused are dropped, not kept for a later require.
     */
    preload(names, factories, shape) {
      for (const n of Object.keys(factories)) if (hasOwn(table, n) && typeof factories[n] === 'function' && !cache.has(n)) precompiled.set(n, factories[n]);
      try { for (const n of names) load(n); } finally { precompiled.clear(); }
      // shape(load): photon's own calls into the loaded modules, run in the snapshot's context itself
      // (layer-snapshot.ts). Their objects are garbage; what stays is what V8 builds once per context
      // at a first use (maps and their transitions, prototypes made fast), which V8 keeps in a
      // snapshot (feedback it does not). Through load, not the globals: a global read here would
      // replace its getter with the value, and the getter is what tells which built-ins code uses.
      if (typeof shape === 'function') shape((n) => (names.includes(n) || cache.has(n) ? load(n) : undefined));
    },
    /** The context is bound to its isolate (before any function code): V8's base64 and the native digest taken now if they appeared. */
    started() { takeBase64(); takeBytes(); takeDigest(); touched = new MapCtor(); },
    /** A built-in's wrapper function compiled by the host with cache data (install), for its first load. */
    adopt(name, fn) { if (hasOwn(table, name) && typeof fn === 'function' && !cache.has(name)) precompiled.set(name, fn); },
    /** The built-ins loaded in this context so far (the host precompiles them for the action's next isolates). */
    loaded() { return Array.from(cache.keys()); },
    /** The built-ins asked for since the context was bound (its code's, not the snapshot's). */
    touched() { return touched === null ? [] : Array.from(touched.keys()); },
    /** A host event for a module (HostMessage builtin-event). */
    event(m) {
      const set = listeners.get(m.module);
      if (!set) return;
      for (const fn of set) { try { fn(m.event, m.data); } catch (e) { internals.shared.log('stderr', ['Uncaught exception in a ' + m.module + ' event listener:', e]); } }
    },
    isPublic,
  };
});
