/* boot.js: load Python (Pyodide), numpy and the app's code, then hand over to playground.main().

   A classic script (no ES modules), so that the same page also runs from file:// (DESIGN.md §4).
   What to load comes from build-info.js (self.WIL_BUILD), written by scripts/build.py.

   Over http(s) the binary assets are fetched in parallel with byte progress; the packed ones
   (Zstandard: the start-up snapshot and the two file images) are each downloaded, checked
   (sha256) and unpacked by an unpack-worker.js of their own, and pyodide.asm.wasm is compiled as
   it arrives (and kept in the browser's code cache for the next visit). Over file://, where
   fetch() is refused, they come from classic scripts in bundle/ (base64, of gzip where that is
   smaller) that register themselves in self.WIL_BUNDLE and are decoded and unpacked here. Either
   way a fetch shim answers Pyodide's requests for those files from memory, then is removed once
   Python is up.

   Hand-over: window.pyodide (the Pyodide API), window.boot (mode, timings, error), then
   `playground.main()` runs; when it returns (or its awaitable settles) the overlay hides.

   A missing or damaged file is named on the page. Those this script loads it checks itself;
   boot-check.js, loaded first, reports this script's own absence and tells it about draw.js
   and build-info.js, which ran before it. */
(function () {
  "use strict";

  var BUILD = self.WIL_BUILD;
  var MODE = location.protocol === "file:" ? "file" : "http";
  // Share of the progress bar at the end of each phase.
  var BAR = { download: 0.7, runtime: 0.84, numpy: 0.92, code: 0.96, start: 1 };

  var boot = (window.boot = {
    mode: MODE,
    step: null,
    ready: false,
    error: null,
    timings: {},
    unpackedIn: null, // over http: "worker" (unpack-worker.js) or "page"
    compiledForNextVisit: false, // the runtime script was run again for the code cache (below)
    laterLoaded: false, // the libraries loaded once the page is up (loadLaterWhenIdle)
    keptForNextVisit: [], // the URLs of the unpacked files the workers have kept (unpack-worker.js)
    reseeded: false, // Python's random streams were seeded anew, after a restore (reseedWhenIdle)
    build: BUILD,
    pyodide: null,
  });

  var el = function (id) { return document.getElementById(id); };
  var stepStart = 0;
  var realFetch = window.fetch;
  var memory = {}; // absolute URL -> {key, type, sha256, bytes: Promise<Uint8Array>}
  var rejectBoot; // rejects the race in run() from callbacks Pyodide swallows
  var bootFailed = new Promise(function (_, reject) { rejectBoot = reject; });

  // ---- errors shown on the page -------------------------------------------------------------

  function BootError(title, message, advice, details) {
    var e = new Error(message);
    e.bootTitle = title;
    e.advice = advice;
    e.details = details;
    return e;
  }

  function missingFile(path, why) {
    var advice = MODE === "file"
      ? "This copy of the page is incomplete. Copy the whole folder again (not only " +
        "index.html), or download it again, then open index.html from the new copy."
      : "Reload the page. If this keeps happening the site is incomplete; developers: run " +
        "`python scripts/build.py` and serve or deploy all of dist/.";
    return BootError("A file of this page is missing", path + " could not be loaded (" + why +
      ").", advice);
  }

  var CHECKSUM = "it does not match the checksum recorded when the page was built";

  function damagedFile(path, why) {
    return BootError("A file of this page is damaged", path + " is damaged: " + why + ".",
      MODE === "file"
        ? "Copy the whole folder again from a good copy (or download it again), then open " +
          "index.html from the new copy."
        : "Reload the page (your browser may hold a broken copy). Developers: rebuild with " +
          "`python scripts/build.py`.");
  }

  // A script that throws as it runs is damaged (a cut-off file stops with a SyntaxError). From
  // file:// the browser hides the message ("Script error."): then only the fact is told.
  function threw(message) {
    return /^Script error\.?$/.test(message)
      ? "it stops with an error as it runs, as a cut-off or altered file does"
      : "it stops with an error as it runs (" + message + ")";
  }

  /** draw.js or build-info.js, which ran before this script: boot-check.js saw what happened. */
  function pageScriptProblem(path, why) {
    var seen = self.WIL_PAGE_SCRIPTS && self.WIL_PAGE_SCRIPTS[path];
    if (seen && seen.state === "threw") return damagedFile(path, threw(seen.message));
    if (seen && seen.state === "ran") return damagedFile(path, why);
    return missingFile(path, seen ? "script failed to load" : why);
  }

  function showError(err) {
    var title = err.bootTitle, advice = err.advice, details = err.details;
    var isPython = err.name === "PythonError" ||
      (err.constructor && err.constructor.name === "PythonError");
    if (!title && isPython) {
      title = "The Python code stopped with an error";
      advice = "This is a bug in the page. Reload to try again; if it happens again, please " +
        "report it together with the text below.";
      details = String(err.message);
      err = new Error(lastLine(err.message));
    }
    title = title || "The page could not start";
    advice = advice || "Reload the page. If this keeps happening, try another browser.";
    el("boot-status").textContent = "Stopped.";
    boot.error = { title: title, message: String(err.message), advice: advice };
    console.error("[boot] " + title + ": " + err.message + (details ? "\n" + details : ""));

    el("boot").hidden = false;
    el("boot").classList.add("boot-failed");
    if (boot.step) stepClass(boot.step, "failed");
    var box = el("boot-error");
    box.replaceChildren();
    box.append(node("h2", title), node("p", String(err.message)), withCode("p", advice));
    // Technical details only where they help: a traceback, or an error nobody foresaw.
    var more = details || (err.bootTitle ? "" : err.stack);
    if (more) {
      var d = document.createElement("details");
      d.append(node("summary", "Technical details"), node("pre", more));
      box.append(d);
    }
    var again = node("button", "Reload");
    again.type = "button";
    again.addEventListener("click", function () { location.reload(); });
    box.append(again);
    box.hidden = false;
  }

  function lastLine(text) {
    var lines = String(text).trim().split("\n");
    return lines[lines.length - 1];
  }

  function node(tag, text) {
    var n = document.createElement(tag);
    n.textContent = text;
    return n;
  }

  // Text with `backticks` shown as <code>.
  function withCode(tag, text) {
    var n = document.createElement(tag);
    text.split("`").forEach(function (part, i) { n.append(i % 2 ? node("code", part) : part); });
    return n;
  }

  // ---- progress -----------------------------------------------------------------------------

  function stepClass(step, cls) {
    var li = document.querySelector('#boot-steps li[data-step="' + step + '"]');
    if (li) { li.classList.remove("active", "done", "failed"); li.classList.add(cls); }
  }

  function setStep(step, status) {
    var now = performance.now();
    if (boot.step) {
      stepClass(boot.step, "done");
      boot.timings[boot.step] = Math.round(now - stepStart);
    }
    stepStart = now;
    boot.step = step;
    if (step) stepClass(step, "active");
    if (status) setStatus(status);
  }

  /** Part of a step, for the benchmark (boot.timings[name], ms since t); the time now. */
  function lap(name, t) {
    var now = performance.now();
    boot.timings[name] = Math.round(now - t);
    return now;
  }

  /** A moment of the files and runtime steps, for the benchmark: boot.timings["at_" + name], ms
      after navigation start (the steps overlap, so their parts are placed on one clock). */
  function mark(name) {
    boot.timings["at_" + name] = Math.round(performance.now());
  }

  /** An asset's name as a timings key: "vendor/x/pyodide.asm.wasm" -> "pyodide_asm_wasm". */
  function keyName(key) { return key.split("/").pop().replace(/[^A-Za-z0-9]+/g, "_"); }

  function setStatus(text) {
    if (!boot.error) el("boot-status").textContent = text;
  }

  function setBar(fraction) {
    if (boot.error) return; // keep the bar where it stopped
    var pct = Math.max(0, Math.min(100, Math.round(fraction * 1000) / 10));
    el("boot-bar-fill").style.width = pct + "%"; // CSSOM: allowed by style-src 'self'
    el("boot-progress").setAttribute("aria-valuenow", String(Math.round(pct)));
  }

  function mb(n) { return (n / 1e6).toFixed(1) + " MB"; }

  /** Bytes done of a known total, shown as the first phase of the bar. */
  function ByteProgress(total, describe) {
    var done = {};
    this.set = function (key, n) {
      done[key] = n;
      var sum = 0;
      for (var k in done) sum += done[k];
      setBar(BAR.download * sum / total);
      setStatus(describe(sum, total));
    };
  }

  // Yield to the event loop so the page can paint (MessageChannel: not throttled like timers).
  function yieldToBrowser() {
    if (window.scheduler && scheduler.yield) return scheduler.yield();
    return new Promise(function (resolve) {
      var ch = new MessageChannel();
      ch.port1.onmessage = function () { resolve(); };
      ch.port2.postMessage(0);
    });
  }

  // ---- loading files ------------------------------------------------------------------------

  function absolute(path) { return new URL(path, document.baseURI).href; }

  // What each script added by loadScript threw while it ran (it is document.currentScript then;
  // its `load` event follows in the same task).
  var thrown = new WeakMap();
  window.addEventListener("error", function (e) {
    var s = document.currentScript;
    if (s && !thrown.has(s)) thrown.set(s, e.message);
  });

  function loadScript(path, inAnyOrder) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = path;
      s.async = !!inAnyOrder; // libraries run in the order listed; bundles as they arrive
      s.onload = function () {
        if (thrown.has(s)) reject(damagedFile(path, threw(thrown.get(s))));
        else resolve();
      };
      s.onerror = function () { reject(missingFile(path, "script failed to load")); };
      document.head.append(s);
    });
  }

  function loadStyle(path) {
    return new Promise(function (resolve, reject) {
      var l = document.createElement("link");
      l.rel = "stylesheet";
      l.href = path;
      l.onload = function () { resolve(); };
      l.onerror = function () { reject(missingFile(path, "stylesheet failed to load")); };
      // Before the page's own style.css, so that the page can override library styles.
      var own = document.querySelector('link[rel="stylesheet"]');
      document.head.insertBefore(l, own);
    });
  }

  async function sha256Hex(bytes) {
    if (!(window.crypto && crypto.subtle)) return null; // not a secure context: skip the check
    var h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(h, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  async function verified(key, bytes, expected) {
    var t = performance.now();
    var got = await sha256Hex(bytes);
    lap("sha256_" + keyName(key), t);
    if (got !== null && got !== expected) throw damagedFile(key, CHECKSUM);
    return bytes;
  }

  /** Over http(s): the response for one asset, or the error that names it. */
  async function request(key, priority) {
    var r;
    try {
      r = await realFetch.call(window, key, { priority: priority }); // (a hint; ignored where unknown)
    } catch (e) {
      throw missingFile(key, "network error: " + e.message);
    }
    if (!r.ok) throw missingFile(key, "HTTP " + r.status);
    return r;
  }

  /** A file that is not packed (the runtime, its lock file and stdlib zip): read whole by the
      browser and checked with WebCrypto, which digests off this thread. Chunk by chunk through
      this thread it was held up whenever the thread was busy (compiling, painting), most of all
      on a slow computer, where the runtime's 10 MB then arrived after the snapshot. */
  async function downloadWhole(key, asset, progress, response) {
    var r = await response, bytes;
    try {
      bytes = new Uint8Array(await r.arrayBuffer());
    } catch (e) {
      throw missingFile(key, "network error: " + e.message);
    }
    if (bytes.length > asset.size) throw damagedFile(key, "it is longer than built");
    if (bytes.length < asset.size) throw damagedFile(key, "it is shorter than built");
    progress.set(key, bytes.length);
    mark(keyName(key));
    bytes = await verified(key, bytes, asset.sha256);
    mark("checked_" + keyName(key));
    return bytes;
  }

  /** Over file://: the bundle script registered base64 (of gzip, where that was smaller); decode
      it in slices, and check it. */
  async function fromBundle(key, asset, progress) {
    var rec = self.WIL_BUNDLE && self.WIL_BUNDLE[key];
    // it loaded (a missing file stops before this) but did not run to its end
    if (!rec || typeof rec.data !== "string") throw damagedFile(asset.bundle, "it does not hold " + key);
    var text = rec.data, packedLen = Math.floor(text.length / 4) * 3;
    var packed = new Uint8Array(packedLen + 3), n = 0;
    var SLICE = 1 << 20; // characters of base64 per slice; a multiple of 4
    for (var i = 0; i < text.length; i += SLICE) {
      var part = text.slice(i, i + SLICE);
      try {
        if (Uint8Array.fromBase64) {
          var b = Uint8Array.fromBase64(part);
          packed.set(b, n);
          n += b.length;
        } else {
          var s = atob(part);
          for (var j = 0; j < s.length; j++) packed[n + j] = s.charCodeAt(j);
          n += s.length;
        }
      } catch (e) {
        throw damagedFile(asset.bundle, "its data is not valid base64 (" + e.message + ")");
      }
      progress.set(key, asset.size * Math.min(1, i / text.length) * 0.5);
      await yieldToBrowser();
    }
    packed = packed.subarray(0, n);
    delete self.WIL_BUNDLE[key]; // free the base64 text
    var bytes = packed;
    if (rec.encoding === "gzip") {
      try {
        bytes = await gunzip(packed);
      } catch (e) {
        throw damagedFile(asset.bundle, "its data does not unpack (" + e.message + ")");
      }
    }
    if (bytes.length !== asset.size) throw damagedFile(asset.bundle, CHECKSUM);
    progress.set(key, asset.size);
    return verified(asset.bundle, bytes, asset.sha256);
  }

  async function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // ---- unpacking ------------------------------------------------------------------------------

  // The packed assets are unpacked by zstddec (BUILD.unpacker), in a worker (below) or, over
  // file:// or when no worker starts, here. Its memory grows to the largest file it unpacked: the
  // decoder is dropped once Python is up.
  var pageDecoder = null; // Promise<a ready ZSTDDecoder>

  async function unpackHere(key, asset, bytes) {
    pageDecoder = pageDecoder || loadScript(BUILD.unpacker).then(function () {
      if (typeof self.WILZstd !== "function") throw damagedFile(BUILD.unpacker, "it did not define WILZstd");
      var d = new (self.WILZstd())();
      return d.init().then(function () { return d; });
    });
    var d = await pageDecoder, t = performance.now(), out;
    try {
      out = d.decode(bytes, asset.unpackedSize);
    } catch (e) {
      throw damagedFile(key, "it does not unpack (" + e.message + ")");
    }
    // (zstddec does not report a failed unpacking: its output is then short)
    if (out.length !== asset.unpackedSize) {
      throw damagedFile(key, "it unpacks to " + out.length + " bytes, not " + asset.unpackedSize);
    }
    lap("unpack_" + keyName(key), t);
    return out;
  }

  // ---- checking and unpacking off the main thread (unpack-worker.js) --------------------------

  var UNPACKER = "unpack-worker.js";
  var jobs = {}, lastJob = 0;
  // A worker once it runs; null when it cannot (then the page does its work itself). Files are
  // handed over only then: a message to a worker that failed to start is lost with its bytes.
  // Each packed file has a worker of its own, so that the three unpack side by side (on as many
  // cores as there are): the snapshot, the largest, would otherwise wait behind the others. (The
  // files that are not packed are checked here: downloadWhole.)
  var unpackers = {};

  function unpackerFor(key) {
    return unpackers[key] || (unpackers[key] = startUnpacker());
  }

  function startUnpacker() {
    if (MODE !== "http" || typeof Worker !== "function") return Promise.resolve(null);
    return new Promise(function (resolve) {
      var w;
      try {
        w = new Worker(UNPACKER);
      } catch (e) {
        resolve(null);
        return;
      }
      w.onmessage = function (e) {
        if (e.data.ready) { resolve(w); return; }
        if (e.data.keptForNextVisit) { boot.keptForNextVisit.push(e.data.keptForNextVisit); return; }
        var job = jobs[e.data.id];
        if (!job) return;
        if ("progress" in e.data) { job.progress(e.data); return; }
        delete jobs[e.data.id];
        job.done(e.data);
      };
      w.onerror = function () { resolve(null); }; // missing or damaged: the page unpacks itself
    });
  }

  /** f, once the page is up and has a moment: what is done for the next visit slows neither the
      start nor the first frames. */
  function whenIdle(f) {
    if (self.requestIdleCallback) requestIdleCallback(f, { timeout: 5000 });
    else setTimeout(f, 2000);
  }

  // file -> the unpacked bytes its worker would keep for the next visit, given back to it when
  // idle: the worker then need not copy them (36 MB for the snapshot) before it hands them over
  var toGiveBack = {};

  /** The workers keep what they unpacked for the next visit (unpack-worker.js). The snapshot's
      bytes go back as they are (Python's memory was restored from them: nothing reads them any
      more); the images' are copied, since Python's file system owns them (layOut). A worker
      with nothing to keep has closed. */
  function keepUnpackedWhenIdle() {
    whenIdle(function () {
      Object.keys(toGiveBack).forEach(function (key) {
        var bytes = toGiveBack[key];
        if (key !== SNAPSHOT) bytes = bytes.slice();
        unpackers[key].then(function (w) { w.postMessage({ keepNow: true, bytes: bytes }, [bytes.buffer]); });
      });
      toGiveBack = {};
    });
  }

  /** The libraries the first frames do not need (build-info.js's "later": the highlighter of the
      code panels, below the fold), once the page is up; then the event that tells Python they
      are there (playground/views/highlight.py). One that is missing is only named on the
      console: the code is then shown without colours. */
  function loadLaterWhenIdle() {
    whenIdle(function () {
      Promise.all((BUILD.later || []).map(function (path) {
        return loadScript(path, true).catch(function (e) { console.warn("[boot] " + e.message); });
      })).then(function () {
        boot.laterLoaded = true;
        document.dispatchEvent(new Event("wil-later-loaded"));
      });
    });
  }

  /** Python restored from the snapshot has the build's random streams: Python's `random` and
      numpy's global one would give every visit the same numbers. They are seeded anew from the
      browser's entropy once the page is up, not before: the page draws from neither (each Session
      has a Generator of its own seed), code a learner edits may, and numpy's first seeding took
      20-25 ms of a cold start. */
  function reseedWhenIdle(pyodide) {
    whenIdle(function () {
      pyodide.runPython(WILSnapshot.RESEED);
      boot.reseeded = true;
    });
  }

  // Chromium keeps a script's compiled code for the next visit only once it has run that script
  // a second time within a few days: the second visit would compile the runtime script (1.3 MB,
  // a quarter of a second of a core while the runtime starts) as the first did, and only the
  // third would find it compiled. So the first visit runs it a second time, when idle. That only
  // defines the runtime's factory (_createPyodideModule) again, which nothing calls any more.
  // Once per runtime and browser (its path names its version); over http(s), where the browser
  // keeps compiled code; and not where nothing can be remembered (no localStorage).
  var COMPILED = "watch-it-learn-runtime-compiled";

  function compileForNextVisitWhenIdle() {
    var store = null, runtime = BUILD.pyodide.runtime;
    try {
      store = self.localStorage;
      if (MODE !== "http" || !store || store.getItem(COMPILED) === runtime) return;
    } catch (e) {
      return; // storage refused (a sandbox, a setting)
    }
    whenIdle(function () {
      var s = document.createElement("script");
      s.src = runtime;
      s.onload = function () {
        s.remove();
        boot.compiledForNextVisit = true;
        try { store.setItem(COMPILED, runtime); } catch (e) { /* full: tried again next visit */ }
      };
      s.onerror = function () { s.remove(); };
      document.head.append(s);
    });
  }

  /** Over http(s), a packed file the worker downloads itself (not through this thread), checks and
      unpacks: the checked, unpacked bytes, or the error that names the file. */
  async function downloadedByWorker(w, key, asset, progress, priority) {
    var id = ++lastJob;
    var reply = new Promise(function (resolve) {
      jobs[id] = { done: resolve, progress: function (m) {
        progress.set(key, m.progress);
        if (m.arrived) mark(keyName(key));
      } };
    });
    w.postMessage({ id: id, start: true, url: absolute(key), size: asset.size, sha256: asset.sha256,
                    decoder: absolute(BUILD.unpacker), unpackedSize: asset.unpackedSize,
                    unpacked: asset.unpackedSha256, checksum: asset.unpackedXxh64,
                    checker: BUILD.checker && absolute(BUILD.checker), priority: priority });
    var got = await reply;
    if (got.missing) throw missingFile(got.file ? BUILD.unpacker : key, got.missing);
    if (got.damaged) throw damagedFile(key, got.damaged);
    return workersAnswer(key, asset, got);
  }

  function workersAnswer(key, asset, got) {
    Object.keys(got.ms || {}).forEach(function (step) {
      boot.timings[step + "_" + keyName(key)] = Math.round(got.ms[step]);
    });
    if (got.kept) boot.timings["kept_" + keyName(key)] = 1; // unpacked, from the last visit
    if (typeof got.sha256 === "string" && got.sha256 !== asset.sha256) throw damagedFile(key, CHECKSUM);
    if (got.error) {
      throw damagedFile(key, (got.sha256 === undefined ? "it cannot be checked (" : "it does not unpack (") +
        got.error + ")");
    }
    mark("checked_" + keyName(key));
    if (got.keep) toGiveBack[key] = got.bytes;
    return got.bytes;
  }

  /** Answer fetch() for the boot assets from memory; everything else goes to the network. */
  function installFetchShim() {
    window.fetch = async function (input, init) {
      var url = absolute(input instanceof Request ? input.url : String(input));
      var entry = memory[url];
      if (!entry) return realFetch.apply(this, arguments);
      var bytes;
      try {
        bytes = await entry.bytes;
      } catch (e) {
        rejectBoot(e); // its own message, before Pyodide turns it into a vaguer one
        throw e;
      }
      mark("served_" + keyName(entry.key));
      var sri = init && init.integrity;
      if (sri && sri !== "sha256-" + hexToBase64(entry.sha256)) {
        throw new TypeError("integrity mismatch for " + entry.key);
      }
      var response = new Response(bytes, { status: 200, headers: { "Content-Type": entry.type } });
      if (entry.compiled) precompiled.set(response, entry.compiled);
      return response;
    };
  }

  function hexToBase64(hex) {
    var s = "";
    for (var i = 0; i < hex.length; i += 2) s += String.fromCharCode(parseInt(hex.substr(i, 2), 16));
    return btoa(s);
  }

  // ---- the runtime's WebAssembly, compiled as it arrives ---------------------------------------

  // Over http the browser compiles pyodide.asm.wasm while it downloads, from the network's
  // Response: only such a module (not one compiled from bytes) is kept in the browser's code
  // cache, so that a repeat visit skips compiling it. The checksum is taken of a copy of the
  // same bytes; Python is given the module only after it matched (the fetch shim waits for the
  // check), so nothing of a damaged file runs. Over file:// Pyodide compiles from the bytes.
  var RUNTIME_WASM = BUILD && BUILD.pyodide.indexURL + "pyodide.asm.wasm";
  var STREAM_WASM = MODE === "http" && typeof WebAssembly === "object" &&
    typeof WebAssembly.compileStreaming === "function";
  var precompiled = new WeakMap(); // the shim's Response for the wasm -> Promise<WebAssembly.Module>

  function compiledAsItArrives(key, responses) {
    var compiled = responses.then(function (rs) {
      var t = performance.now();
      return WebAssembly.compileStreaming(rs[0]).then(function (module) {
        lap("compile_" + keyName(key), t);
        mark(keyName(key) + "_compiled");
        return module;
      });
    });
    // A failure is reported when Python asks for the module, after the checksum: a damaged
    // file is named as damaged, not as a WebAssembly error.
    compiled.catch(function () {});
    return compiled;
  }

  // Pyodide reports a failed WebAssembly instantiation with console.warn and then waits forever:
  // turn it into a boot failure. Its instantiateStreaming of the runtime gets the module compiled
  // as it arrived.
  var wasmHooks = [];
  function hookWebAssembly() {
    var instantiate = WebAssembly.instantiate, streaming = WebAssembly.instantiateStreaming;
    function fromCompiled(source, imports) {
      return Promise.resolve(source).then(function (response) {
        var compiled = response && precompiled.get(response);
        if (!compiled) return streaming.call(WebAssembly, response, imports);
        return compiled.then(function (module) {
          return instantiate.call(WebAssembly, module, imports).then(function (instance) {
            mark("runtime_instantiated");
            return { module: module, instance: instance };
          });
        }, function (e) {
          // The checksum matched, yet the browser would not compile the download: a host that
          // sends the file as another type than application/wasm, say. Compile the bytes instead.
          console.warn("[boot] compiling pyodide.asm.wasm from its bytes: " + e.message);
          boot.timings.runtime_from_bytes = 1;
          return streaming.call(WebAssembly, response, imports);
        });
      });
    }
    ["instantiate", "instantiateStreaming"].forEach(function (name) {
      var orig = WebAssembly[name];
      if (!orig) return;
      var call = name === "instantiateStreaming" ? fromCompiled : orig;
      WebAssembly[name] = function () {
        return call.apply(WebAssembly, arguments).catch(function (e) {
          rejectBoot(BootError("The Python runtime could not start",
            "WebAssembly failed to load: " + e.message,
            "Reload the page. If it keeps failing, the runtime file may be damaged or blocked " +
            "by a browser setting; try another browser."));
          throw e;
        });
      };
      wasmHooks.push(function () { WebAssembly[name] = orig; });
    });
  }

  // ---- file images: numpy (scripts/make_numpy_image.mjs), our code (scripts/file_image.py) ----

  /** The image's header and where each file's bytes are in it (snapshot-restore.js reads it);
      a damaged image is named. */
  function readImage(key, bytes) {
    try {
      return WILSnapshot.readImage(bytes);
    } catch (e) {
      throw damagedFile(key, "its list of files cannot be read (" + e.message + ")");
    }
  }

  /** What pyodide.loadPackage("numpy") does, without unpacking the wheel in Python on every
      visit: the files as its install lays them out (the build checked that), then the same
      WebAssembly modules loaded in the same order, the same bookkeeping. From the snapshot
      (`restored`) the modules are in place already: the files are what is left. */
  async function installNumpy(pyodide, image, restored) {
    var api = pyodide._api, head = image.head;
    if (!api || typeof api.loadDynlibsFromPackage !== "function" || !pyodide._module ||
        typeof pyodide._module.reportUndefinedSymbols !== "function") {
      throw BootError("numpy could not be installed",
        "The Python runtime is not the one this page was built with.",
        "Reload the page. Developers: rebuild with `python scripts/build.py`.");
    }
    var FS = pyodide.FS, t = performance.now();
    try {
      WILSnapshot.layOut(FS, image);
      t = lap("numpy_files", t);
      if (!restored) {
        await api.loadDynlibsFromPackage({ file_name: head.wheel }, head.dynlibs);
        lap("numpy_modules", t);
      }
    } catch (e) {
      throw BootError("numpy could not be installed", String(e && e.message || e),
        "Reload the page. If it keeps failing, the numpy file may be damaged.");
    }
    if (!restored) pyodide._module.reportUndefinedSymbols();
    Object.keys(BUILD.pyodide.packages).forEach(function (name) {
      pyodide.loadedPackages[name] = "default channel"; // as loadPackage records a lockfile package
    });
    WILSnapshot.invalidateCaches(pyodide);
  }

  /** The snapshot's numpy modules loaded where its memory expects them (snapshot-restore.js), as
      soon as the runtime exists, before loadPyodide writes the memory back. loadPyodide makes
      the runtime only once it holds the snapshot (it sizes the runtime's memory by it): it is
      handed `into`, as long as the snapshot but empty (and never written to), at once, so that
      the runtime starts and numpy is placed while the snapshot still downloads and unpacks (the
      plan of where numpy goes comes with build-info.js); Pyodide's restore is then handed the
      snapshot's bytes instead. And the page's scripts have run by then, since the restore looks
      up the JS objects Python held (uPlot). */
  function placeNumpyBeforeRestore(parts, into, scripts) {
    var plan = BUILD.pyodide.snapshotPlan;
    WILSnapshot.beforeMemoryRestored(async function (Module) {
      var image = await memory[absolute(BUILD.pyodide.numpyImage)].bytes;
      var t = performance.now(), libs = {};
      image.files.forEach(function (f) { libs[f.path] = f.bytes; });
      try {
        await WILSnapshot.placeLibraries(Module, plan, function (name) { return libs[name]; }, image.compiled);
      } catch (e) {
        throw BootError("numpy could not be installed", String(e && e.message || e),
          "Reload the page. Developers: rebuild with `python scripts/build.py` (the start-up " +
          "snapshot and the runtime must come from the same build).");
      }
      lap("numpy_modules", t);
      mark("numpy_placed");
      var got = await parts, api = Module.API, restore = api && api.restoreSnapshot;
      // (its sha256 matched: only a build-info.js of another build can differ)
      if (got.memory.length !== into.length || JSON.stringify(got.plan) !== JSON.stringify(plan)) {
        throw damagedFile(SNAPSHOT, "it is not the one build-info.js was built with");
      }
      if (typeof restore !== "function") {
        throw BootError("Python could not be restored", "The Python runtime is not the one this page was built with.",
          "Reload the page. Developers: rebuild with `python scripts/build.py`.");
      }
      // Restored from the snapshot's own bytes rather than copied into `into` first (30 ms).
      api.restoreSnapshot = function () {
        api.restoreSnapshot = restore;
        return restore.call(api, got.memory);
      };
      await scripts;
    });
  }

  // ---- the boot sequence --------------------------------------------------------------------

  function checkBrowser() {
    var buildInfo = self.WIL_PAGE_SCRIPTS && self.WIL_PAGE_SCRIPTS["build-info.js"];
    if (!BUILD && buildInfo && buildInfo.state !== "missing") {
      throw pageScriptProblem("build-info.js", "it did not define WIL_BUILD");
    }
    if (!BUILD) {
      throw BootError("This page has not been built", "build-info.js is missing.",
        "Run `python scripts/build.py` and open dist/index.html (site/index.html is only " +
        "the source). If this is a copy of a built page, the copy is incomplete: copy the " +
        "whole folder again.");
    }
    if (!self.WILDraw) throw pageScriptProblem("draw.js", "it did not define WILDraw");
    if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
      throw BootError("This browser cannot run WebAssembly",
        "The Python runtime needs WebAssembly, which is missing or turned off here.",
        "Use a current Firefox, Chrome, Edge or Safari. If WebAssembly is turned off by a " +
        "security setting (for example a strict or “JIT-less” mode), allow it for this page.");
    }
    if (MODE === "file" && typeof DecompressionStream !== "function") {
      throw BootError("This browser is too old to open the page from a file",
        "DecompressionStream is missing.",
        "Use a current browser, or serve the folder: `python scripts/serve.py`.");
    }
  }

  // The start-up snapshot (scripts/make_snapshot.mjs) spares the ~2 s of starting Python. (A
  // build without it starts Python the long way: the tests compare the two.)
  var SNAPSHOT = (BUILD && BUILD.pyodide.snapshot) || null;
  var RESTORER = "snapshot-restore.js"; // restores it; also reads the file images

  function loadFiles() {
    var assets = BUILD.assets, total = BUILD.pyodide.runtimeSize;
    var keys = Object.keys(assets).filter(function (k) {
      return k !== BUILD.pyodide.snapshot || SNAPSHOT;
    });
    keys.forEach(function (k) { total += assets[k].size; });
    var describe = MODE === "file"
      ? function (n, of) {
        return "Unpacking the Python runtime (" + mb(of) + ")… " + Math.floor(100 * n / of) + "%";
      }
      : function (n, of) {
        return "Downloading Python and numpy: " + (n / 1e6).toFixed(1) + " of " + mb(of);
      };
    var progress = new ByteProgress(total, describe);
    setStatus(describe(0, total));

    if (MODE === "http") {
      // The downloads first, and the snapshot's first of them: Python's start waits for it, and
      // the browser opens only a few connections to one server at a time. Our code's image is
      // needed only after Python runs (numpy's too, without the snapshot): where the line is
      // shared (HTTP/2 on a real network), the files Python starts from go first.
      var later = SNAPSHOT ? [BUILD.app.image] : [BUILD.pyodide.numpyImage, BUILD.app.image];
      var first = SNAPSHOT ? [SNAPSHOT, BUILD.pyodide.numpyImage] : [];
      var rank = function (k) { var i = first.indexOf(k); return i < 0 ? first.length : i; };
      keys.slice().sort(function (a, b) { return rank(a) - rank(b); }).forEach(function (k) {
        var entry = memory[absolute(k)] = { key: k, type: assets[k].type, sha256: assets[k].sha256 };
        var priority = later.indexOf(k) >= 0 ? "low" : "high";
        if (k === RUNTIME_WASM && STREAM_WASM) {
          var response = request(k, priority).then(function (r) { return [r, r.clone()]; });
          entry.compiled = compiledAsItArrives(k, response);
          entry.bytes = response.then(function (rs) { return downloadWhole(k, assets[k], progress, rs[1]); });
        } else if (assets[k].packed) {
          // downloaded, checked and unpacked by a worker of its own, unless there is none
          entry.bytes = unpackerFor(k).then(function (w) {
            boot.unpackedIn = w ? "worker" : "page";
            if (!w) {
              return downloadWhole(k, assets[k], progress, request(k, priority))
                .then(function (bytes) { return unpackHere(k, assets[k], bytes); });
            }
            return downloadedByWorker(w, k, assets[k], progress, priority);
          });
        } else {
          entry.bytes = downloadWhole(k, assets[k], progress, request(k, priority));
        }
      });
    }

    var scripts = [RESTORER, BUILD.pyodide.loader, BUILD.pyodide.runtime].concat(BUILD.scripts);
    var loaded = scripts.map(function (path) {
      return loadScript(path).then(function () {
        if (path === RESTORER && !self.WILSnapshot) throw damagedFile(path, "it did not define WILSnapshot");
        if (path !== BUILD.pyodide.runtime) return;
        // Pyodide 0.27's runtime script defines this; without it loadPyodide would try to load
        // the file again itself (from file:// as a module, which fails with a vaguer error).
        if (typeof self._createPyodideModule !== "function") {
          throw damagedFile(path, "it did not define the Python runtime");
        }
        progress.set(path, BUILD.pyodide.runtimeSize);
        mark("runtime_script");
      });
    });
    var pending = BUILD.styles.map(loadStyle).concat(loaded);
    if (MODE === "file") {
      // Bundles one after another: each is unpacked while the next one is read.
      var chain = Promise.resolve();
      keys.forEach(function (k) {
        var read = loadScript(assets[k].bundle, true);
        read.catch(function () {}); // reported through the chain below
        var bytes = chain.then(function () { return read; })
          .then(function () { return fromBundle(k, assets[k], progress); });
        chain = bytes;
        memory[absolute(k)] = { key: k, type: assets[k].type, sha256: assets[k].sha256, bytes: bytes };
      });
    }
    var files = [];
    keys.forEach(function (k) {
      var entry = memory[absolute(k)];
      // checked as stored (its sha256 is of the packed bytes), then unpacked (a download is already)
      if (assets[k].packed && MODE === "file") {
        entry.bytes = entry.bytes.then(function (bytes) { return unpackHere(k, assets[k], bytes); });
      }
      if (k === BUILD.pyodide.numpyImage) {
        entry.bytes = entry.bytes.then(function (bytes) {
          return loaded[0].then(function () { // (RESTORER reads it)
            var image = readImage(k, bytes);
            // from the snapshot, its modules are needed as soon as the runtime is: compile them now
            if (SNAPSHOT) image.compiled = WILSnapshot.compileLibraries(image);
            return image;
          });
        });
      }
      files.push(entry.bytes);
    });
    // Python can start while the large files still arrive (the fetch shim waits for each one), so
    // compiling the runtime overlaps with the downloads. It needs Pyodide's two scripts and
    // snapshot-restore.js to start; the libraries and styles the page uses load meanwhile (the
    // snapshot's restore waits for them: placeNumpyBeforeRestore).
    return { runtime: Promise.all(loaded.slice(0, 3)), scripts: Promise.all(pending),
             files: Promise.all(files) };
  }

  async function run() {
    boot.timings.bootjs = Math.round(performance.now()); // ms after navigation start
    checkBrowser();
    setStep("runtime");
    setBar(0.02);
    installFetchShim();
    hookWebAssembly();
    var t = performance.now();
    var loading = loadFiles();
    var files = loading.files.then(function () {
      boot.timings.files = Math.round(performance.now() - t);
      setBar(BAR.download);
      setStatus("Starting the Python interpreter…");
    });
    files.catch(rejectBoot); // a missing or damaged file stops the boot with its own message
    loading.scripts.catch(rejectBoot);
    await loading.runtime;
    await yieldToBrowser();
    if (typeof loadPyodide !== "function") {
      throw damagedFile(BUILD.pyodide.loader, "it did not define loadPyodide");
    }
    mark("loadPyodide");
    var into = null; // the snapshot as loadPyodide first sees it: its size (placeNumpyBeforeRestore)
    if (SNAPSHOT) {
      var parts = memory[absolute(SNAPSHOT)].bytes.then(function (bytes) { // {plan, memory}
        try {
          return WILSnapshot.split(bytes);
        } catch (e) {
          throw damagedFile(SNAPSHOT, e.message);
        }
      });
      parts.catch(function () {}); // (awaited once numpy is placed; files tells of it sooner)
      into = new Uint8Array(BUILD.pyodide.snapshotSize);
      placeNumpyBeforeRestore(parts, into, loading.scripts);
    }
    var pyodide = await loadPyodide({
      indexURL: absolute(BUILD.pyodide.indexURL),
      _loadSnapshot: into || undefined,
      stdout: function (line) { console.log(line); },
      stderr: function (line) { console.warn(line); },
    });
    mark("python_runs");
    await files;
    await loading.scripts;
    boot.pyodide = pyodide;
    boot.snapshot = !!SNAPSHOT; // Python restored from the start-up snapshot, not started anew
    setBar(BAR.runtime);

    setStep("numpy", "Installing numpy…");
    await installNumpy(pyodide, await memory[absolute(BUILD.pyodide.numpyImage)].bytes, !!SNAPSHOT);
    setBar(BAR.numpy);

    setStep("code", "Loading the network code…");
    var code = await memory[absolute(BUILD.app.image)].bytes, t = performance.now();
    WILSnapshot.layOut(pyodide.FS, readImage(BUILD.app.image, code)); // the folders under /app, as they are
    pyodide.runPython(WILSnapshot.APP_FIRST);
    t = lap("code_unpack", t);
    if (!SNAPSHOT) { // (the snapshot has numpy and nn imported already, and more)
      WILSnapshot.IMPORTS.forEach(function (name) {
        pyodide.runPython("import " + name);
        t = lap("code_" + name.replace(/\W+/g, "_"), t);
      });
      pyodide.runPython(WILSnapshot.PREPARE); // (the snapshot has it made)
      lap("code_prepare", t);
    }
    setBar(BAR.code);

    uninstall();
    setStep("start", "Starting…");
    await yieldToBrowser();
    window.pyodide = pyodide;
    var playground = pyodide.pyimport("playground");
    var result = playground.main();
    playground.destroy();
    if (result && typeof result.then === "function") {
      await result;
      if (result.destroy) result.destroy();
    }
    setBar(BAR.start);
    setStep(null);
    boot.timings.total = Math.round(performance.now()); // ms after navigation start
    boot.ready = true;
    el("boot").hidden = true;
    loadLaterWhenIdle();
    keepUnpackedWhenIdle();
    compileForNextVisitWhenIdle();
    if (SNAPSHOT) reseedWhenIdle(pyodide);
    // Play, clicked while Python started (first-paint.js kept it), trains from now on.
    if (self.WILFirstPaint && WILFirstPaint.handOver()) el("play").click();
  }

  function uninstall() {
    window.fetch = realFetch;
    wasmHooks.forEach(function (undo) { undo(); });
    wasmHooks = [];
    memory = {};
    pageDecoder = null; // (its memory: as large as the snapshot)
  }

  function start() {
    // This script runs: away with index.html's note for a page whose scripts did not, and with
    // boot-check.js's message if it gave up waiting for this one.
    var stalled = el("boot-stalled");
    if (stalled) stalled.remove();
    el("boot-error").hidden = true;
    el("boot").classList.remove("boot-failed");
    Promise.race([run(), bootFailed]).catch(function (err) {
      uninstall();
      showError(err);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
