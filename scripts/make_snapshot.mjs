// Make the start-up snapshot the page boots from (run by scripts/build.py).
//
//     node scripts/make_snapshot.mjs <pyodide folder> <numpy image> <app image> <out file>
//
// The images are numpy's installed files (make_numpy_image.mjs) and our code (file_image.py),
// unpacked. Starting CPython inside Pyodide, installing numpy and importing numpy and nn is most of
// a visit's wait: about 2.5 s on a 2-core machine. Pyodide can instead restore its WebAssembly
// memory as it was after all that (its experimental `_makeSnapshot` / `_loadSnapshot` options of
// the pinned 0.27.7, the mechanism Cloudflare's Python Workers use), once numpy's own WebAssembly
// modules are loaded again where they were (site/snapshot-restore.js says how, and restores it).
// Pyodide refuses a snapshot from another build of its runtime ("Snapshot build id mismatch").
//
// The work here is boot.js's, step for step and with the same settings as the page's
// loadPyodide, so that the restored interpreter is the one a browser would have made (same
// environment variables, same argv). Before the file is written, the snapshot is restored in a
// fresh runtime and compared with a runtime that did the same work the long way: same modules,
// same paths, same numbers from numpy and from training a network.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import vm from "node:vm";

const [dir, numpyFile, appFile, out] = process.argv.slice(2);
if (!dir || !numpyFile || !appFile || !out) {
  console.error("usage: node scripts/make_snapshot.mjs <pyodide folder> <numpy image> <app image> <out file>");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
vm.runInThisContext(readFileSync(path.join(here, "..", "site", "snapshot-restore.js"), "utf8"));
const kit = globalThis.WILSnapshot;
const indexURL = path.resolve(dir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const numpy = kit.readImage(new Uint8Array(readFileSync(numpyFile)));
const app = kit.readImage(new Uint8Array(readFileSync(appFile)));

// What a browser's loadPyodide sets by default (pyodide.ts): HOME and nothing from the host, and
// Emscripten's program name (node would otherwise use this script's path as sys.executable).
// One difference stays: LANG is C.UTF-8 here, where a browser derives it from its language.
const TABLE_ROOM = 64;
const settings = { indexURL, env: { HOME: "/home/pyodide" }, args: [], _sysExecutable: "./this.program" };

// Node's stand-ins for the browser objects the app's modules take from `js` as they are imported
// (kit.standInPageGlobals), and their removal before the next runtime is made.
let standIns = [];
const pageGlobals = () => { standIns = standIns.concat(kit.standInPageGlobals()); };
const noPageGlobals = () => { standIns.forEach((name) => delete globalThis[name]); standIns = []; };

/** boot.js's work after Python starts, the long way: numpy installed, our code, the imports. */
async function installAndImport(py) {
  pageGlobals();
  kit.layOut(py.FS, numpy);
  await py._api.loadDynlibsFromPackage({ file_name: numpy.head.wheel }, numpy.head.dynlibs);
  py._module.reportUndefinedSymbols();
  kit.invalidateCaches(py);
  kit.layOut(py.FS, app);
  py.runPython(kit.APP_FIRST);
  kit.IMPORTS.forEach((name) => py.runPython(`import ${name}`));
  py.runPython(kit.PREPARE);
}

// ---- the snapshot, and the plan of where numpy's modules went ----
const made = await loadPyodide({ ...settings, _makeSnapshot: true });
const M = made._module;
const plan = { tableStart: M.wasmTable.length, libs: [], handles: [] };
// Room for functions a browser's runtime adds to its table as it starts and Node's does not
// (Chromium: one, for WebAssembly stack switching): numpy's modules go after it.
M.wasmTable.grow(TABLE_ROOM);
const pending = []; // the modules asked for and not yet instantiated, in order
// Where each module is placed: Emscripten hands it __memory_base and __table_base as it instantiates.
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = function (source, imports) {
  const env = imports && imports.env;
  if (env && typeof env.__memory_base === "number") {
    const [name] = pending.splice(0, 1);
    const meta = M.getDylinkMetadata(source instanceof WebAssembly.Module ? source : new Uint8Array(source));
    plan.libs.push({ name, memoryBase: env.__memory_base, memorySize: meta.memorySize,
                     tableBase: env.__table_base, tableSize: meta.tableSize });
  }
  return instantiate.apply(this, arguments);
};
const load = M.loadDynamicLibrary;
M.loadDynamicLibrary = function (name) { pending.push(name); return load.apply(this, arguments); };
await installAndImport(made);
M.loadDynamicLibrary = load;
WebAssembly.instantiate = instantiate;
plan.tableEnd = M.wasmTable.length;
const loaded = plan.libs.map((l) => l.name);
if (pending.length || JSON.stringify(loaded) !== JSON.stringify(numpy.head.dynlibs)) {
  console.error(`numpy's modules were loaded as ${JSON.stringify(loaded)}, not as its image lists them`);
  process.exit(1);
}
for (const [handle, dso] of Object.entries(M.LDSO.loadedLibsByHandle)) {
  if (handle !== "0") plan.handles.push([Number(handle), dso.name]);
}
const file = kit.join(plan, made.makeMemorySnapshot());

// ---- the check: restored, and the long way ----
const PROBE = `
import json, os, sys
import numpy as np, nn
rng = np.random.default_rng(1)
X = rng.normal(size=(64, 2))
Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
net = nn.MLP([2, 8, 8, 1], activation="tanh", output="sigmoid", seed=0)
opt = nn.optim.Adam(net.params, lr=1e-2)
losses = []
for _ in range(20):
    loss, grads = net.loss_and_grads(X, Y)
    opt.step(grads)
    losses.append(float(loss))
A = rng.normal(size=(30, 30))
# (not sys.argv: in Node a snapshot's Python has [''], one started the long way the program's
# name; in the browser both have the same, which tests/browser/test_boot.py compares)
json.dumps({"path": sys.path, "modules": sorted(sys.modules), "environ": dict(os.environ),
            "executable": sys.executable, "cwd": os.getcwd(), "losses": losses,
            "det": float(np.linalg.det(A)), "fft": np.fft.fft(A[0]).real.tolist(),
            "files": sorted(os.listdir(os.path.dirname(np.__file__)))})
`;
const names = (Mod, from, to) => Array.from({ length: to - from }, (_, i) => (Mod.wasmTable.get(from + i) || {}).name);
const got = (Mod) => Object.entries(Mod.GOT).map(([k, g]) => `${k}=${g.value}`).sort();
const madeTable = names(M, 0, plan.tableEnd), madeGOT = got(M);

let placed;
const createModule = globalThis._createPyodideModule;
kit.beforeMemoryRestored(async (Module) => {
  const bytes = new Map(numpy.files.map((f) => [f.path, f.bytes]));
  await kit.placeLibraries(Module, plan, (name) => bytes.get(name));
  pageGlobals(); // (the restore looks up the paths of the JS objects Python held)
  placed = Module;
});
noPageGlobals();
const restored = await loadPyodide({ ...settings, _loadSnapshot: kit.split(file).memory });
kit.layOut(restored.FS, numpy);
kit.invalidateCaches(restored);
kit.layOut(restored.FS, app);
restored.runPython(kit.APP_FIRST);
restored.runPython(kit.RESEED);
const fail = (why) => { console.error(`the restored snapshot ${why}`); process.exit(1); };
if (placed !== restored._module) fail("was not given numpy's modules before its memory came back");
if (JSON.stringify(names(placed, 0, plan.tableEnd)) !== JSON.stringify(madeTable)) fail("has another function table");
if (JSON.stringify(got(placed)) !== JSON.stringify(madeGOT)) fail("has other addresses of numpy's symbols (GOT)");
const fromSnapshot = restored.runPython(PROBE);

globalThis._createPyodideModule = createModule; // the long way: no hook
noPageGlobals();
const plain = await loadPyodide({ ...settings });
await installAndImport(plain);
const longWay = plain.runPython(PROBE);
if (fromSnapshot !== longWay) {
  const a = JSON.parse(fromSnapshot), b = JSON.parse(longWay);
  const differ = Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  fail(`differs from Python started the long way in: ${differ.map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`).join("; ")}`);
}
writeFileSync(out, file);
console.log(JSON.stringify({ bytes: file.length, libs: plan.libs.length, version: restored.version }));
