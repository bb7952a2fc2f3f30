// Node's CommonJS module loader, inside the function's context, over the action's archive. Like
// guest-runtime.js it is one function expression, evaluated by isolate-runtime.ts and handed to
// the guest runtime, which calls it once per archive action with:
//   fs(op, path)  the host's synchronous view of the unpacked archive: 'stat' → 0 none, 1 file,
//                 2 directory; 'read' → the file's text or undefined. Only files a require reaches
//                 are copied into the isolate (lazy: nothing is compiled that is not required).
//   builtins      built-in modules by bare name (`x` and `node:x` both find them), Map-like:
//                 has(name), get(name) → exports (loaded on first get; guest-builtins.js).
//   compile(filename) → the module's wrapper function (exports, require, module, __filename,
//                 __dirname): compiled by the host with V8's code cache before the install, or
//                 here from the file's source (guest-runtime.js installArchive).
//   bundled       the npm packages OpenWhisk's image bundles in /node_modules, Map-like: has(request,
//                 esm), get(request) → exports (loaded on first get; guest-builtins.js); a request
//                 is the name or a subpath (`express/lib/router`) as Node resolves it. Asked only when
//                 Node's resolution of a bare specifier found nothing in the archive, which is
//                 where Node would reach the image's /node_modules: the action's own copy wins.
// It follows Node's algorithm (doc/api/modules.md "All together", lib/internal/modules/cjs/
// loader.js and esm/resolve.js for "exports"): relative and absolute specifiers, node_modules
// walked up from the requiring file, package.json "main" and "exports" (conditions require, node,
// default; subpaths and * patterns), .js/.json (and any exact file name such as .cjs), directory
// index, require.resolve, require.cache, circular requires seeing the partial exports, and Node's
// error texts ("Cannot find module 'x'\nRequire stack:\n- /file").
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- evaluated as an expression by the host
(function photonModuleLoader(fs, builtins, compile, bundled) {
  'use strict';
  const jsonParse = JSON.parse;
  const ErrorCtor = Error;
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const CONDITIONS = new Set(['require', 'node', 'default']);
  const IMPORT_CONDITIONS = new Set(['import', 'node', 'default']);
  const cache = Object.create(null);
  const packages = new Map();

  // ---- paths (POSIX, absolute, normalised) ---------------------------------------------------
  function normalize(p) {
    const out = [];
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop(); else out.push(part);
    }
    return '/' + out.join('/');
  }
  function join(a, b) { return normalize(a + '/' + b); }
  function dirname(p) { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); }
  function extname(p) { const b = p.slice(p.lastIndexOf('/') + 1); const i = b.lastIndexOf('.'); return i <= 0 ? '' : b.slice(i); }
  function nodeModulePaths(from) {
    const out = [];
    for (let d = from; ; d = dirname(d)) {
      if (!d.endsWith('/node_modules')) out.push(d === '/' ? '/node_modules' : d + '/node_modules');
      if (d === '/') break;
    }
    return out;
  }
  const isFile = (p) => fs('stat', p) === 1;
  const isDir = (p) => fs('stat', p) === 2;

  // ---- errors ----------------------------------------------------------------------------------
  function requireStack(parent) {
    const stack = [];
    for (let m = parent; m && m.filename; m = m.parent) stack.push(m.filename);
    return stack;
  }
  function notFound(request, parent, message) {
    const stack = requireStack(parent);
    let msg = message || "Cannot find module '" + request + "'";
    if (stack.length > 0) msg += '\nRequire stack:\n- ' + stack.join('\n- ');
    const e = new ErrorCtor(msg);
    e.code = 'MODULE_NOT_FOUND';
    e.requireStack = stack;
    return e;
  }
  function coded(code, message) { const e = new ErrorCtor(message); e.code = code; return e; }

  // ---- package.json ----------------------------------------------------------------------------
  function readPackage(dir) {
    if (packages.has(dir)) return packages.get(dir);
    const path = dir + '/package.json';
    const text = fs('read', path);
    let pkg = null;
    if (text !== undefined) {
      try { pkg = jsonParse(text); } catch { throw coded('ERR_INVALID_PACKAGE_CONFIG', 'Invalid package config ' + path + '.'); }
      if (pkg === null || typeof pkg !== 'object') pkg = {};
    }
    packages.set(dir, pkg);
    return pkg;
  }

  // ---- resolution ------------------------------------------------------------------------------
  function loadAsFile(x) {
    if (isFile(x)) return x;
    if (isFile(x + '.js')) return x + '.js';
    if (isFile(x + '.json')) return x + '.json';
    return undefined;
  }
  function loadIndex(x) {
    if (isFile(x + '/index.js')) return x + '/index.js';
    if (isFile(x + '/index.json')) return x + '/index.json';
    return undefined;
  }
  function loadAsDirectory(x, request, parent) {
    if (!isDir(x)) return undefined;
    const pkg = readPackage(x);
    if (pkg && typeof pkg.main === 'string' && pkg.main !== '') {
      const m = join(x, pkg.main);
      const f = loadAsFile(m) || loadIndex(m) || loadIndex(x);
      if (f) return f;
      const e = notFound(request, parent, "Cannot find module '" + m + "'. Please verify that the package.json has a valid \"main\" entry");
      e.path = x + '/package.json';
      e.requestPath = request;
      throw e;
    }
    return loadIndex(x);
  }

  function patternKeyCompare(a, b) {
    const ai = a.indexOf('*'); const bi = b.indexOf('*');
    const al = ai === -1 ? a.length : ai + 1; const bl = bi === -1 ? b.length : bi + 1;
    if (al > bl) return -1; if (bl > al) return 1;
    if (ai === -1) return 1; if (bi === -1) return -1;
    if (a.length > b.length) return -1; if (b.length > a.length) return 1;
    return 0;
  }
  function invalidTarget(pkgDir, key, target) {
    return coded('ERR_INVALID_PACKAGE_TARGET', 'Invalid "exports" target ' + JSON.stringify(target) + ' defined for \'' + key + "' in the package config " + pkgDir + '/package.json');
  }
  // undefined: no match under these conditions; null: explicitly not exported.
  function resolveTarget(pkgDir, key, target, match, isPattern, conds) {
    if (typeof target === 'string') {
      if (!target.startsWith('./')) throw invalidTarget(pkgDir, key, target);
      const rest = target.slice(2).split('/');
      if (rest.some((s) => s === '..' || s === 'node_modules')) throw invalidTarget(pkgDir, key, target);
      if (isPattern && match.split('/').some((s) => s === '..' || s === '.' || s === 'node_modules')) throw invalidTarget(pkgDir, key, target);
      return normalize(pkgDir + '/' + (isPattern ? target.replace(/\*/g, () => match) : target).slice(2));
    }
    if (Array.isArray(target)) {
      let last;
      for (const t of target) {
        let r;
        try { r = resolveTarget(pkgDir, key, t, match, isPattern, conds); } catch (e) { if (e && e.code === 'ERR_INVALID_PACKAGE_TARGET') { last = e; continue; } throw e; }
        if (r === undefined) continue;
        if (r === null) { last = null; continue; }
        return r;
      }
      if (last) throw last;
      return last;
    }
    if (target !== null && typeof target === 'object') {
      for (const k of Object.keys(target)) {
        if (k !== 'default' && !conds.has(k)) continue;
        const r = resolveTarget(pkgDir, key, target[k], match, isPattern, conds);
        if (r === undefined) continue;
        return r;
      }
      return undefined;
    }
    return null;
  }
  function exportsMap(pkgDir, exports) {
    if (typeof exports === 'string' || Array.isArray(exports)) return { '.': exports };
    if (exports === null || typeof exports !== 'object') return {};
    const keys = Object.keys(exports);
    const dotted = keys.filter((k) => k.startsWith('.'));
    if (dotted.length === 0) return { '.': exports };
    if (dotted.length !== keys.length) throw coded('ERR_INVALID_PACKAGE_CONFIG', 'Invalid package config ' + pkgDir + '/package.json. "exports" cannot contain some keys starting with \'.\' and some not.');
    return exports;
  }
  function packageExportsResolve(pkgDir, subpath, exports, conds) {
    const map = exportsMap(pkgDir, exports);
    let resolved;
    if (hasOwn(map, subpath) && !subpath.includes('*') && !subpath.endsWith('/')) {
      resolved = resolveTarget(pkgDir, subpath, map[subpath], '', false, conds);
    } else {
      let best = ''; let bestMatch = '';
      for (const key of Object.keys(map)) {
        const star = key.indexOf('*');
        if (star === -1 || key.indexOf('*', star + 1) !== -1) continue;
        const prefix = key.slice(0, star);
        if (!subpath.startsWith(prefix) || subpath === prefix) continue;
        const trailer = key.slice(star + 1);
        if (trailer.length > 0 && !(subpath.endsWith(trailer) && subpath.length >= key.length)) continue;
        if (patternKeyCompare(best, key) === 1) { best = key; bestMatch = subpath.slice(prefix.length, subpath.length - trailer.length); }
      }
      if (best) resolved = resolveTarget(pkgDir, best, map[best], bestMatch, true, conds);
    }
    if (resolved === undefined || resolved === null) {
      throw coded('ERR_PACKAGE_PATH_NOT_EXPORTED', subpath === '.'
        ? 'No "exports" main defined in ' + pkgDir + '/package.json'
        : "Package subpath '" + subpath + "' is not defined by \"exports\" in " + pkgDir + '/package.json');
    }
    return resolved;
  }
  function loadPackageExports(request, nmDir, parent) {
    const parts = request.split('/');
    const nameLength = request.startsWith('@') ? 2 : 1;
    if (parts.length < nameLength || parts.slice(0, nameLength).some((p) => p === '')) return undefined;
    const pkgDir = nmDir + '/' + parts.slice(0, nameLength).join('/');
    if (!isDir(pkgDir)) return undefined;
    const pkg = readPackage(pkgDir);
    if (!pkg || pkg.exports === undefined || pkg.exports === null) return undefined;
    const rest = parts.slice(nameLength).join('/');
    const f = packageExportsResolve(pkgDir, rest === '' ? '.' : './' + rest, pkg.exports, CONDITIONS);
    if (!isFile(f)) throw notFound(f, parent);
    return f;
  }

  function resolveFilename(request, parent) {
    if (typeof request !== 'string') throw coded('ERR_INVALID_ARG_TYPE', 'The "id" argument must be of type string. Received ' + typeof request);
    if (request === '') throw coded('ERR_INVALID_ARG_VALUE', "The argument 'id' must be a non-empty string. Received ''");
    const base = parent.path;
    if (request === '.' || request === '..' || request.startsWith('./') || request.startsWith('../') || request.startsWith('/')) {
      const x = request.startsWith('/') ? normalize(request) : join(base, request);
      const f = (request.endsWith('/') ? undefined : loadAsFile(x)) || loadAsDirectory(x, request, parent);
      if (f) return f;
      throw notFound(request, parent);
    }
    if (!request.startsWith('#')) {
      for (const dir of parent.paths) {
        if (!isDir(dir)) continue;
        const e = loadPackageExports(request, dir, parent);
        if (e) return e;
        const x = join(dir, request);
        const f = (request.endsWith('/') ? undefined : loadAsFile(x)) || loadAsDirectory(x, request, parent);
        if (f) return f;
      }
      // The image's /node_modules, last on every module's paths: answered by the request itself,
      // name or subpath (never an absolute path, so it cannot be mistaken for a file of the archive).
      if (bundled.has(request)) return request;
    }
    throw notFound(request, parent);
  }

  function builtin(request) {
    if (request.startsWith('node:')) {
      const m = builtins.get(request.slice(5));
      if (m === undefined) throw coded('ERR_UNKNOWN_BUILTIN_MODULE', 'No such built-in module: ' + request);
      return { found: true, exports: m };
    }
    return builtins.has(request) ? { found: true, exports: builtins.get(request) } : { found: false };
  }

  // ---- modules ---------------------------------------------------------------------------------
  let failedAt = null;
  function Module(id, parent) {
    this.id = id; this.filename = id; this.path = dirname(id); this.exports = {}; this.parent = parent;
    this.loaded = false; this.children = []; this.paths = nodeModulePaths(this.path);
    this.require = makeRequire(this);
  }
  function makeRequire(module) {
    const require = function require(request) { return load(request, module); };
    const resolve = function resolve(request) {
      if (typeof request === 'string' && builtin(request).found) return request;
      return resolveFilename(request, module);
    };
    resolve.paths = function paths(request) {
      if (builtin(request).found) return null;
      if (request.startsWith('./') || request.startsWith('../') || request === '.' || request === '..') return [module.path];
      return module.paths.slice();
    };
    require.resolve = resolve;
    require.cache = cache;
    require.main = mainModule;
    return require;
  }
  let mainModule;

  function load(request, parent) {
    if (typeof request === 'string') {
      const b = builtin(request);
      if (b.found) return b.exports;
    }
    const filename = resolveFilename(request, parent);
    if (filename === request && filename[0] !== '/' && bundled.has(filename)) return bundled.get(filename);
    const cached = cache[filename];
    if (cached !== undefined) {
      if (parent && !parent.children.includes(cached)) parent.children.push(cached);
      return cached.exports;
    }
    const module = new Module(filename, parent);
    if (parent && parent.filename) parent.children.push(module);
    if (!mainModule && (!parent || !parent.filename)) { mainModule = module; module.require.main = module; }
    cache[filename] = module;
    try {
      evaluate(module);
    } catch (e) {
      Reflect.deleteProperty(cache, filename);
      if (parent) { const i = parent.children.indexOf(module); if (i !== -1) parent.children.splice(i, 1); }
      if (failedAt === null) failedAt = filename;
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  function evaluate(module) {
    const filename = module.filename;
    const ext = extname(filename);
    if (ext === '.json') {
      let text = fs('read', filename);
      if (text === undefined) throw notFound(filename, module.parent);
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      try { module.exports = jsonParse(text); } catch (e) { e.message = filename + ': ' + e.message; throw e; }
      return;
    }
    if (ext === '.node') throw coded('ERR_DLOPEN_FAILED', 'Native addons cannot be loaded in photon: ' + filename);
    if (ext === '.mjs' || (ext === '.js' && packageType(module.path) === 'module')) {
      throw coded('ERR_REQUIRE_ESM', 'require() of ES Module ' + filename + ' is not supported in photon yet (import it from an ES module entry).');
    }
    const fn = compile(filename);
    if (typeof fn !== 'function') throw notFound(filename, module.parent);
    fn.call(module.exports, module.exports, module.require, module, filename, module.path);
  }

  function packageType(dir) {
    for (let d = dir; ; d = dirname(d)) {
      const pkg = readPackage(d);
      if (pkg) return pkg.type === 'module' ? 'module' : 'commonjs';
      if (d === '/' || d.endsWith('/node_modules')) return 'commonjs';
    }
  }

  // ---- ES modules (resolution only: isolate-runtime.ts compiles and links them) ---------------
  // Node's ESM resolver: exact file names (no extension probing, no directory index), "exports"
  // under the conditions import, node, default, else the legacy main.
  const BUNDLED = 'bundled:';
  function esmNotFound(what, parentPath) {
    return coded('ERR_MODULE_NOT_FOUND', 'Cannot find ' + what + ' imported from ' + parentPath);
  }
  function resolveEsm(specifier, parentPath) {
    // Built-ins resolve to `node:x` (format 'builtin'), as Node's ESM resolver answers them.
    if (specifier.startsWith('node:')) {
      if (!builtins.has(specifier.slice(5))) throw coded('ERR_UNKNOWN_BUILTIN_MODULE', 'No such built-in module: ' + specifier);
      return specifier;
    }
    if (builtins.has(specifier)) return 'node:' + specifier;
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')) {
      const x = specifier.startsWith('/') ? normalize(specifier) : join(dirname(parentPath), specifier);
      if (isFile(x)) return x;
      if (isDir(x)) throw coded('ERR_UNSUPPORTED_DIR_IMPORT', "Directory import '" + x + "' is not supported resolving ES modules imported from " + parentPath);
      throw esmNotFound("module '" + x + "'", parentPath);
    }
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, nameLength).join('/');
    const rest = parts.slice(nameLength).join('/');
    for (const nm of nodeModulePaths(dirname(parentPath))) {
      const pkgDir = nm + '/' + name;
      if (!isDir(pkgDir)) continue;
      const pkg = readPackage(pkgDir);
      let f;
      if (pkg && pkg.exports !== undefined && pkg.exports !== null) f = packageExportsResolve(pkgDir, rest === '' ? '.' : './' + rest, pkg.exports, IMPORT_CONDITIONS);
      else if (rest !== '') f = join(pkgDir, rest);
      else {
        const m = pkg && typeof pkg.main === 'string' && pkg.main !== '' ? join(pkgDir, pkg.main) : null;
        f = (m && (isFile(m) ? m : isFile(m + '.js') ? m + '.js' : isFile(m + '/index.js') ? m + '/index.js' : null)) || pkgDir + '/index.js';
      }
      if (isFile(f)) return f;
      throw esmNotFound("module '" + f + "'", parentPath);
    }
    // The image's /node_modules (see `bundled`): the package or one of its files by exact name.
    if (bundled.has(specifier, true)) return BUNDLED + specifier;
    throw esmNotFound("package '" + name + "'", parentPath);
  }
  /**
   * 'module' (ESM), 'commonjs', 'json' or 'builtin' (`node:x`), as Node decides by extension and
   * package.json "type"; 'bundled' for a bundled package (`bundled:x`).
   */
  function formatOf(filename) {
    if (filename.startsWith('node:')) return 'builtin';
    if (filename.startsWith(BUNDLED)) return 'bundled';
    const ext = extname(filename);
    if (ext === '.mjs') return 'module';
    if (ext === '.cjs') return 'commonjs';
    if (ext === '.json') return 'json';
    return packageType(dirname(filename)) === 'module' && ext === '.js' ? 'module' : 'commonjs';
  }

  const root = { filename: null, path: '/', paths: [], parent: null, children: [] };
  return {
    /** The file require(path) would load from outside any module (the entry), without loading it. */
    resolveEntry(path) {
      root.path = dirname(path);
      return resolveFilename(path, root);
    },
    resolveEsm,
    formatOf,
    /** require() of an absolute path from outside any module (the runtime loading the entry). */
    requireEntry(path) {
      failedAt = null;
      root.path = dirname(path);
      return load(path, root);
    },
    /** The module whose load threw first during the last requireEntry, if any. */
    failedModule() { return failedAt; },
    packageType,
    cache,
  };
});
