// Lay file images out in Pyodide's file system two ways, and print what Python sees of each
// (tests/test_lay_out.py):
//
//     node tests/lay_out.mjs <images.json>
//
// images.json: [{image: base64 of a file image (scripts/file_image.py), existing: {path: base64}}].
// For each, two fresh folders get the image: one by site/snapshot-restore.js's layOut, one by
// FS.writeFile(path, bytes) for every file (what layOut stands for), each after `existing` was
// written there. Prints [[tree by layOut, tree by writeFile], ...]: every folder and file under
// the root with its mode and, for a file, its size and sha256, as Python's os.walk and open see them.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import vm from "node:vm";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
vm.runInThisContext(readFileSync(path.join(root, "site", "snapshot-restore.js"), "utf8"));
const kit = globalThis.WILSnapshot;
const indexURL = path.join(root, "node_modules", "pyodide") + path.sep;
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const py = await loadPyodide({ indexURL });
const TREE = (top) => `
import hashlib, json, os
out = []
for folder, dirs, files in sorted(os.walk(${JSON.stringify(top)})):
    for d in sorted(dirs):
        p = os.path.join(folder, d)
        out.append([p[len(${JSON.stringify(top)}):], oct(os.stat(p).st_mode)])
    for f in sorted(files):
        p = os.path.join(folder, f)
        with open(p, "rb") as fh:
            data = fh.read()
        out.append([p[len(${JSON.stringify(top)}):], oct(os.stat(p).st_mode), os.stat(p).st_size, hashlib.sha256(data).hexdigest()])
json.dumps(out)
`;
const bytes = (b64) => new Uint8Array(Buffer.from(b64, "base64"));
const results = [];
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
cases.forEach((c, k) => {
  const pair = [];
  for (const how of ["layOut", "writeFile"]) {
    const top = `/cases/${k}/${how}`;
    const image = kit.readImage(bytes(c.image));
    image.head.root = top + image.head.root;
    image.files.forEach((f) => { f.path = top + f.path; });
    py.FS.mkdirTree(image.head.root); // (as the runtime's site-packages is there already)
    for (const [p, b64] of Object.entries(c.existing)) {
      py.FS.mkdirTree(path.posix.dirname(image.head.root + "/" + p));
      py.FS.writeFile(image.head.root + "/" + p, bytes(b64));
    }
    if (how === "layOut") {
      kit.layOut(py.FS, image);
    } else {
      image.head.dirs.forEach((d) => py.FS.mkdirTree(image.head.root + "/" + d));
      image.files.forEach((f) => py.FS.writeFile(f.path, f.bytes));
    }
    pair.push(JSON.parse(py.runPython(TREE(top))));
  }
  results.push(pair);
});
console.log(JSON.stringify(results));
