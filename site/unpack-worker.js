/* unpack-worker.js: boot.js's checksum and gunzip of a downloaded file, off the page's main thread.

   Over http boot.js hands each file to this worker chunk by chunk as it downloads. A gzipped file
   is unpacked as its chunks come, while the rest still downloads; when the last one is in, its
   sha256 is compared with the one recorded at build time, and only when they match does boot.js
   get the bytes (unpacked, if asked). Done in the page, DecompressionStream inflated the 21 MB
   start-up snapshot and the 16 MB numpy image in one long task each, which held up Python's start
   (the same thread compiles and runs the runtime); here it runs beside it. boot.js does the same
   work itself when this worker cannot start (over file://, where a page may not start workers
   from files, or when this file is missing).

   Protocol: it posts {ready: true} once it runs. Then per file: {id, start, size, sha256, gunzip},
   {id, chunk} (each chunk, in order), then {id, end} -> it answers {id, sha256 (what it found,
   null without WebCrypto), bytes (only when the sums match), error (the gunzip's, if any),
   ms: {sha256, gunzip}}; or {id, drop} when boot.js gave up on the file. */
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

async function finish(id, job) {
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
  postMessage(reply, reply.bytes ? [reply.bytes.buffer] : []);
}

self.onmessage = function (e) {
  var msg = e.data, job = jobs[msg.id];
  if (msg.start) jobs[msg.id] = start(msg);
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
