// Make numpy's installed files, laid out ready for the page (run by scripts/build.py).
//
//     node scripts/make_numpy_image.mjs <pyodide folder> <numpy wheel> <out file>
//
// pyodide.loadPackage("numpy") unpacks the wheel with Python's zipfile on every visit (inflating
// 12 MB of 338 files in WebAssembly, compiling tempfile, tarfile and the like to do it), then loads
// its 19 WebAssembly modules. This does the unpacking once, here, with the page's own Pyodide and
// the very function loadPackage calls (its `install`, same arguments), and writes what it put in
// site-packages as one image that boot.js copies into the file system as it is.
//
// The image also carries numpy's modules as bytecode: the wheel has them as .py only, and the
// page's Python keeps no bytecode between visits, so `import numpy` used to spend most of its time
// in compile(). They are compiled here by the same CPython 3.12 into __pycache__/*.pyc, as
// "unchecked hash" files (PEP 552): Python uses them without comparing them with the .py, right
// here because both come from the same verified wheel (the build caches the image under its sha256).
//
// Image: uint32 (little-endian) length of a JSON header, the header, then the files' bytes in the
// header's order. Header: {root, wheel, dynlibs (the paths loadPackage loads, in its order),
// dirs, files: [[path under root, size]]}.
//
// Checked before it is written: a fresh runtime given the image (laid out as boot.js does it) has
// the same files, bytes and directories as one where loadPackage's install ran, and imports numpy
// without compiling any of its modules.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import vm from "node:vm";

const [dir, wheel, out] = process.argv.slice(2);
if (!dir || !wheel || !out) {
  console.error("usage: node scripts/make_numpy_image.mjs <pyodide folder> <numpy wheel> <out file>");
  process.exit(2);
}
const indexURL = path.resolve(dir) + path.sep;
// boot.js's reader of file images (site/snapshot-restore.js), for the check below
vm.runInThisContext(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "site",
                                           "snapshot-restore.js"), "utf8"));
const kit = globalThis.WILSnapshot;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const wheelBytes = new Uint8Array(readFileSync(wheel)); // a plain typed array, not a node Buffer
const wheelName = path.basename(wheel).replace(/^.*?(numpy-)/, "$1");

// Every file and directory under site-packages: path, mode, sha256 (a Python expression's value).
const TREE = `
import hashlib, json, os, site
root = site.getsitepackages()[0]
tree = []
for folder, dirs, files in sorted(os.walk(root)):
    for d in sorted(dirs):
        p = os.path.join(folder, d)
        tree.append([os.path.relpath(p, root), oct(os.stat(p).st_mode), ""])
    for f in sorted(files):
        p = os.path.join(folder, f)
        tree.append([os.path.relpath(p, root), oct(os.stat(p).st_mode), hashlib.sha256(open(p, "rb").read()).hexdigest()])
json.dumps(tree)
`;

// As loadPackage installs a lockfile package: Pyodide's own install, with its installer and source.
async function installed() {
  const py = await loadPyodide({ indexURL });
  const root = py.runPython("import site; site.getsitepackages()[0]");
  const before = new Set(JSON.parse(py.runPython(TREE)).map((e) => e[0]));
  const dynlibs = [];  // the WebAssembly modules install loads, in its order
  const load = py._module.loadDynamicLibrary;
  py._module.loadDynamicLibrary = function (name) { dynlibs.push(name); return load.apply(this, arguments); };
  await py._api.install(wheelBytes, wheelName, root, "pyodide.loadPackage", "pyodide");
  py._module.loadDynamicLibrary = load;
  return { py, root, before, dynlibs };
}

const { py, root, before, dynlibs } = await installed();
const compiled = py.runPython(`
import compileall, os, py_compile, site
compileall.compile_dir(os.path.join(site.getsitepackages()[0], "numpy"), quiet=1, workers=1,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
`);
if (!compiled) {
  console.error("compileall could not compile every numpy module");
  process.exit(1);
}
const tree = JSON.parse(py.runPython(TREE)).filter((e) => !before.has(e[0]));
const dirs = tree.filter((e) => !e[2]).map((e) => e[0]);
const files = tree.filter((e) => e[2]).map((e) => [e[0], py.FS.stat(root + "/" + e[0]).size]);
const header = new TextEncoder().encode(JSON.stringify({ root, wheel: wheelName, dynlibs, dirs, files }));
const size = 4 + header.length + files.reduce((n, f) => n + f[1], 0);
const image = new Uint8Array(size);
new DataView(image.buffer).setUint32(0, header.length, true);
image.set(header, 4);
let at = 4 + header.length;
for (const [rel] of files) {
  const bytes = py.FS.readFile(root + "/" + rel);
  image.set(bytes, at);
  at += bytes.length;
}

// The check: lay the image out in a fresh runtime (with boot.js's own reader) and compare.
const fresh = await loadPyodide({ indexURL });
const laid = kit.readImage(image), head = laid.head;
kit.layOut(fresh.FS, laid);
const loaded = [];
const load = fresh._module.loadDynamicLibrary;
fresh._module.loadDynamicLibrary = function (name) { loaded.push(name); return load.apply(this, arguments); };
await fresh._api.loadDynlibsFromPackage({ file_name: head.wheel }, head.dynlibs);
fresh._module.loadDynamicLibrary = load;
if (!dynlibs.length || JSON.stringify(loaded) !== JSON.stringify(dynlibs)) {
  console.error(`install loaded ${JSON.stringify(dynlibs)}, the image's list loads ${JSON.stringify(loaded)}`);
  process.exit(1);
}
const want = JSON.stringify(tree);
const got = JSON.stringify(JSON.parse(fresh.runPython(TREE)).filter((e) => !before.has(e[0])));
if (got !== want) {
  console.error("the image laid out differs from what loadPackage installs");
  process.exit(1);
}
const check = fresh.runPython(`
import builtins
calls = []
real = builtins.compile
builtins.compile = lambda *a, **k: calls.append(str(a[1]) if len(a) > 1 else "?") or real(*a, **k)
try:
    import numpy
finally:
    builtins.compile = real
f"{numpy.__version__} {int(numpy.arange(10).sum())} {sum('/numpy/' in c for c in calls)}"
`);
const [version, sum, calls] = check.split(" ");
if (sum !== "45" || calls !== "0") {
  console.error(`numpy from the image: version ${version}, sum ${sum}, numpy modules compiled ${calls}`);
  process.exit(1);
}
writeFileSync(out, image);
console.log(JSON.stringify({ bytes: image.length, files: files.length, dynlibs: dynlibs.length, numpy: version }));
