/* snapshot-restore.js: restore the start-up snapshot, taken after numpy and our code were imported.

   The build (scripts/make_snapshot.mjs, in Node) starts Python, installs numpy, imports numpy and
   nn as boot.js does, and saves Python's memory (Pyodide's experimental _makeSnapshot). Restoring
   that memory alone is not enough: numpy's 19 WebAssembly modules live beside it. Their code is
   not in the memory, only their data, at the addresses where they were loaded, and the pointers to
   their functions are indexes into the runtime's function table. So before Pyodide writes the
   memory back, each module is loaded again in the same order, at the same memory address and the
   same table index (Emscripten loads a library at given addresses when a dlopen handle says it is
   already placed: the path its threads use). Their freshly written data is then overwritten by the
   memory as it was, and every pointer in it finds what it pointed to. The build records where each
   module went (the plan) and checks the restored interpreter against one started the long way.

   The snapshot file: uint32 (little-endian) length of the plan's JSON (padded with spaces so that
   Pyodide's part starts on a 4-byte boundary), the plan, then Pyodide's snapshot as it made it.
   Plan: {tableStart, tableEnd (the function table's length when Python started, and after numpy;
   numpy's first module is placed a few entries after tableStart, see placeLibraries), libs: [{name,
   memoryBase, memorySize, tableBase, tableSize}] in load order, handles: [[dlopen handle, name]]}.

   A classic script shared by boot.js (self.WILSnapshot) and the build's Node scripts. */
(function (root) {
  "use strict";

  /** A file image (scripts/file_image.py) -> {head, files: [{path, bytes}]}; throws if it does not
      add up. */
  function readImage(bytes) {
    var n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    var head = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))), files = [], at = 4 + n;
    head.files.forEach(function (f) {
      files.push({ path: head.root + "/" + f[0], bytes: bytes.subarray(at, at + f[1]) });
      at += f[1];
    });
    if (at !== bytes.length) throw new Error("its files do not add up to its size");
    return { head: head, files: files };
  }

  /** Put an image's folders and files into Python's file system, as they are. Each file keeps its
      slice of the image's buffer rather than a copy: 16 MB of numpy is not copied again. Each is
      made in its folder as FS.writeFile(path, bytes, {canOwn: true}) makes it in Emscripten's
      in-memory file system (MEMFS: a node of mode 0100666 holding the slice), without looking up
      its path and opening and closing a stream for it: for numpy's 514 files that took 30-60 ms of
      the page's thread, and now a quarter of it. The build checks that the tree laid out is the one
      numpy's install makes (scripts/make_numpy_image.mjs). A file in another file system, or one
      there already, is written by FS.writeFile. */
  function layOut(FS, image) {
    image.head.dirs.forEach(function (d) { FS.mkdirTree(image.head.root + "/" + d); });
    var MEMFS = FS.filesystems && FS.filesystems.MEMFS, folders = {};
    image.files.forEach(function (f) {
      var cut = f.path.lastIndexOf("/"), name = f.path.slice(cut + 1), where = f.path.slice(0, cut) || "/";
      var folder = folders[where] || (folders[where] = FS.lookupPath(where).node);
      if (!MEMFS || folder.mount.type !== MEMFS || Object.prototype.hasOwnProperty.call(folder.contents, name)) {
        FS.writeFile(f.path, f.bytes, { canOwn: true });
        return;
      }
      var node = folder.node_ops.mknod(folder, name, REGULAR_FILE, 0);
      if (f.bytes.length) { // (an empty file keeps no contents, as MEMFS's own write leaves it)
        node.contents = f.bytes;
        node.usedBytes = f.bytes.length;
      }
    });
  }
  var REGULAR_FILE = 0x81b6; // S_IFREG | 0666: FS.open's mode for a file it creates

  /** Each of an image's WebAssembly modules (.so), compiling: path -> Promise<WebAssembly.Module>.
      Started as soon as numpy's image is in, they compile while the snapshot still unpacks. */
  function compileLibraries(image) {
    var compiled = {};
    image.files.forEach(function (f) {
      if (!/\.so$/.test(f.path)) return;
      compiled[f.path] = WebAssembly.compile(f.bytes);
      compiled[f.path].catch(function () {}); // placeLibraries reports it, for the module it needs
    });
    return compiled;
  }

  /** The snapshot file -> {plan, memory: Pyodide's snapshot (a view of the same bytes)}. */
  function split(bytes) {
    var n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    if (4 + n > bytes.length || (bytes.byteOffset + 4 + n) % 4) throw new Error("its plan cannot be read");
    var plan = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n)));
    if (!plan || !Array.isArray(plan.libs) || !Array.isArray(plan.handles)) throw new Error("its plan is incomplete");
    return { plan: plan, memory: bytes.subarray(4 + n) };
  }

  /** The file split() reads, from the plan and Pyodide's snapshot. */
  function join(plan, memory) {
    var text = JSON.stringify(plan);
    text += " ".repeat((4 - (4 + new TextEncoder().encode(text).length) % 4) % 4);
    var head = new TextEncoder().encode(text), out = new Uint8Array(4 + head.length + memory.length);
    new DataView(out.buffer).setUint32(0, head.length, true);
    out.set(head, 4);
    out.set(memory, 4 + head.length);
    return out;
  }

  /** Load numpy's modules where the plan says, into a runtime whose memory is not restored yet.
      Module: Pyodide's Emscripten module; bytesOf(name): the module's file; compiled: what
      compileLibraries gave for them, if anything (Emscripten is then handed those to instantiate). */
  async function placeLibraries(Module, plan, bytesOf, compiled) {
    var instantiate = WebAssembly.instantiate, modules = new Map();
    for (var i = 0; compiled && i < plan.libs.length; i++) {
      var c = compiled[plan.libs[i].name];
      if (c) modules.set(bytesOf(plan.libs[i].name), await c);
    }
    // Emscripten instantiates a library from its file's bytes: from the module compiled from them.
    WebAssembly.instantiate = function (source, imports) {
      var module = modules.get(source);
      if (!module) return instantiate.apply(WebAssembly, arguments);
      return instantiate.call(WebAssembly, module, imports).then(function (instance) {
        return { module: module, instance: instance };
      });
    };
    try {
      await placeEach(Module, plan, bytesOf);
    } finally {
      WebAssembly.instantiate = instantiate;
    }
  }

  async function placeEach(Module, plan, bytesOf) {
    var table = Module.wasmTable, LDSO = Module.LDSO, first = plan.libs[0].tableBase;
    // A runtime may put a few functions of its own into the table as it starts (Chromium, which
    // has WebAssembly stack switching, one more than Node): the build left room for them.
    if (table.length > first) {
      throw new Error("the runtime put " + (table.length - plan.tableStart) + " functions into its table as " +
        "it started, more than the " + (first - plan.tableStart) + " the snapshot left room for");
    }
    table.grow(first - table.length);
    // A dlopen handle (Emscripten's struct dso) saying "placed at memoryBase, tableBase", written
    // where no module's data goes; the memory written back afterwards covers it.
    var handle = Module.HEAPU8.length - 64;
    plan.libs.forEach(function (lib) {
      if (handle < lib.memoryBase + lib.memorySize && lib.memoryBase < handle + 64) {
        throw new Error(lib.name + " lies where the handle was to go");
      }
    });
    for (var i = 0; i < plan.libs.length; i++) {
      var lib = plan.libs[i], bytes = bytesOf(lib.name);
      if (!bytes) throw new Error(lib.name + " is not in numpy's files");
      if (table.length !== lib.tableBase) {
        throw new Error(lib.name + " would go to table index " + table.length + ", not " + lib.tableBase);
      }
      Module.HEAPU8.fill(0, handle, handle + 64);
      Module.HEAPU8[handle + 8] = 1; // mem_allocated
      Module.HEAPU32[(handle + 12) >> 2] = lib.memoryBase;
      Module.HEAPU32[(handle + 16) >> 2] = lib.memorySize;
      Module.HEAPU32[(handle + 20) >> 2] = lib.tableBase;
      Module.HEAPU32[(handle + 24) >> 2] = lib.tableSize;
      var files = { findObject: function (n) { return n === lib.name; }, readFile: function () { return bytes; } };
      // as Pyodide's loadDynlib loads a package's library: local symbols, kept, undefined allowed
      await Module.loadDynamicLibrary(lib.name, { loadAsync: true, nodelete: true, allowUndefined: true,
                                                  global: false, fs: files }, {}, handle);
      delete LDSO.loadedLibsByHandle[handle];
      var base = lib.name.split("/").pop();
      if (!LDSO.loadedLibsByName[base]) LDSO.loadedLibsByName[base] = LDSO.loadedLibsByName[lib.name];
    }
    Module.reportUndefinedSymbols();
    if (table.length !== plan.tableEnd) {
      throw new Error("the function table has " + table.length + " entries after numpy, the snapshot's had " + plan.tableEnd);
    }
    // Python's own dlopen handles for numpy's extension modules are in the memory: name them again.
    plan.handles.forEach(function (h) {
      if (!LDSO.loadedLibsByName[h[1]]) throw new Error("the snapshot's " + h[1] + " was not loaded");
      LDSO.loadedLibsByHandle[h[0]] = LDSO.loadedLibsByName[h[1]];
    });
  }

  /** Run hook(Module) once Pyodide's runtime exists and before it writes the snapshot's memory
      back (loadPyodide does that right after _createPyodideModule resolves). Works whether the
      runtime script (pyodide.asm.js, which defines _createPyodideModule) has run yet or not. */
  function beforeMemoryRestored(hook) {
    var create = root._createPyodideModule;
    function wrapped(arg) {
      return create(arg).then(function (Module) {
        return Promise.resolve(hook(Module)).then(function () { return Module; });
      });
    }
    if (typeof create === "function") {
      root._createPyodideModule = wrapped;
      return;
    }
    Object.defineProperty(root, "_createPyodideModule", {
      configurable: true,
      get: function () { return typeof create === "function" ? wrapped : create; },
      set: function (f) { create = f; },
    });
  }

  // The steps boot.js and the build take in Python around installing numpy and our code, the same
  // in both so that the snapshot holds what a page started the long way holds.

  // loadPackage ends with importlib.invalidate_caches(), so that Python sees the new files. That
  // also makes each of the stdlib zip's 18 importers read its table of contents again, in Python
  // (0.1-0.5 s); the zip did not change, so they keep theirs and the rest is done.
  var INVALIDATE_CACHES = [
    "import importlib, sys, zipimport",
    "zips = {p: f for p, f in sys.path_importer_cache.items() if isinstance(f, zipimport.zipimporter)}",
    "for p in zips: del sys.path_importer_cache[p]",
    "try: importlib.invalidate_caches()",
    "finally: sys.path_importer_cache.update(zips)",
  ].join("\n");
  // our code first (a restored snapshot has Pyodide's '' twice on sys.path: once is enough)
  var APP_FIRST = "import sys\nsys.path[:] = dict.fromkeys(['/app', *sys.path])";
  // What the snapshot has imported, in this order: numpy, nn, and what the page's start imports:
  // nn's modules the opening setup needs, playground's pure logic, then the app with its views
  // and panels. A module left out is imported at the start instead.
  var IMPORTS = ["numpy", "nn", "nn.data.examples", "nn.data.table", "nn.teaching.calibration",
    "nn.training.replay", "playground"].concat(["code_edit", "colors", "digit_logic", "explain_text",
    "keynav", "layout", "link", "menus", "own_data", "plane", "replay_words", "source_map", "tiles",
    "typed"].map(function (m) { return "playground.logic." + m; })).concat(["playground.app"]);
  // After the imports, the opening setup's Session is made (playground.app.prepare_opening), for
  // the page's first App to take: in the snapshot, it is made already.
  var PREPARE = "import playground.app\nplayground.app.prepare_opening()";
  // The browser objects the app's modules take from `js` as they are imported (`from js import
  // document`, `window.WILDraw`). Built in node, the snapshot stands in an empty object for each
  // that node lacks: Pyodide's snapshot keeps only the path by which a JS object was reached
  // (["window", "WILDraw"]), and the page's restore looks each path up among its own globals, so
  // they must all be there by then (uPlot: boot.js waits for the page's scripts). A stand-in has
  // the kind of its object, a function for a constructor: the Python side of a JS object is typed
  // when it is made (a proxy of a non-function has no `new`), and stays so across the restore.
  var PAGE_GLOBALS = { document: {}, window: { WILDraw: {} },
                       IntersectionObserver: function IntersectionObserver() {}, uPlot: function uPlot() {} };

  /** Node: put PAGE_GLOBALS' stand-ins where node has nothing of that name; the names put. Only
      once a runtime exists (Emscripten would take a `window` for a browser's), and taken away
      again before the next one is made. */
  function standInPageGlobals() {
    return Object.keys(PAGE_GLOBALS).filter(function (name) {
      if (name in root) return false;
      root[name] = PAGE_GLOBALS[name];
      return true;
    });
  }

  /** Run INVALIDATE_CACHES in a scope of its own, as loadPackage's last step. */
  function invalidateCaches(pyodide) {
    var scope = pyodide.globals.get("dict")();
    try {
      pyodide.runPython(INVALIDATE_CACHES, { globals: scope });
    } finally {
      scope.destroy();
    }
  }
  // What a fresh interpreter does on its own: the generators numpy and Python seed from the OS's
  // entropy as they are imported are seeded again, or every visit would draw the same numbers.
  var RESEED = [
    "import sys",
    "if 'random' in sys.modules: sys.modules['random'].seed()",
    "if 'numpy.random' in sys.modules: sys.modules['numpy.random'].seed()",
  ].join("\n");

  root.WILSnapshot = {
    readImage: readImage, layOut: layOut, compileLibraries: compileLibraries, split: split, join: join,
    placeLibraries: placeLibraries, beforeMemoryRestored: beforeMemoryRestored,
    invalidateCaches: invalidateCaches, APP_FIRST: APP_FIRST, IMPORTS: IMPORTS, PREPARE: PREPARE,
    RESEED: RESEED, standInPageGlobals: standInPageGlobals,
  };
})(typeof self !== "undefined" ? self : globalThis);
