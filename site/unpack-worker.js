/* unpack-worker.js: boot.js's checksum and gunzip of a downloaded file, off the page's main thread.

   Over http boot.js starts one for each gzipped file and hands it the file chunk by chunk as it
   downloads. The file is unpacked as its chunks come, while the rest still downloads; when the
   last one is in, its sha256 is compared with the one recorded at build time, and only when they
   match does boot.js get the bytes (unpacked, if asked). Done in the page, DecompressionStream
   inflated the start-up snapshot and the numpy image in one long task each, which held up Python's
   start (the same thread compiles and runs the runtime); here it runs beside it. boot.js does the
   same work itself when this worker cannot start (over file://, where a page may not start
   workers from files, or when this file is missing).

   It can also download a file itself ({url} in the first message): the start-up snapshot and
   numpy's image, the files Python's start waits for, then arrive at the network's pace rather
   than at the pace of a main thread that is busy compiling and painting. Such a file, once
   unpacked, is kept unpacked in the browser's Cache Storage for the next visit (where there is
   one: a secure context): unpacking 52 MB is most of what a repeat visit would wait for. It is
   written once boot.js says the page is up ({keepNow: true}): writing 52 MB while Python starts
   would slow the start it is meant to speed up. A kept copy is used only if its sha256 is the
   one the build recorded ({unpacked} in the message); any other is deleted, and the file
   downloaded again.

   Protocol: it posts {ready: true} once it runs. Then per file: {id, start, size, sha256, gunzip},
   {id, chunk} (each chunk, in order), then {id, end} -> it answers {id, sha256 (what it found,
   null without WebCrypto), bytes (only when the sums match), error (the gunzip's, if any),
   ms: {sha256, gunzip}}; or {id, drop} when boot.js gave up on the file. With {url, priority,
   unpacked} in the start message it fetches the file and sends no chunks: it posts {id, progress:
   bytes so far} as they come, {id, arrived: true} at the end, then the answer above (with kept:
   true when it came unpacked from the cache); or {id, missing: why} (a network error, an HTTP
   error status) or {id, damaged: why} (longer or shorter than built). */
"use strict";

var jobs = {};

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

function start(msg) {
  var job = { bytes: new Uint8Array(msg.size), n: 0, sha256: msg.sha256, t0: performance.now() };
  if (msg.gunzip) {
    var ds = new DecompressionStream("gzip");
    job.writer = ds.writable.getWriter();
    job.unpacked = new Response(ds.readable).arrayBuffer();
    job.unpacked.catch(function () {}); // a damaged file: told by its checksum, at the end
  }
  return job;
}

function add(job, chunk) {
  job.bytes.set(chunk, job.n);
  job.n += chunk.length;
  if (job.writer) job.writer.write(chunk).catch(function () {});
}

async function finish(id, job, keep) {
  var reply = { id: id, ms: {} }, t = performance.now(), sum;
  try {
    // Not a secure context (no WebCrypto): boot.js skips the check there too.
    sum = self.crypto && crypto.subtle ? hex(await crypto.subtle.digest("SHA-256", job.bytes)) : null;
  } catch (err) {
    reply.error = String((err && err.message) || err);
    postMessage(reply);
    return;
  }
  reply.sha256 = sum;
  reply.ms.sha256 = performance.now() - t;
  if (sum !== null && sum !== job.sha256) {
    if (job.writer) job.writer.abort().catch(function () {});
  } else if (job.writer) {
    job.writer.close().catch(function () {});
    try {
      reply.bytes = new Uint8Array(await job.unpacked);
    } catch (err) {
      reply.error = String((err && err.message) || err);
    }
    reply.ms.gunzip = performance.now() - job.t0; // from the first chunk: it overlaps the download
  } else {
    reply.bytes = job.bytes;
  }
  var copy = keep && reply.bytes && !reply.error && sum !== null ? reply.bytes.slice() : null;
  postMessage(reply, reply.bytes ? [reply.bytes.buffer] : []);
  if (copy) toKeep.push(function () { keep(copy); });
}

var toKeep = []; // what to write to the cache once the page is up

// ---- unpacked files kept for the next visit (Cache Storage) ----------------------------------

var KEPT = "watch-it-learn-unpacked";

function keptKey(msg) { return msg.url + "#unpacked-" + msg.unpacked; }

/** The kept unpacked copy of a file, checked; null if there is none (or no Cache Storage). */
async function kept(msg) {
  if (!msg.unpacked || !self.caches || !self.crypto || !crypto.subtle) return null;
  try {
    var t = performance.now(), cache = await caches.open(KEPT), hit = await cache.match(keptKey(msg));
    if (!hit) return null;
    var bytes = new Uint8Array(await hit.arrayBuffer()), read = performance.now() - t;
    t = performance.now();
    if (hex(await crypto.subtle.digest("SHA-256", bytes)) !== msg.unpacked) {
      await cache.delete(keptKey(msg)); // damaged on disk: unpack it anew
      return null;
    }
    return { bytes: bytes, ms: { read: read, sha256: performance.now() - t } };
  } catch (err) {
    return null; // storage refused or full: download as if nothing were kept
  }
}

/** Keep `bytes` (msg's file, unpacked) for the next visit, and drop copies of other builds of it. */
async function keep(msg, bytes) {
  try {
    var cache = await caches.open(KEPT);
    await cache.put(keptKey(msg), new Response(bytes));
    (await cache.keys()).forEach(function (request) {
      var url = request.url.split("#")[0];
      if (url === msg.url && request.url !== keptKey(msg)) cache.delete(request);
    });
  } catch (err) {
    // quota, a private window: the next visit unpacks again
  }
}

var PROGRESS_EVERY = 1 << 18; // bytes between two progress messages

async function download(id, msg) {
  var have = await kept(msg);
  if (have) {
    postMessage({ id: id, progress: msg.size, arrived: true });
    postMessage({ id: id, sha256: msg.sha256, bytes: have.bytes, kept: true, ms: have.ms }, [have.bytes.buffer]);
    return;
  }
  var job = start(msg), r, posted = 0;
  try {
    r = await fetch(msg.url, { priority: msg.priority }); // (a hint; ignored where unknown)
  } catch (err) {
    postMessage({ id: id, missing: "network error: " + ((err && err.message) || err) });
    return;
  }
  if (!r.ok) {
    postMessage({ id: id, missing: "HTTP " + r.status });
    return;
  }
  var reader = r.body.getReader();
  for (;;) {
    var chunk;
    try {
      chunk = await reader.read();
    } catch (err) { // the connection broke off
      if (job.writer) job.writer.abort().catch(function () {});
      postMessage({ id: id, missing: "network error: " + ((err && err.message) || err) });
      return;
    }
    if (chunk.done) break;
    if (job.n + chunk.value.length > job.bytes.length) {
      reader.cancel().catch(function () {});
      if (job.writer) job.writer.abort().catch(function () {});
      postMessage({ id: id, damaged: "it is longer than built" });
      return;
    }
    add(job, chunk.value);
    if (job.n - posted >= PROGRESS_EVERY) postMessage({ id: id, progress: (posted = job.n) });
  }
  if (job.n !== job.bytes.length) {
    if (job.writer) job.writer.abort().catch(function () {});
    postMessage({ id: id, damaged: "it is shorter than built" });
    return;
  }
  postMessage({ id: id, progress: job.n, arrived: true });
  var canKeep = msg.unpacked && self.caches && job.writer;
  finish(id, job, canKeep ? function (bytes) { keep(msg, bytes); } : null);
}

self.onmessage = function (e) {
  var msg = e.data, job = jobs[msg.id];
  if (msg.keepNow) toKeep.splice(0).forEach(function (write) { write(); });
  else if (msg.start && msg.url) download(msg.id, msg);
  else if (msg.start) jobs[msg.id] = start(msg);
  else if (msg.chunk && job) add(job, msg.chunk);
  else if (msg.drop && job) {
    delete jobs[msg.id];
    if (job.writer) job.writer.abort().catch(function () {});
  }
  else if (msg.end && job) {
    delete jobs[msg.id];
    finish(msg.id, job);
  }
};

postMessage({ ready: true });
