// Bytes a function can hold outside V8's heap, counted against its memory limit (issue 13, "every
// byte counted"). isolated-vm's `memoryLimit` bounds the heap and, through its ArrayBuffer
// allocator, plain ArrayBuffers and typed arrays (heap + their bytes ≤ limit); two kinds of memory
// bypass that allocator and would otherwise be bounded only by the machine: WebAssembly memories
// and resizable ArrayBuffers / growable SharedArrayBuffers (V8 reserves their maximum as virtual
// memory and commits it as they grow: a 128 MB action could commit gigabytes).
//
// This layer, installed in every context before any other code runs there:
//   * ArrayBuffer, SharedArrayBuffer and the typed array constructors: the allocator's refusal (a
//     catchable RangeError) ends the activation with OpenWhisk's memory message instead, so a
//     function cannot catch it and keep asking;
//   * WebAssembly: every memory a module defines has its maximum lowered to the action's limit
//     (its bytes are rewritten before V8 compiles them), so a `memory.grow` inside Wasm past the
//     limit fails as Wasm's own out-of-memory does (-1); every memory JavaScript can see (made
//     with `new WebAssembly.Memory` or exported by an instance) is counted at its current size,
//     a defined memory that is not exported at its initial size, and going past the limit at
//     creation, instantiation or a `grow()` from JavaScript ends the activation with the memory
//     message;
//   * resizable ArrayBuffers and growable SharedArrayBuffers: counted at their current size,
//     checked at creation and at each resize()/grow().
// "Ends the activation": the guest asks the host to dispose the isolate as isolated-vm does when
// the heap passes its limit ('memory-exceeded', isolate-runtime.ts), and spins until it does.
// It is a factory like the module loader: isolate-runtime.ts passes it to guest-runtime.js,
// which calls it first thing with the global object and `send`, and sets the limit at install.
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- evaluated as an expression by the host
(function photonMemory(G, send) {
  'use strict';
  const PAGE = 65536;
  const ReflectConstruct = Reflect.construct;
  const ProxyCtor = Proxy;
  const PromiseCtor = Promise;
  const WeakRefCtor = WeakRef;
  const WeakMapCtor = WeakMap;
  const Uint8 = Uint8Array;
  const defineProperty = Object.defineProperty;
  const getDescriptor = Object.getOwnPropertyDescriptor;
  const isView = ArrayBuffer.isView;
  const getter = (proto, name) => { const d = proto && getDescriptor(proto, name); return d && d.get; };
  const abLength = getter(ArrayBuffer.prototype, 'byteLength');
  const abResizable = getter(ArrayBuffer.prototype, 'resizable');
  let abResize = ArrayBuffer.prototype.resize;
  const SAB = G.SharedArrayBuffer;
  // let: taken again by rewrap() in a context deserialised from a snapshot, where V8 installs
  // SharedArrayBuffer's growable members afresh (the snapshot's maker may have had none).
  let sabLength = SAB ? getter(SAB.prototype, 'byteLength') : undefined;
  let sabGrowable = SAB ? getter(SAB.prototype, 'growable') : undefined;
  let sabGrow = SAB ? SAB.prototype.grow : undefined;
  let sabProto = SAB ? SAB.prototype : undefined;
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const taBuffer = getter(TypedArrayProto, 'buffer');
  const taOffset = getter(TypedArrayProto, 'byteOffset');
  const taLength = getter(TypedArrayProto, 'byteLength');
  const dvBuffer = getter(DataView.prototype, 'buffer');
  const dvOffset = getter(DataView.prototype, 'byteOffset');
  const dvLength = getter(DataView.prototype, 'byteLength');

  let limit = Infinity; // bytes; the action's memory limit, set at install
  function exceeded() {
    send({ op: 'memory-exceeded' });
    // The host disposes the isolate on this message (isolated-vm terminates this loop); nothing
    // the function wrote can run in between.
    for (;;) { /* wait to be disposed */ }
  }
  const allocationFailed = (e) => e instanceof RangeError && /allocation failed/i.test(e.message);

  // ---- what is counted: objects held weakly (a collected one stops counting) -----------------
  const counted = []; // { ref: WeakRef, size: (obj) => bytes }
  const known = new WeakMapCtor(); // obj → true once counted
  function count(obj, size) {
    if (known.has(obj)) return;
    known.set(obj, true);
    counted.push({ ref: new WeakRefCtor(obj), size });
  }
  function outsideBytes() {
    let n = 0;
    for (let i = counted.length - 1; i >= 0; i--) {
      const obj = counted[i].ref.deref();
      if (obj === undefined) counted.splice(i, 1);
      else n += counted[i].size(obj);
    }
    return n;
  }
  function check(extra) { if (outsideBytes() + extra > limit) exceeded(); }
  const bufferBytes = (b) => { try { return abLength.call(b); } catch { return sabLength ? sabLength.call(b) : 0; } };

  // ---- ArrayBuffers and typed arrays ---------------------------------------------------------
  /** Global name → { P: the wrapper, target, onCreate }: what rewrap() checks when a context is bound. */
  const wrappers = Object.create(null);
  function wrapConstructor(Ctor, onCreate) {
    const P = new ProxyCtor(Ctor, {
      construct(target, args, newTarget) {
        let obj;
        try {
          obj = ReflectConstruct(target, args, newTarget === P ? target : newTarget);
        } catch (e) {
          if (allocationFailed(e)) exceeded();
          throw e;
        }
        if (onCreate) onCreate(obj);
        return obj;
      },
    });
    // Species lookups (slice, map, …) and `x.constructor` find the wrapper too.
    defineProperty(Ctor.prototype, 'constructor', { value: P, writable: true, configurable: true, enumerable: false });
    defineProperty(G, Ctor.name, { value: P, writable: true, configurable: true, enumerable: false });
    wrappers[Ctor.name] = { P, target: Ctor, onCreate };
    return P;
  }
  function countResizable(b) {
    const resizable = abResizable ? (() => { try { return abResizable.call(b); } catch { return sabGrowable ? sabGrowable.call(b) : false; } })() : false;
    if (!resizable) return;
    count(b, bufferBytes);
    check(0);
  }
  wrapConstructor(ArrayBuffer, countResizable);
  if (SAB) wrapConstructor(SAB, countResizable);
  let uint8Wrapper = null;
  const TYPED = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
  for (const name of TYPED) {
    if (typeof G[name] === 'function') { const P = wrapConstructor(G[name], null); if (name === 'Uint8Array') uint8Wrapper = P; }
  }
  function replaceMethod(proto, name, fn) {
    if (proto && typeof proto[name] === 'function') defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  const countedResize = function resize(newLength) {
    check(Math.max(0, Number(newLength) - bufferBytes(this)));
    return abResize.call(this, newLength);
  };
  replaceMethod(ArrayBuffer.prototype, 'resize', countedResize);
  const countedGrow = function grow(newLength) {
    check(Math.max(0, Number(newLength) - bufferBytes(this)));
    return sabGrow.call(this, newLength);
  };
  if (SAB) replaceMethod(SAB.prototype, 'grow', countedGrow);
  /**
   * A context deserialised from the layer's startup snapshot (layer-snapshot.ts) may hold, under a
   * wrapped name, a constructor V8 installed afresh (SharedArrayBuffer, flag-gated) or the target
   * put back for the snapshot (Uint8Array, wrapped(false)): the wrapper is put back, or the new one
   * wrapped (and SharedArrayBuffer's grow counted) before any function code runs.
   */
  function rewrap() {
    for (const name of ['ArrayBuffer', 'SharedArrayBuffer', ...TYPED]) {
      const w = wrappers[name];
      const cur = G[name];
      if (w !== undefined && cur === w.P) continue;
      if (w !== undefined && cur === w.target) { defineProperty(G, name, { value: w.P, writable: true, configurable: true, enumerable: false }); continue; }
      // New here: the snapshot's maker had none (SharedArrayBuffer), or V8 replaced it.
      if (typeof cur === 'function') wrapConstructor(cur, name.endsWith('ArrayBuffer') ? countResizable : null);
    }
    const S = wrappers.SharedArrayBuffer;
    const proto = S && S.P.prototype;
    if (proto && proto !== sabProto) { sabProto = proto; sabLength = getter(proto, 'byteLength') || sabLength; }
    if (proto && typeof proto.grow === 'function' && proto.grow !== countedGrow) {
      sabGrowable = getter(proto, 'growable') || sabGrowable;
      sabGrow = proto.grow;
      replaceMethod(proto, 'grow', countedGrow);
    }
    if (typeof ArrayBuffer.prototype.resize === 'function' && ArrayBuffer.prototype.resize !== countedResize) {
      abResize = ArrayBuffer.prototype.resize;
      replaceMethod(ArrayBuffer.prototype, 'resize', countedResize);
    }
  }

  // ---- WebAssembly -----------------------------------------------------------------------------
  let limitPages = Infinity;
  // The WebAssembly object wrapped last. V8 installs a fresh one in every context it deserialises
  // from a startup snapshot (the layer's, layer-snapshot.ts): the one wrapped while the snapshot
  // was made is gone there, so wrapped(true) wraps the context's own when it is bound.
  let wasmWrapped = null;
  // Parenthesised: V8 compiles it with this factory, so its bytecode is in the layer's snapshot. It
  // first runs at a context's attach (no WebAssembly while the snapshot is made), where compiling
  // it lazily cost every new isolate ~0.15 ms (V8's --log-function-events).
  const wrapWasm = (function wrapWasm(W) {
    wasmWrapped = W;
    const Memory = W.Memory;
    const Module = W.Module;
    const Instance = W.Instance;
    const instantiate = W.instantiate;
    const moduleExports = Module.exports;
    const memoryBuffer = getter(Memory.prototype, 'buffer');
    const memoryGrow = Memory.prototype.grow;
    const memoryBytes = (m) => bufferBytes(memoryBuffer.call(m));
    /** Module → initial bytes of the memories it defines, from its bytes as compiled here. */
    const defined = new WeakMapCtor();

    function bytesOf(src) {
      try { abLength.call(src); return new Uint8(src); } catch { /* not an ArrayBuffer */ }
      if (sabLength) { try { sabLength.call(src); return new Uint8(src); } catch { /* not shared */ } }
      if (isView(src)) {
        try { return new Uint8(taBuffer.call(src), taOffset.call(src), taLength.call(src)); } catch { /* a DataView */ }
        try { return new Uint8(dvBuffer.call(src), dvOffset.call(src), dvLength.call(src)); } catch { /* neither */ }
      }
      return null;
    }
    function readLeb(b, at) {
      let value = 0;
      let scale = 1;
      let i = at;
      for (;;) {
        if (i >= b.length) return null;
        const byte = b[i++];
        value += (byte & 127) * scale;
        scale *= 128;
        if ((byte & 128) === 0) return { value, next: i };
      }
    }
    function leb(value) {
      const out = [];
      let v = value;
      do { let byte = v % 128; v = Math.floor(v / 128); if (v > 0) byte |= 128; out.push(byte); } while (v > 0);
      return out;
    }
    /**
     * The module's bytes with every defined memory's maximum lowered to the limit (and the initial
     * bytes of those memories); the bytes unchanged when there is nothing to do or they do not
     * parse (V8 then reports the error itself).
     */
    function clampModule(src) {
      const b = bytesOf(src);
      const none = { bytes: src, initial: [] };
      if (b === null || b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) return none;
      let at = 8;
      while (at < b.length) {
        const id = b[at];
        const size = readLeb(b, at + 1);
        if (size === null) return none;
        const start = size.next;
        const end = start + size.value;
        if (end > b.length) return none;
        if (id === 5) {
          const countLeb = readLeb(b, start);
          if (countLeb === null) return none;
          const body = leb(countLeb.value);
          const initial = [];
          let p = countLeb.next;
          for (let i = 0; i < countLeb.value; i++) {
            const flags = b[p++];
            if (flags === undefined || flags > 7) return none; // an encoding this layer does not know: V8 decides
            const min = readLeb(b, p);
            if (min === null) return none;
            p = min.next;
            let max = Infinity;
            if (flags & 1) { const m = readLeb(b, p); if (m === null) return none; max = m.value; p = m.next; }
            initial.push(min.value * PAGE);
            const clamped = Math.max(min.value, Math.min(max, limitPages));
            body.push(flags | (clamped === Infinity ? 0 : 1), ...leb(min.value));
            if (clamped !== Infinity) body.push(...leb(clamped));
          }
          if (p !== end) return none;
          const header = [5, ...leb(body.length)];
          const out = new Uint8(b.length - (end - at) + header.length + body.length);
          out.set(new Uint8(b.buffer, b.byteOffset, at), 0);
          out.set(header, at);
          out.set(body, at + header.length);
          out.set(new Uint8(b.buffer, b.byteOffset + end, b.length - end), at + header.length + body.length);
          return { bytes: out, initial };
        }
        at = end;
      }
      return none;
    }
    function compiled(module, initial) { defined.set(module, initial); return module; }
    /** After instantiation: the exported memories count at their size, the hidden defined ones at their initial size. */
    function instantiated(module, instance) {
      let visible = 0;
      for (const e of moduleExports(module)) {
        if (e.kind !== 'memory') continue;
        const m = instance.exports[e.name];
        if (!known.has(m)) visible++;
        count(m, memoryBytes);
      }
      const initial = defined.get(module) || [];
      let hidden = 0;
      for (let i = 0; i < initial.length - visible; i++) hidden += initial[i];
      if (hidden > 0) count(instance, () => hidden);
      check(0);
      return instance;
    }

    const ModuleP = new ProxyCtor(Module, {
      construct(target, args, newTarget) {
        const c = clampModule(args[0]);
        return compiled(ReflectConstruct(target, [c.bytes], newTarget === ModuleP ? target : newTarget), c.initial);
      },
    });
    defineProperty(Module.prototype, 'constructor', { value: ModuleP, writable: true, configurable: true, enumerable: false });
    defineProperty(W, 'Module', { value: ModuleP, writable: true, configurable: true, enumerable: false });
    const InstanceP = new ProxyCtor(Instance, {
      construct(target, args, newTarget) {
        const inst = ReflectConstruct(target, args, newTarget);
        return instantiated(args[0], inst);
      },
    });
    defineProperty(Instance.prototype, 'constructor', { value: InstanceP, writable: true, configurable: true, enumerable: false });
    defineProperty(W, 'Instance', { value: InstanceP, writable: true, configurable: true, enumerable: false });
    const MemoryP = new ProxyCtor(Memory, {
      construct(target, args, newTarget) {
        const d = args[0];
        if (d === null || typeof d !== 'object') return ReflectConstruct(target, args, newTarget);
        const initial = d.initial !== undefined ? d.initial : d.minimum;
        // A plain copy, read once (a getter cannot answer differently to V8 than to this check).
        const desc = { initial };
        for (const k of ['maximum', 'shared', 'address', 'index']) { const v = d[k]; if (v !== undefined) desc[k] = v; }
        const pages = Number(initial);
        check(Number.isFinite(pages) && pages > 0 ? pages * PAGE : 0);
        if (limitPages !== Infinity) {
          const max = desc.maximum === undefined ? Infinity : Number(desc.maximum);
          const clamped = Math.max(pages || 0, Math.min(max, limitPages));
          if (clamped !== max) desc.maximum = typeof initial === 'bigint' ? BigInt(clamped) : clamped;
        }
        const m = ReflectConstruct(target, [desc], newTarget);
        count(m, memoryBytes);
        return m;
      },
    });
    defineProperty(Memory.prototype, 'constructor', { value: MemoryP, writable: true, configurable: true, enumerable: false });
    defineProperty(W, 'Memory', { value: MemoryP, writable: true, configurable: true, enumerable: false });
    replaceMethod(Memory.prototype, 'grow', function grow(delta) {
      count(this, memoryBytes);
      const pages = Number(delta);
      check(Number.isFinite(pages) && pages > 0 ? pages * PAGE : 0);
      return memoryGrow.call(this, delta);
    });
    // Compiled here, synchronously, and answered as a promise: V8's asynchronous compilation
    // finishes through a task isolated-vm does not always run, so an awaited compile (or an
    // instantiate from bytes) never settled in about 1 isolate in 3. It costs the same CPU on the
    // isolate's own thread, inside the activation's time limit. instantiate from a Module settles.
    const compileNow = (src) => {
      const c = clampModule(src);
      return compiled(ReflectConstruct(Module, [c.bytes]), c.initial);
    };
    replaceMethod(W, 'compile', function (src) {
      try { return PromiseCtor.resolve(compileNow(src)); } catch (e) { return PromiseCtor.reject(e); }
    });
    replaceMethod(W, 'instantiate', function (src, imports) {
      if (src instanceof Module) return instantiate.call(W, src, imports).then((inst) => instantiated(src, inst));
      let module;
      try { module = compileNow(src); } catch (e) { return PromiseCtor.reject(e); }
      return instantiate.call(W, module, imports).then((instance) => ({ module, instance: instantiated(module, instance) }));
    });
  });

  if (G.WebAssembly) wrapWasm(G.WebAssembly);
  return {
    /** The action's memory limit in bytes (install). */
    setLimit(bytes) {
      if (!(bytes > 0)) return;
      limit = bytes;
      limitPages = Math.floor(bytes / PAGE);
    },
    /** Called when an activation ends: what grew inside Wasm since the last check is counted now. */
    check: () => check(0),
    /**
     * The layer's startup snapshot (layer-snapshot.ts) is taken with the global Uint8Array being
     * V8's own: V8 adds its flag-gated builtins (Uint8Array.fromBase64, …) to a context it
     * deserialises only through that global, and skips a wrapper. `wrapped(false)` puts V8's back
     * just before the snapshot is taken, `wrapped(true)` this wrapper again when the context is
     * bound to its isolate, before any function code; with it, the context's own WebAssembly.
     */
    wrapped(on) {
      if (!on) { if (uint8Wrapper !== null) defineProperty(G, 'Uint8Array', { value: Uint8, writable: true, configurable: true, enumerable: false }); return; }
      rewrap();
      if (G.WebAssembly && G.WebAssembly !== wasmWrapped) wrapWasm(G.WebAssembly);
    },
  };
});
