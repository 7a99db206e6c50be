/* unpack-worker.js: downloads one of the page's packed files, checks it and unpacks it, off the
   page's main thread.

   Over http boot.js starts one for each packed file (the start-up snapshot, numpy's image, our
   code's image), so that they download and unpack side by side, on as many cores as there are,
   while the page's own thread compiles the runtime and paints. The files are packed with
   Zstandard (scripts/zstd_pack.mjs) and unpacked by zstddec, a WebAssembly decoder, loaded here
   with importScripts from the path boot.js gives (build.py wraps it as a classic script). When
   the download is in, its sha256 is compared with the one recorded at build time, and only when
   they match is it unpacked and handed to boot.js. boot.js does the same work itself when this
   worker cannot start (over file://, where a page may not start workers from files, or when this
   file is missing).

   An unpacked file is kept in the origin private file system for the next visit (where there is
   one: a secure context), once boot.js says the page is up and gives the bytes back ({keepNow:
   true, bytes}): writing 54 MB while Python starts would slow the start it is meant to speed up,
   and so would copying them before handing them over. Its name holds the sha256 the build
   recorded of it ({unpacked} in the message), and it is used only if its xxh64 is the one the
   build recorded ({checksum}, taken with xxhash-wasm, from {checker}); any other is deleted, and
   the file downloaded again. Reading back and checking the kept snapshot is quicker than
   unpacking it again from the HTTP cache (with Cache Storage it already was: 0.14 s sooner on a
   repeat visit; the private file system reads it back three times as fast again).

   Protocol: it posts {ready: true} once it runs. Then per file boot.js sends {id, start, url,
   size, sha256, decoder (zstddec.js's URL), unpackedSize, unpacked (its sha256), checksum (its
   xxh64), checker (xxhash-wasm.js's URL), priority}; it answers {id, progress: bytes so far} as
   they come, {id, arrived: true} at the end, then {id, sha256 (what it found, null without
   WebCrypto), bytes (unpacked; only when the sums match), kept (true when it came kept from the
   last visit), keep (true when it would keep them: send them back with keepNow), error (the
   unpacking's, if any), ms: {sha256, unpack} or {read, check}}; or {id, missing: why, file} (a
   network error, an HTTP error status; `file` is the decoder's URL when it is the decoder that
   is missing) or {id, damaged: why} (longer or shorter than built); and {keptForNextVisit: url}
   once it has kept its file. One file a worker: it closes once the file is handed over (and
   kept, if it is to be), and the decoder's memory, as large as the file, goes with it. */
"use strict";

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

// ---- the decoder ----------------------------------------------------------------------------

/** Promise<a ready ZSTDDecoder>, from zstddec.js at `url`. */
function decoder(url) {
  return new Promise(function (resolve) {
    importScripts(url); // throws (a NetworkError) when the file is missing
    resolve(new (self.WILZstd())());
  }).then(function (d) { return d.init().then(function () { return d; }); });
}

// ---- unpacked files kept for the next visit (the origin private file system) -----------------

// A folder of the origin private file system, read with a synchronous access handle (workers
// only): the kept snapshot (36 MB) reads back in ~30 ms where Cache Storage took 90-200 ms.
var KEPT = "watch-it-learn-unpacked";
var toKeep = null; // writes this worker's file there, once the page gives the bytes back

/** The file's name there: its path on the server and the sha256 of its unpacked bytes (so that a
    copy of another build is never taken for this one). */
function keptName(msg) { return encodeURIComponent(new URL(msg.url).pathname) + "@" + msg.unpacked; }

async function keptFolder() {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(KEPT, { create: true });
}

function canKeep(msg) {
  return !!(msg.unpacked && msg.checksum && msg.checker && self.navigator && navigator.storage &&
            navigator.storage.getDirectory && self.FileSystemFileHandle &&
            FileSystemFileHandle.prototype.createSyncAccessHandle && self.crypto && crypto.subtle);
}

/** Promise<xxhash-wasm's API>, from its script at `url` (build-info.js's checker). */
function checker(url) {
  return new Promise(function (resolve) {
    importScripts(url); // throws (a NetworkError) when the file is missing
    resolve(self.xxhash());
  });
}

/** The xxh64 of `bytes` (hex), fed in slices: xxhash-wasm copies what it is given into its own
    memory, and 36 MB at once would first grow that (40 ms). */
function xxh64(api, bytes) {
  var h = api.create64(0n), SLICE = 1 << 20;
  for (var at = 0; at < bytes.length; at += SLICE) h.update(bytes.subarray(at, at + SLICE));
  return h.digest().toString(16).padStart(16, "0");
}

/** The kept unpacked copy of a file, checked; null if there is none (or nowhere to keep one).
    It is checked against the xxh64 the build recorded (msg.checksum), not its sha256: a
    copy this browser made from a download whose sha256 matched needs to be found intact, not
    proven genuine, and xxh64 checks the 36 MB snapshot in 20-30 ms during a boot, where SHA-256
    took 116-130 ms. */
async function kept(msg) {
  if (!canKeep(msg)) return null;
  var folder, bytes = null, api, t = performance.now();
  try {
    folder = await keptFolder();
    var file = await folder.getFileHandle(keptName(msg)); // (a first visit stops here)
    api = checker(msg.checker);
    api.catch(function () {}); // (awaited below, unless the read fails first)
    // read-only: tabs opening at the same time may all read it (where the option is known)
    var handle = await file.createSyncAccessHandle({ mode: "read-only" });
    try {
      bytes = new Uint8Array(handle.getSize());
      if (handle.read(bytes, { at: 0 }) !== bytes.length) bytes = null;
    } finally {
      handle.close();
    }
    api = await api;
  } catch (err) {
    // none kept (NotFoundError), storage refused, another tab holds it, or the checker is
    // missing: download
    return null;
  }
  var read = performance.now() - t;
  t = performance.now();
  if (!bytes || bytes.length !== msg.unpackedSize || xxh64(api, bytes) !== msg.checksum) {
    folder.removeEntry(keptName(msg)).catch(function () {}); // damaged or cut short: unpacked anew
    return null;
  }
  return { bytes: bytes, ms: { read: read, check: performance.now() - t } };
}

/** Keep `bytes` (msg's file, unpacked) for the next visit, and drop copies of other builds of it. */
async function keep(msg, bytes) {
  var folder = null, name = keptName(msg), same = name.split("@")[0] + "@";
  try {
    if (self.caches) caches.delete(KEPT).catch(function () {}); // where the page kept them before
    folder = await keptFolder();
    var handle = await (await folder.getFileHandle(name, { create: true })).createSyncAccessHandle();
    var written;
    try {
      handle.truncate(0);
      written = handle.write(bytes, { at: 0 });
      handle.flush();
    } finally {
      handle.close();
    }
    if (written !== bytes.length) throw new Error("written in part");
    postMessage({ keptForNextVisit: msg.url });
    for await (var other of folder.keys()) {
      if (other.indexOf(same) === 0 && other !== name) folder.removeEntry(other).catch(function () {});
    }
  } catch (err) {
    // the quota, a private window, another tab writing it: the next visit unpacks again
    if (folder) folder.removeEntry(name).catch(function () {});
  }
}

// ---- one file -------------------------------------------------------------------------------

var PROGRESS_EVERY = 1 << 18; // bytes between two progress messages

/** The file's bytes as downloaded (checked for length), or null after posting why not. */
async function downloaded(id, msg) {
  var bytes = new Uint8Array(msg.size), n = 0, posted = 0, r;
  try {
    r = await fetch(msg.url, { priority: msg.priority }); // (a hint; ignored where unknown)
  } catch (err) {
    postMessage({ id: id, missing: "network error: " + ((err && err.message) || err) });
    return null;
  }
  if (!r.ok) {
    postMessage({ id: id, missing: "HTTP " + r.status });
    return null;
  }
  var reader = r.body.getReader();
  for (;;) {
    var chunk;
    try {
      chunk = await reader.read();
    } catch (err) { // the connection broke off
      postMessage({ id: id, missing: "network error: " + ((err && err.message) || err) });
      return null;
    }
    if (chunk.done) break;
    if (n + chunk.value.length > bytes.length) {
      reader.cancel().catch(function () {});
      postMessage({ id: id, damaged: "it is longer than built" });
      return null;
    }
    bytes.set(chunk.value, n);
    n += chunk.value.length;
    if (n - posted >= PROGRESS_EVERY) postMessage({ id: id, progress: (posted = n) });
  }
  if (n !== bytes.length) {
    postMessage({ id: id, damaged: "it is shorter than built" });
    return null;
  }
  postMessage({ id: id, progress: n, arrived: true });
  return bytes;
}

async function download(id, msg) {
  var have = await kept(msg);
  if (have) {
    postMessage({ id: id, progress: msg.size, arrived: true });
    postMessage({ id: id, sha256: msg.sha256, bytes: have.bytes, kept: true, ms: have.ms }, [have.bytes.buffer]);
    return;
  }
  var arriving = downloaded(id, msg); // (its request is sent before the decoder loads)
  var unpacker = decoder(msg.decoder);
  unpacker.catch(function () {}); // told below, once the file is in and checked
  var bytes = await arriving;
  if (!bytes) return;
  var reply = { id: id, ms: {} }, t = performance.now();
  try {
    // Not a secure context (no WebCrypto): boot.js skips the check there too.
    reply.sha256 = self.crypto && crypto.subtle ? hex(await crypto.subtle.digest("SHA-256", bytes)) : null;
  } catch (err) {
    reply.error = String((err && err.message) || err);
    postMessage(reply);
    return;
  }
  reply.ms.sha256 = performance.now() - t;
  if (reply.sha256 !== null && reply.sha256 !== msg.sha256) {
    postMessage(reply);
    return;
  }
  var d;
  try {
    d = await unpacker;
  } catch (err) {
    postMessage({ id: id, file: msg.decoder, missing: String((err && err.message) || err) });
    return;
  }
  t = performance.now();
  try {
    var out = d.decode(bytes, msg.unpackedSize);
    // (zstddec does not report a failed unpacking: its output is then short)
    if (out.length === msg.unpackedSize) reply.bytes = out;
    else reply.error = "it unpacks to " + out.length + " bytes, not " + msg.unpackedSize;
  } catch (err) {
    reply.error = String((err && err.message) || err);
  }
  reply.ms.unpack = performance.now() - t;
  unpacker = d = null; // (the decoder's memory is freed with it)
  // kept for the next visit once the page gives the bytes back ({keepNow, bytes}): copying 36 MB
  // here, before handing them over, would hold up Python's start
  reply.keep = !!(canKeep(msg) && reply.bytes); // (canKeep: checked with WebCrypto, as here)
  if (reply.keep) toKeep = function (bytes) { return keep(msg, bytes); };
  postMessage(reply, reply.bytes ? [reply.bytes.buffer] : []);
}

self.onmessage = function (e) {
  if (e.data.keepNow) (toKeep && e.data.bytes ? toKeep(e.data.bytes) : Promise.resolve()).then(close, close);
  else if (e.data.start) download(e.data.id, e.data).then(function () { if (!toKeep) close(); }, close);
};

postMessage({ ready: true });
