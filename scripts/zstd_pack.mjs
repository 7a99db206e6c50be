// zstd_pack.mjs: pack a file with Zstandard for the page, and check that the page's own decoder
// gets the same bytes back.
//
//     node scripts/zstd_pack.mjs IN OUT
//
// The page's large files (the start-up snapshot, numpy's image, our code's image) are stored packed.
// Zstandard at level 19 makes them a third smaller than gzip -9, and the page's decoder (zstddec,
// WebAssembly) unpacks them about three times faster than the browser's own gunzip: on a
// two-core computer the snapshot's gunzip was the longest wait of the boot. Packing is slow
// (~17 s for the snapshot); scripts/build.py caches the result.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ZSTDDecoder } from "zstddec";

const LEVEL = 19; // 20-22 ("ultra") need far more memory to unpack, for ~2% less

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node scripts/zstd_pack.mjs IN OUT");
  process.exit(2);
}
const zstd = createRequire(import.meta.url)("@bokuweb/zstd-wasm");
await zstd.init();
const raw = new Uint8Array(readFileSync(input));
const packed = zstd.compress(raw, LEVEL);

const decoder = new ZSTDDecoder();
await decoder.init();
const back = decoder.decode(packed, raw.length);
if (back.length !== raw.length || Buffer.compare(Buffer.from(back), Buffer.from(raw)) !== 0) {
  console.error(`zstd_pack: ${input} does not unpack to itself with the page's decoder`);
  process.exit(1);
}
writeFileSync(output, packed);
console.log(`${input}: ${raw.length} -> ${packed.length} bytes (zstd ${LEVEL})`);
