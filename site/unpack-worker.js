/* unpack-worker.js: boot.js's checksum and gunzip of a downloaded file, off the page's main thread.

   Over http boot.js hands each file it downloaded to this worker: its sha256 is compared with the
   one recorded at build time and, only when they match, a gzipped file is unpacked. Done in the
   page, DecompressionStream inflates the 21 MB start-up snapshot and the 16 MB numpy image in one
   long task each, which holds up Python's start (the same thread compiles and runs the runtime);
   here it runs beside it. boot.js does the same work itself when this worker cannot start (over
   file://, where a page may not start workers from files, or when this file is missing).

   Protocol: it posts {ready: true} once it runs; then, for each {id, bytes, sha256, gunzip} (bytes
   transferred), it answers {id, sha256 (what it found, null without WebCrypto), bytes (when the
   sums match: unpacked if asked), ms: {sha256, gunzip}} or {id, error}. */
"use strict";

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

async function gunzip(bytes) {
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

self.onmessage = async function (e) {
  var job = e.data, reply = { id: job.id, ms: {} }, t = performance.now();
  try {
    // Not a secure context (no WebCrypto): boot.js skips the check there too.
    var sum = self.crypto && crypto.subtle ? hex(await crypto.subtle.digest("SHA-256", job.bytes)) : null;
    reply.sha256 = sum;
    reply.ms.sha256 = performance.now() - t;
    if (sum === null || sum === job.sha256) {
      t = performance.now();
      reply.bytes = job.gunzip ? await gunzip(job.bytes) : job.bytes;
      if (job.gunzip) reply.ms.gunzip = performance.now() - t;
    }
  } catch (err) {
    reply.error = String((err && err.message) || err);
  }
  postMessage(reply, reply.bytes ? [reply.bytes.buffer] : []);
};

postMessage({ ready: true });
