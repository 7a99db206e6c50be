// xxh64.mjs: the xxh64 of each file, one hex digest a line, by xxhash-wasm: the library with which
// unpack-worker.js checks the unpacked copies a browser kept (scripts/build.py records these).
//
//     node scripts/xxh64.mjs FILE...
import { readFileSync } from "node:fs";
import xxhash from "xxhash-wasm";

const { create64 } = await xxhash();
for (const path of process.argv.slice(2)) {
  const bytes = readFileSync(path), h = create64(0n);
  for (let at = 0; at < bytes.length; at += 1 << 20) h.update(bytes.subarray(at, at + (1 << 20)));
  console.log(h.digest().toString(16).padStart(16, "0"));
}
